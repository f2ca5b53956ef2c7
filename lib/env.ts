import { z } from "zod";

/**
 * Environment, parsed once with zod. A missing or malformed variable stops start-up with a message naming it.
 * Secrets are never given defaults here; `npm run demo` generates them into the data folder.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** postgres://… — when set, PostgreSQL through postgres.js; otherwise embedded PGlite in DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default("./.data"),
  /** "false" behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21). */
  DATABASE_PREPARE: z.enum(["true", "false"]).default("true"),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters (generate one with `openssl rand -base64 32`)"),
  /** 32 bytes, base64 or hex: encrypts stored ONTRAPORT API keys (AES-256-GCM). */
  CARTLINK_ENCRYPTION_KEY: z
    .string()
    .refine((v) => decodeKey(v) !== null, "CARTLINK_ENCRYPTION_KEY must be 32 bytes as 64 hex characters or base64"),
  /** Default ONTRAPORT notification endpoint; each merchant may override it. */
  ONTRAPORT_ENDPOINT: z.string().url().default("https://api.ontraport.com/cdata.php"),
  /** Extra hosts (comma-separated) a merchant's https endpoint override may use, each with its sub-domains; ontraport.com is always allowed. */
  ONTRAPORT_ALLOWED_HOSTS: z.string().default(""),
  /** Exact origins (comma-separated, e.g. `http://127.0.0.1:4010`) allowed without the public-address check: the demo's simulator. */
  ONTRAPORT_ALLOWED_LOCAL_ORIGINS: z
    .string()
    .default("")
    .refine((v) => v.split(/[\s,]+/).filter(Boolean).every((o) => /^https?:\/\/[^/]+\/?$/.test(o)), "ONTRAPORT_ALLOWED_LOCAL_ORIGINS lists origins such as http://127.0.0.1:4010, comma-separated"),
  /** Run the delivery worker inside the web server (default with PGlite). */
  CARTLINK_EMBEDDED_WORKER: z.enum(["true", "false"]).optional(),
  /** Allow `localhost`/127.0.0.1 ONTRAPORT sub-domains and endpoints (demo and tests against the simulator). */
  CARTLINK_ALLOW_LOCAL_ONTRAPORT: z.enum(["true", "false"]).default("false"),
  /** Public base URL of this server (StoreFront links shown to support). */
  CARTLINK_PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type Env = z.infer<typeof schema>;

export function decodeKey(value: string): Buffer | null {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, "hex");
  try {
    const b = Buffer.from(v, "base64");
    return b.length === 32 ? b : null;
  } catch {
    return null;
  }
}

const egressSchema = schema.pick({ ONTRAPORT_ALLOWED_HOSTS: true, ONTRAPORT_ALLOWED_LOCAL_ORIGINS: true });

/** Only the variables of the egress policy (the standalone worker does not have the web server's secrets). */
export function egressEnv(source: Record<string, string | undefined> = process.env): z.infer<typeof egressSchema> {
  const r = egressSchema.safeParse(source);
  if (!r.success) throw new Error(`cartlink cannot send: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return r.data;
}

let cached: Env | undefined;

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new Error(`cartlink cannot start: the environment is not valid.\n${lines.join("\n")}`);
  }
  return result.data;
}

/** The parsed environment (cached). Throws a message naming each bad variable. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** For tests that change process.env. */
export function resetEnvCache(): void {
  cached = undefined;
}
