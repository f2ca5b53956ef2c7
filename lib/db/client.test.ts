import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "./client";

describe("embedded database", () => {
  it("refuses a second process on the same data folder with a clear message", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cartlink-lock-"));
    const first = await openDatabase({ dataDir: dir });
    try {
      const script = `import { openDatabase } from "./lib/db/client.ts"; openDatabase({ dataDir: ${JSON.stringify(dir)} }).then(() => { console.log("OPENED"); process.exit(0); }, (e) => { console.log(e.message); process.exit(3); });`;
      const r = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--eval", script], { encoding: "utf8", cwd: process.cwd() });
      expect(r.status).toBe(3);
      expect(r.stdout).toMatch(/already open in process \d+/);
    } finally {
      await first.close();
    }
    // Once the first process closes it, another may open it.
    const again = await openDatabase({ dataDir: dir });
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 90_000);
});
