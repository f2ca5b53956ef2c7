import { describe, expect, it } from "vitest";
import { tokenizeCard } from "@/lib/store/payments";
import { eq } from "drizzle-orm";
import { autoOrders, domainEvents, orderLines, orders } from "@/lib/db/schema";
import { testBackends, useTestDatabase } from "@/tools/testing/db";
import { insertOrder } from "./create";
import { afterDecline, cancelAutoOrder, chargeCard, listAutoOrders, nextAttemptAfter, reactivateAutoOrder, rebillNow, runDueRebills, updateCardOnFile } from "./auto-orders";

describe("auto order rules", () => {
  it("declines only the declining test card", () => {
    expect(chargeCard({ cardToken: tokenizeCard("4000 0000 0000 0002").token, cardLast4: "0002" })).toEqual({ approved: false, reason: "Card ending 0002 declined by issuer" });
    expect(chargeCard({ cardToken: tokenizeCard("4111111111111111").token, cardLast4: "1111" })).toEqual({ approved: true });
  });

  it("moves the schedule by the frequency, keeping the day of month or the month's last day", () => {
    const d = new Date("2026-01-31T10:00:00Z");
    expect(nextAttemptAfter(d, "Weekly").toISOString()).toBe("2026-02-07T10:00:00.000Z");
    expect(nextAttemptAfter(d, "Every 2 Weeks").toISOString()).toBe("2026-02-14T10:00:00.000Z");
    expect(nextAttemptAfter(d, "Monthly").toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(nextAttemptAfter(d, "Every 2 Months").toISOString()).toBe("2026-03-31T10:00:00.000Z");
    expect(nextAttemptAfter(d, "Quarterly").toISOString()).toBe("2026-04-30T10:00:00.000Z");
    expect(nextAttemptAfter(d, "Every 6 Months").toISOString()).toBe("2026-07-31T10:00:00.000Z");
    expect(nextAttemptAfter(d, "Yearly").toISOString()).toBe("2027-01-31T10:00:00.000Z");
  });

  it("retries a decline in 3 days and terminates at the third", () => {
    const now = new Date("2026-03-01T00:00:00Z");
    expect(afterDecline({ creditCardAttempt: 0 }, now)).toMatchObject({ status: "card declined", creditCardAttempt: 1, nextAttemptAt: new Date("2026-03-04T00:00:00Z") });
    expect(afterDecline({ creditCardAttempt: 1 }, now)).toMatchObject({ status: "card declined", creditCardAttempt: 2 });
    expect(afterDecline({ creditCardAttempt: 2 }, now)).toMatchObject({ status: "terminated", creditCardAttempt: 3, nextAttemptAt: null, disabledAt: now });
  });
});

describe.each(testBackends())("auto orders on %s", (kind) => {
  const t = useTestDatabase(kind, { merchants: ["M1", "M2"] });
  let n = 0;

  const by = { userId: null, label: "admin@m1.test" };
  const t0 = new Date("2026-05-10T12:00:00Z");

  async function subscription(card: string, merchantId = "M1") {
    return t.db.transaction(async (tx) => {
      const o = await insertOrder(tx, {
        merchantId,
        stage: "Shipping Department",
        paymentStatus: "Processed",
        paymentMethod: "Credit Card",
        themeCode: "HOLIDAY",
        email: "sub@example.com",
        firstName: "Grace",
        lastName: "Hopper",
        city: "Arlington",
        taxCents: 232,
        shippingHandlingCents: 500,
        byLabel: "Shopper",
        now: t0,
        lines: [{ merchantItemId: "CLUB-MONTHLY", description: "Coffee club, monthly", quantity: 1, unitPriceCents: 2900, frequency: "Monthly" }],
      });
      n += 1;
      const [ao] = await tx
        .insert(autoOrders)
        .values({ code: `AO-T${n}`, merchantId, originalOrderId: o.id, merchantItemId: "CLUB-MONTHLY", unitPriceCents: 2900, frequency: "Monthly", nextAttemptAt: new Date("2026-06-10T12:00:00Z"), cardToken: tokenizeCard(card).token, cardLast4: card.slice(-4) })
        .returning();
      return { original: o, ao: ao! };
    });
  }
  const statusEvents = (id: string) =>
    t.db
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.subjectId, id))
      .orderBy(domainEvents.id)
      .then((rows) => rows.map((r) => r.payload));

  it("rebills into a new paid order with the original billing, and moves the schedule", async () => {
    const { original, ao } = await subscription("4111111111111111");
    const now = new Date("2026-06-10T12:00:00Z");
    const r = await rebillNow(t.db, { merchantId: "M1", autoOrderId: ao.id, by, now });
    expect(r.outcome).toBe("approved");
    if (r.outcome !== "approved") return;
    const [o] = await t.db.select().from(orders).where(eq(orders.id, r.orderId));
    expect(o).toMatchObject({
      autoOrderId: ao.id,
      currentStage: "Shipping Department",
      paymentStatus: "Processed",
      paymentMethod: "Credit Card",
      email: original.email,
      firstName: "Grace",
      city: "Arlington",
      themeCode: "HOLIDAY",
      subtotalCents: 2900,
      taxCents: 232,
      shippingHandlingCents: 0,
      totalCents: 3132,
      cardLast4: "1111",
    });
    expect(o!.paidAt).not.toBeNull();
    const lines = await t.db.select().from(orderLines).where(eq(orderLines.orderId, r.orderId));
    expect(lines).toMatchObject([{ merchantItemId: "CLUB-MONTHLY", description: "Coffee club, monthly", quantity: 1, unitPriceCents: 2900, frequency: "Monthly" }]);
    expect(r.autoOrder).toMatchObject({ status: "active", creditCardAttempt: 0, nextAttemptAt: new Date("2026-07-10T12:00:00Z") });
    expect((await t.db.select().from(domainEvents).where(eq(domainEvents.subjectId, r.orderId))).map((e) => e.type)).toEqual(["order.paid"]);
    // active → active is no status change.
    expect(await statusEvents(ao.id)).toEqual([]);
  });

  it("declines, retries every 3 days, terminates at the third failure, with one event per status change", async () => {
    const { ao } = await subscription("4000000000000002");
    let now = new Date("2026-06-10T12:00:00Z");
    const first = await rebillNow(t.db, { merchantId: "M1", autoOrderId: ao.id, by, now });
    expect(first).toMatchObject({ outcome: "declined", autoOrder: { status: "card declined", creditCardAttempt: 1, failureReason: "Card ending 0002 declined by issuer", nextAttemptAt: new Date("2026-06-13T12:00:00Z") } });
    now = new Date("2026-06-13T12:00:00Z");
    await rebillNow(t.db, { merchantId: "M1", autoOrderId: ao.id, by, now });
    now = new Date("2026-06-16T12:00:00Z");
    const third = await rebillNow(t.db, { merchantId: "M1", autoOrderId: ao.id, by, now });
    expect(third.autoOrder).toMatchObject({ status: "terminated", creditCardAttempt: 3, nextAttemptAt: null, disabledAt: now });
    expect(await statusEvents(ao.id)).toEqual([
      { status: "card declined", previousStatus: "active" },
      { status: "terminated", previousStatus: "card declined" },
    ]);
    await expect(rebillNow(t.db, { merchantId: "M1", autoOrderId: ao.id, by, now })).rejects.toMatchObject({ message: "This auto order is terminated; reactivate it before rebilling." });
    expect((await t.db.select().from(orders).where(eq(orders.autoOrderId, ao.id))).length).toBe(0);
  });

  it("succeeds after a decline once the card is updated, and goes back to active", async () => {
    const { ao } = await subscription("4000000000000002");
    await rebillNow(t.db, { merchantId: "M1", autoOrderId: ao.id, by });
    await expect(updateCardOnFile(t.db, { merchantId: "M1", autoOrderId: ao.id, cardNumber: "12ab", by })).rejects.toMatchObject({ field: "cardNumber" });
    await updateCardOnFile(t.db, { merchantId: "M1", autoOrderId: ao.id, cardNumber: "4111 1111 1111 1111", by });
    const r = await rebillNow(t.db, { merchantId: "M1", autoOrderId: ao.id, by });
    expect(r).toMatchObject({ outcome: "approved", autoOrder: { status: "active", creditCardAttempt: 0, failureReason: null } });
    expect(await statusEvents(ao.id)).toEqual([
      { status: "card declined", previousStatus: "active" },
      { status: "active", previousStatus: "card declined" },
    ]);
  });

  it("cancels for each reason and reactivates, refusing moves that make no sense", async () => {
    const expected = { customer: "cancelled", merchant: "cancelled", upgrade: "cancelled upgrade", downgrade: "cancelled downgrade" } as const;
    for (const [reason, status] of Object.entries(expected) as Array<[keyof typeof expected, string]>) {
      const { ao } = await subscription("4111111111111111");
      await expect(reactivateAutoOrder(t.db, { merchantId: "M1", autoOrderId: ao.id, by })).rejects.toMatchObject({ status: 409 });
      const c = await cancelAutoOrder(t.db, { merchantId: "M1", autoOrderId: ao.id, reason, by });
      expect(c).toMatchObject({ status, nextAttemptAt: null });
      expect(c.canceledAt).not.toBeNull();
      await expect(cancelAutoOrder(t.db, { merchantId: "M1", autoOrderId: ao.id, reason, by })).rejects.toMatchObject({ status: 409 });
      await expect(rebillNow(t.db, { merchantId: "M1", autoOrderId: ao.id, by })).rejects.toMatchObject({ status: 409 });
      const now = new Date("2026-08-01T00:00:00Z");
      const back = await reactivateAutoOrder(t.db, { merchantId: "M1", autoOrderId: ao.id, by, now });
      expect(back).toMatchObject({ status: "active", canceledAt: null, cancelReason: null, nextAttemptAt: new Date("2026-09-01T00:00:00Z") });
      expect(await statusEvents(ao.id)).toEqual([
        { status, previousStatus: "active" },
        { status: "active", previousStatus: status },
      ]);
    }
  });

  it("runs due rebills only, for every merchant, and each just once", async () => {
    await t.db.update(autoOrders).set({ nextAttemptAt: null });
    const good = await subscription("4111111111111111");
    const bad = await subscription("4000000000000002", "M2");
    const later = await subscription("4111111111111111");
    await t.db.update(autoOrders).set({ nextAttemptAt: new Date("2026-06-01T00:00:00Z") }).where(eq(autoOrders.id, good.ao.id));
    await t.db.update(autoOrders).set({ nextAttemptAt: new Date("2026-06-02T00:00:00Z") }).where(eq(autoOrders.id, bad.ao.id));
    await t.db.update(autoOrders).set({ nextAttemptAt: new Date("2026-07-01T00:00:00Z") }).where(eq(autoOrders.id, later.ao.id));
    const now = new Date("2026-06-05T00:00:00Z");
    const run = await runDueRebills(t.db, { now });
    expect(run).toMatchObject({ attempted: 2, approved: 1, declined: 1, terminated: 0 });
    expect(run.orderIds).toHaveLength(1);
    expect(await runDueRebills(t.db, { now })).toMatchObject({ attempted: 0 });
    const [b] = await t.db.select().from(autoOrders).where(eq(autoOrders.id, bad.ao.id));
    expect(b).toMatchObject({ status: "card declined", nextAttemptAt: new Date("2026-06-08T00:00:00Z") });
  });

  it("answers not found for another merchant's auto order, and lists only the merchant's own", async () => {
    const { ao } = await subscription("4111111111111111", "M2");
    await expect(rebillNow(t.db, { merchantId: "M1", autoOrderId: ao.id, by })).rejects.toMatchObject({ name: "NotFoundError" });
    await expect(cancelAutoOrder(t.db, { merchantId: "M1", autoOrderId: ao.id, reason: "merchant", by })).rejects.toMatchObject({ name: "NotFoundError" });
    const list = await listAutoOrders(t.db, { merchantId: "M1" });
    expect(list.some((r) => r.id === ao.id)).toBe(false);
    expect(list[0]).toMatchObject({ customerName: "Grace Hopper", cardLast4: expect.stringMatching(/^\d{4}$/) });
  });

  it("leaves neither the status change nor its event when the transaction fails", async () => {
    const { ao } = await subscription("4111111111111111");
    await expect(
      t.db.transaction(async (tx) => {
        await cancelAutoOrder(tx, { merchantId: "M1", autoOrderId: ao.id, reason: "customer", by });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const [after] = await t.db.select().from(autoOrders).where(eq(autoOrders.id, ao.id));
    expect(after!.status).toBe("active");
    expect(await statusEvents(ao.id)).toEqual([]);
  });
});
