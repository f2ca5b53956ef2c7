import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { ORDER_STAGES, orders } from "@/lib/db/schema";
import { testBackends, useTestDatabase } from "@/tools/testing/db";
import { countOrdersByStage, decodeCursor, encodeCursor, getOrderForReview, listOrders, stageNamed } from "./queries";

describe("stageNamed", () => {
  it("names a stage only by its exact name (Order Management's tab filter), anything else is no filter", () => {
    for (const stage of ORDER_STAGES) expect(stageNamed(stage)).toBe(stage);
    for (const other of ["fraud review", "Fraud Review ", "", undefined, ["Hold"], "All"]) expect(stageNamed(other)).toBeUndefined();
  });
});

describe.each(testBackends())("order queries on %s", (kind) => {
  const t = useTestDatabase(kind, { seedDemo: { orderCount: 60 } });

  it("pages through every order newest first with keyset cursors, forwards and back", async () => {
    const all = await t.db.select({ id: orders.id }).from(orders).where(eq(orders.merchantId, "DEMO"));
    const seen: string[] = [];
    const pages = [];
    let page = await listOrders(t.db, { merchantId: "DEMO", limit: 7 });
    expect(page.prev).toBeNull();
    for (;;) {
      pages.push(page);
      seen.push(...page.rows.map((r) => r.id));
      for (let i = 1; i < page.rows.length; i++) expect(page.rows[i - 1]!.createdAt.getTime()).toBeGreaterThanOrEqual(page.rows[i]!.createdAt.getTime());
      if (!page.next) break;
      page = await listOrders(t.db, { merchantId: "DEMO", limit: 7, after: decodeCursor(encodeCursor(page.next)) });
    }
    expect(new Set(seen).size).toBe(all.length);
    expect(seen.length).toBe(all.length);
    // Back from the third page gives the second page.
    const back = await listOrders(t.db, { merchantId: "DEMO", limit: 7, before: pages[2]!.prev });
    expect(back.rows.map((r) => r.id)).toEqual(pages[1]!.rows.map((r) => r.id));
    expect(back.prev).not.toBeNull();
    const oldest = await listOrders(t.db, { merchantId: "DEMO", limit: 3, sort: "oldest" });
    expect(oldest.rows[0]!.createdAt.getTime()).toBeLessThanOrEqual(oldest.rows[2]!.createdAt.getTime());
  });

  it("filters by stage, counts per stage, and searches by id, email and name", async () => {
    const counts = await countOrdersByStage(t.db, { merchantId: "DEMO" });
    const fraud = await listOrders(t.db, { merchantId: "DEMO", stage: "Fraud Review", limit: 200 });
    expect(fraud.rows.length).toBe(counts.byStage["Fraud Review"]);
    expect(fraud.rows.every((r) => r.currentStage === "Fraud Review")).toBe(true);
    expect(Object.values(counts.byStage).reduce((s, n) => s + n, 0)).toBe(counts.total);

    const one = fraud.rows[0]!;
    expect((await listOrders(t.db, { merchantId: "DEMO", q: one.id.toLowerCase() })).rows.map((r) => r.id)).toEqual([one.id]);
    expect((await listOrders(t.db, { merchantId: "DEMO", q: one.email.toUpperCase() })).rows.map((r) => r.id)).toContain(one.id);
    const byName = await listOrders(t.db, { merchantId: "DEMO", q: `${one.firstName} ${one.lastName}`.toLowerCase().slice(1), limit: 200 });
    expect(byName.rows.map((r) => r.id)).toContain(one.id);
    expect((await listOrders(t.db, { merchantId: "DEMO", q: "100%_" })).rows).toEqual([]);
    expect((await listOrders(t.db, { merchantId: "ACME", q: one.id })).rows).toEqual([]);
  });

  it("counts per stage follow the search, so each tab's count is what that tab lists", async () => {
    const all = await countOrdersByStage(t.db, { merchantId: "DEMO" });
    const [one] = await t.db.select().from(orders).where(eq(orders.currentStage, "Shipping Department")).limit(1);

    // A name search: every stage's count equals the rows that stage lists for the same search.
    const q = one!.firstName.toLowerCase();
    const counts = await countOrdersByStage(t.db, { merchantId: "DEMO", q });
    expect(counts.total).toBe((await listOrders(t.db, { merchantId: "DEMO", q, limit: 200 })).rows.length);
    expect(counts.total).toBeGreaterThan(0);
    expect(counts.total).toBeLessThan(all.total);
    for (const stage of ORDER_STAGES) {
      const listed = await listOrders(t.db, { merchantId: "DEMO", stage, q, limit: 200 });
      expect(counts.byStage[stage] ?? 0, stage).toBe(listed.rows.length);
    }

    // An order id counts one order, in its stage only; a search that matches nothing counts nothing.
    expect(await countOrdersByStage(t.db, { merchantId: "DEMO", q: one!.id.toLowerCase() })).toEqual({ total: 1, byStage: { "Shipping Department": 1 } });
    expect(await countOrdersByStage(t.db, { merchantId: "DEMO", q: "nobody-at-all@nowhere.test" })).toEqual({ total: 0, byStage: {} });
    // Another merchant searching for DEMO's order id counts nothing.
    expect(await countOrdersByStage(t.db, { merchantId: "ACME", q: one!.id })).toEqual({ total: 0, byStage: {} });
    // An empty search counts everything.
    expect(await countOrdersByStage(t.db, { merchantId: "DEMO", q: "  " })).toEqual(all);
  });

  it("gets one order for Review Order, and nothing for another merchant", async () => {
    const [o] = await t.db.select().from(orders).where(eq(orders.currentStage, "Completed Order")).limit(1);
    const review = await getOrderForReview(t.db, { merchantId: "DEMO", orderId: o!.id });
    expect(review?.order.id).toBe(o!.id);
    expect(review!.lines.length).toBeGreaterThan(0);
    expect(review!.history.at(-1)!.toStage).toBe("Completed Order");
    expect(review!.theme?.code).toBe(o!.themeCode);
    expect(await getOrderForReview(t.db, { merchantId: "ACME", orderId: o!.id })).toBeNull();
  });
});
