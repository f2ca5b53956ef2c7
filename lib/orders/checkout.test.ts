import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wholeDatabaseText } from "@/tools/testing/db-text";
import { and, eq } from "drizzle-orm";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { affiliates, autoOrders, domainEvents, orderLines, orders } from "@/lib/db/schema";
import { seedDemo } from "@/lib/demo/seed";
import { addFrequency, placeOrder, type CheckoutInput } from "./checkout";

const billing = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", address1: "1 Main St", city: "Austin", stateRegion: "TX", postalCode: "73301", countryCode: "US", dayPhone: "" };

describe.each(testBackends())("placeOrder on %s", (kind) => {
  let t: TestDatabase;
  let n = 0;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    await seedDemo(t.db, { orderCount: 5 });
  });
  afterAll(async () => {
    await t?.close();
  });
  const input = (over: Partial<CheckoutInput>): CheckoutInput => ({
    merchantId: "DEMO",
    themeCode: "DEFAULT",
    cart: [{ itemId: "SHIRT-RED", quantity: 2 }, { itemId: "MUG-CLASSIC", quantity: 1 }],
    billing,
    choice: "card",
    cardNumber: "4111 1111 1111 1111",
    checkoutKey: `key-${kind}-${++n}-0000000000`,
    ...over,
  });

  it("approved card: Shipping Department, Processed, totals, last 4 only, order.paid", async () => {
    const { order } = await placeOrder(t.db, input({}));
    expect(order).toMatchObject({ currentStage: "Shipping Department", paymentStatus: "Processed", cardLast4: "1111", subtotalCents: 5240, taxCents: 419, shippingHandlingCents: 500, totalCents: 6159 });
    expect(JSON.stringify(order)).not.toContain("4111111111111111");
    const ev = await t.db.select().from(domainEvents).where(and(eq(domainEvents.subjectId, order.id), eq(domainEvents.type, "order.paid")));
    expect(ev).toHaveLength(1);
  });

  it("declined card writes nothing", async () => {
    const before = await t.db.$count(orders);
    await expect(placeOrder(t.db, input({ cardNumber: "4000 0000 0000 0002" }))).rejects.toMatchObject({ field: "cardNumber" });
    expect(await t.db.$count(orders)).toBe(before);
  });

  it("stages per method, pre-order and quote", async () => {
    expect((await placeOrder(t.db, input({ cardNumber: "4000000000000259" }))).order.currentStage).toBe("Fraud Review");
    expect((await placeOrder(t.db, input({ choice: "echeck" }))).order.currentStage).toBe("Pending Clearance");
    expect((await placeOrder(t.db, input({ choice: "purchase_order" }))).order.currentStage).toBe("Accounts Receivable");
    expect((await placeOrder(t.db, input({ choice: "quote" }))).order.currentStage).toBe("Quote Request");
    expect((await placeOrder(t.db, input({ cart: [{ itemId: "LAMP-2027", quantity: 1 }] }))).order.currentStage).toBe("Pre-ordered");
  });

  it("same checkout key twice, even concurrently, is one order", async () => {
    const key = `dup-${kind}-000000000000`;
    const [a, b] = await Promise.all([placeOrder(t.db, input({ checkoutKey: key })), placeOrder(t.db, input({ checkoutKey: key }))]);
    expect(a.order.id).toBe(b.order.id);
    const c = await placeOrder(t.db, input({ checkoutKey: key }));
    expect(c).toMatchObject({ duplicate: true, order: { id: a.order.id } });
    expect(await t.db.$count(orders, eq(orders.checkoutKey, key))).toBe(1);
  });

  it("recurring item creates an active auto order with its event; affiliate of another merchant is ignored", async () => {
    const now = new Date("2026-01-31T10:00:00Z");
    const [acmeAff] = await t.db.select().from(affiliates).where(eq(affiliates.merchantId, "ACME"));
    const { order } = await placeOrder(t.db, input({ cart: [{ itemId: "CLUB-MONTHLY", quantity: 1 }], now, affiliate: { affiliateId: acmeAff!.id, subId: "x" } }));
    expect(order.affiliateId).toBeNull();
    const [ao] = await t.db.select().from(autoOrders).where(eq(autoOrders.originalOrderId, order.id));
    expect(ao).toMatchObject({ status: "active", frequency: "Monthly", unitPriceCents: 2900, quantity: 1, cardLast4: "1111" });
    expect(ao!.cardToken).toMatch(/^tok_sim_/);
    // The whole number is stored nowhere.
    expect(await wholeDatabaseText(t.db)).not.toContain("4111111111111111");
    expect(ao!.code).toMatch(/^AO-[A-Z0-9]{5}$/);
    expect(ao!.nextAttemptAt!.toISOString()).toBe(addFrequency(now, "Monthly").toISOString());
    const ev = await t.db.select().from(domainEvents).where(eq(domainEvents.subjectId, ao!.id));
    expect(ev).toMatchObject([{ type: "auto_order.status_changed", payload: { status: "active", previousStatus: null } }]);
    const [line] = await t.db.select().from(orderLines).where(eq(orderLines.orderId, order.id));
    expect(line!.frequency).toBe("Monthly");
  });

  it("credits this merchant's affiliate with the sub id", async () => {
    const [aff] = await t.db.select().from(affiliates).where(eq(affiliates.merchantId, "DEMO"));
    const { order } = await placeOrder(t.db, input({ affiliate: { affiliateId: aff!.id, subId: "spring" } }));
    expect(order).toMatchObject({ affiliateId: aff!.id, affiliateSubId: "spring" });
  });

  it("refuses an empty cart and unknown items", async () => {
    await expect(placeOrder(t.db, input({ cart: [] }))).rejects.toMatchObject({ field: "cart" });
    await expect(placeOrder(t.db, input({ cart: [{ itemId: "NOPE", quantity: 1 }] }))).rejects.toMatchObject({ field: "cart" });
    await expect(placeOrder(t.db, input({ merchantId: "ACME", cart: [{ itemId: "SHIRT-RED", quantity: 1 }] }))).rejects.toMatchObject({ field: "cart" });
  });
});
