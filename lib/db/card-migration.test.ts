import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { rowsOf } from "@/lib/db/client";
import { wholeDatabaseText } from "@/tools/testing/db-text";
import { autoOrders } from "@/lib/db/schema";
import { chargeCard } from "@/lib/orders/auto-orders";

/** The migrations folder up to and including `lastTag`, as the database had them before. */
function migrationsUpTo(lastTag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cartlink-mig-"));
  fs.mkdirSync(path.join(dir, "meta"));
  const journal = JSON.parse(fs.readFileSync("drizzle/meta/_journal.json", "utf8")) as { entries: Array<{ tag: string; idx: number }> };
  const upTo = journal.entries.findIndex((e) => e.tag === lastTag);
  journal.entries = journal.entries.slice(0, upTo + 1);
  for (const e of journal.entries) fs.copyFileSync(path.join("drizzle", `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  fs.writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify(journal));
  return dir;
}

describe.each(testBackends())("cards on file on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("0003_security replaces stored card numbers with last four digits and an opaque token; rebills still decide by card", async () => {
    // A database as it was before: the schema up to 0001 with whole numbers in card_on_file.
    await t.db.execute(sql`drop schema public cascade`);
    await t.db.execute(sql`drop schema if exists drizzle cascade`);
    await t.db.execute(sql`create schema public`);
    const { migrate } = kind === "pglite" ? await import("drizzle-orm/pglite/migrator") : await import("drizzle-orm/postgres-js/migrator");
    const old = migrationsUpTo("0001_rate-window-granted");
    await migrate(t.db as never, { migrationsFolder: old });
    fs.rmSync(old, { recursive: true, force: true });
    await t.db.execute(sql`insert into merchants (id, name) values ('M1', 'M1')`);
    await t.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`insert into auto_orders (code, merchant_id, original_order_id, merchant_item_id, unit_price_cents, frequency, card_on_file)
        values ('AO-1', 'M1', 'o1', 'CLUB', 2900, 'Monthly', '4111111111111111'), ('AO-2', 'M1', 'o2', 'CLUB', 2900, 'Monthly', '4000 0000 0000 0002')`);
    });
    expect(await wholeDatabaseText(t.db)).toContain("4111111111111111");

    await migrate(t.db as never, { migrationsFolder: "drizzle" });
    const text = await wholeDatabaseText(t.db);
    expect(text).not.toContain("4111111111111111");
    expect(text).not.toMatch(/4000.?0000.?0000.?0002/);
    const cols = rowsOf<{ column_name: string }>(await t.db.execute(sql`select column_name from information_schema.columns where table_name = 'auto_orders'`)).map((c) => c.column_name);
    expect(cols).not.toContain("card_on_file");
    const rows = await t.db.select({ code: autoOrders.code, cardLast4: autoOrders.cardLast4, cardToken: autoOrders.cardToken }).from(autoOrders).orderBy(autoOrders.code);
    expect(rows.map((r) => r.cardLast4)).toEqual(["1111", "0002"]);
    expect(rows.every((r) => /^tok_sim_/.test(r.cardToken))).toBe(true);
    expect(rows.map((r) => chargeCard(r).approved)).toEqual([true, false]);
  });
});
