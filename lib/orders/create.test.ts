import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { domainEvents, merchants, orderLines, orders, orderStageHistory } from "@/lib/db/schema";
import { insertOrder } from "./create";

describe.each(testBackends())("insertOrder on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    await t.db.insert(merchants).values({ id: "M1", name: "M1" });
  });
  afterAll(async () => {
    await t?.close();
  });

  const base = {
    merchantId: "M1",
    paymentMethod: "Credit Card" as const,
    themeCode: "DEFAULT",
    email: "ada@example.com",
    taxCents: 319,
    shippingHandlingCents: 500,
    byLabel: "Shopper",
    lines: [
      { merchantItemId: "A", quantity: 2, unitPriceCents: 1995 },
      { merchantItemId: "B", quantity: 1, unitPriceCents: 1000, discountCents: 100 },
    ],
  };

  it("numbers orders per merchant, reconciles totals, and records order.paid atomically for a paid order", async () => {
    const o = await t.db.transaction((tx) => insertOrder(tx, { ...base, stage: "Shipping Department", paymentStatus: "Processed" }));
    expect(o.id).toBe("M1-0000001");
    expect(o.subtotalCents).toBe(4990);
    expect(o.discountCents).toBe(100);
    expect(o.totalCents).toBe(4990 - 100 + 319 + 500);
    expect(o.paidAt).not.toBeNull();
    expect(o.receiptToken.length).toBeGreaterThanOrEqual(32);
    const lines = await t.db.select().from(orderLines).where(eq(orderLines.orderId, o.id));
    expect(lines.map((l) => l.totalCents).sort()).toEqual([3990, 900]);
    expect((await t.db.select().from(orderStageHistory).where(eq(orderStageHistory.orderId, o.id)))[0]!.toStage).toBe("Shipping Department");
    const ev = await t.db.select().from(domainEvents).where(eq(domainEvents.subjectId, o.id));
    expect(ev.map((e) => e.type)).toEqual(["order.paid"]);
  });

  it("records no event for an unpaid order", async () => {
    const o = await t.db.transaction((tx) => insertOrder(tx, { ...base, stage: "Fraud Review", paymentStatus: "Authorized" }));
    expect(o.id).toBe("M1-0000002");
    expect(await t.db.select().from(domainEvents).where(eq(domainEvents.subjectId, o.id))).toEqual([]);
  });

  it("leaves neither order nor event when the transaction fails", async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await insertOrder(tx, { ...base, stage: "Completed Order", paymentStatus: "Processed" });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await t.db.select().from(orders).where(eq(orders.id, "M1-0000003"))).toEqual([]);
    expect(await t.db.select().from(domainEvents).where(eq(domainEvents.subjectId, "M1-0000003"))).toEqual([]);
  });
});
