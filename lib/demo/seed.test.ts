import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, eq, sql } from "drizzle-orm";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { affiliates, autoOrders, items, orders, refunds, themes, users } from "@/lib/db/schema";
import { seedDemo } from "./seed";

describe.each(testBackends())("demo seed on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("creates the demo store the README promises, once", async () => {
    expect(await seedDemo(t.db)).toBe(true);
    const [o] = await t.db.select({ n: count() }).from(orders).where(eq(orders.merchantId, "DEMO"));
    expect(o!.n).toBeGreaterThanOrEqual(200);
    const stages = await t.db.selectDistinct({ s: orders.currentStage }).from(orders).where(eq(orders.merchantId, "DEMO"));
    expect(stages.length).toBe(10);
    const [i] = await t.db.select({ n: count() }).from(items).where(eq(items.merchantId, "DEMO"));
    expect(i!.n).toBeGreaterThanOrEqual(20);
    const shared = await t.db
      .select({ p: sql<string>`${items.customFields} ->> 'oapProductid'`, n: count() })
      .from(items)
      .where(eq(items.merchantId, "DEMO"))
      .groupBy(sql`1`)
      .having(sql`count(*) > 1 and ${sql`${items.customFields} ->> 'oapProductid'`} is not null`);
    expect(shared.map((r) => r.p)).toEqual(["Red Shirt"]);
    expect((await t.db.select().from(themes).where(eq(themes.merchantId, "DEMO"))).map((r) => r.code).sort()).toEqual(["DEFAULT", "HOLIDAY"]);
    const affs = await t.db.select().from(affiliates).where(eq(affiliates.merchantId, "DEMO"));
    expect(affs).toHaveLength(3);
    expect(affs.filter((a) => !a.approved)).toHaveLength(1);
    expect((await t.db.select().from(refunds)).length).toBeGreaterThan(3);
    expect((await t.db.select().from(autoOrders)).length).toBeGreaterThanOrEqual(3);
    expect((await t.db.select().from(users)).map((u) => u.email).sort()).toEqual(["admin@acme.test", "admin@demo.test", "support@demo.test"]);
    // Totals reconcile on every order.
    const bad = await t.db.select().from(orders).where(sql`${orders.totalCents} <> ${orders.subtotalCents} - ${orders.discountCents} + ${orders.taxCents} + ${orders.shippingHandlingCents}`);
    expect(bad).toEqual([]);
    // Running it again keeps existing data.
    const [total] = await t.db.select({ n: count() }).from(orders);
    expect(await seedDemo(t.db)).toBe(false);
    const [again] = await t.db.select({ n: count() }).from(orders);
    expect(again!.n).toBe(total!.n);
  });
});
