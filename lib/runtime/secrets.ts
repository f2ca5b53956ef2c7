import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";

export interface DemoSecrets {
  AUTH_SECRET: string;
  CARTLINK_ENCRYPTION_KEY: string;
}

/**
 * Secrets for a local run: taken from the environment when set, else read from (or generated into)
 * `<dataDir>/secrets.json` with mode 0600. Never committed: the data folder is git-ignored.
 */
export function loadOrCreateSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): DemoSecrets {
  const file = path.join(dataDir, "secrets.json");
  let stored: Partial<DemoSecrets> = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<DemoSecrets>;
  const secrets: DemoSecrets = {
    AUTH_SECRET: env.AUTH_SECRET ?? stored.AUTH_SECRET ?? randomBytes(32).toString("base64"),
    CARTLINK_ENCRYPTION_KEY: env.CARTLINK_ENCRYPTION_KEY ?? stored.CARTLINK_ENCRYPTION_KEY ?? randomBytes(32).toString("hex"),
  };
  if (!stored.AUTH_SECRET || !stored.CARTLINK_ENCRYPTION_KEY) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ ...stored, ...secrets }, null, 2), { mode: 0o600 });
  }
  return secrets;
}
