import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { executeHot, openDatabase, rowsOf, type Db } from "./client";

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

describe.runIf(process.env.TEST_DATABASE_URL)("hot statements on PostgreSQL", () => {
  const preparedHere = async (db: Db) =>
    rowsOf<{ statement: string }>(await db.execute(sql`select statement from pg_prepared_statements`)).filter((r) => r.statement.includes("cartlink-hot-probe"));

  it("are prepared once per connection, or run plain with DATABASE_PREPARE=false (transaction poolers)", async () => {
    for (const prepare of [true, false]) {
      // One connection, so the statement and the look-up share it.
      const d = await openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL, max: 1, migrate: false, prepare });
      try {
        for (let i = 0; i < 3; i++) {
          const rows = await executeHot<{ n: number }>(d.db, sql`select ${i}::int + 1 as n -- cartlink-hot-probe`);
          expect(rows.map((r) => Number(r.n))).toEqual([i + 1]);
        }
        expect(await preparedHere(d.db)).toHaveLength(prepare ? 1 : 0);
      } finally {
        await d.close();
      }
    }
  });
});
