import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { rowsOf } from "@/lib/db/client";
import { merchants } from "@/lib/db/schema";

describe.each(testBackends())("migrations on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("create every table, and can be applied twice", async () => {
    const result = await t.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`);
    const names = rowsOf<{ table_name: string }>(result).map((r) => r.table_name);
    for (const table of ["merchants", "users", "items", "themes", "affiliates", "orders", "order_lines", "order_stage_history", "refunds", "auto_orders", "domain_events", "audit_log", "ontraport_configs", "transmissions", "transmission_attempts"]) {
      expect(names).toContain(table);
    }
    // Re-running the migrator on a migrated database is a no-op, not an error.
    const { migrate } = kind === "pglite" ? await import("drizzle-orm/pglite/migrator") : await import("drizzle-orm/postgres-js/migrator");
    await migrate(t.db as never, { migrationsFolder: "drizzle" });
    await t.db.insert(merchants).values({ id: "T1", name: "Test" });
    const rows = await t.db.select().from(merchants);
    expect(rows.map((r) => r.id)).toEqual(["T1"]);
  });
});
