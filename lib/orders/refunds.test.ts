import { describe, expect, it } from "vitest";
import { runs } from "@/tools/testing/fc-runs";
import fc from "fast-check";
import { eq } from "drizzle-orm";
import { domainEvents, merchants, orderLines, orders, refunds } from "@/lib/db/schema";
import { testBackends, useTestDatabase } from "@/tools/testing/db";
import { insertOrder } from "./create";
import { applyRefund, mayRefund, planRefund, previewRefund, refundable, refundOrder, userMayRefund, type RefundableOrder, type RefundRequest } from "./refunds";

function order(lines: Array<[quantity: number, unitPrice: number, discount?: number]>, opts: { tax?: number; ship?: number; orderDiscount?: number } = {}): RefundableOrder {
  const ls = lines.map(([quantity, unit, discount = 0], i) => ({ id: `L${i + 1}`, quantity, totalCents: quantity * unit - discount, quantityRefunded: 0, totalRefundedCents: 0, unit, discount }));
  const subtotal = ls.reduce((s, l) => s + l.quantity * l.unit, 0);
  const discount = ls.reduce((s, l) => s + l.discount, 0) + (opts.orderDiscount ?? 0);
  const tax = opts.tax ?? 0;
  const ship = opts.ship ?? 0;
  return {
    currentStage: "Completed Order",
    paymentStatus: "Processed",
    subtotalCents: subtotal,
    discountCents: discount,
    taxCents: tax,
    shippingHandlingCents: ship,
    totalCents: subtotal - discount + tax + ship,
    subtotalRefundedCents: 0,
    taxRefundedCents: 0,
    shippingHandlingRefundedCents: 0,
    totalRefundedCents: 0,
    lines: ls.map(({ unit: _u, discount: _d, ...l }) => l),
  };
}

describe("planRefund", () => {
  const o = order(
    [
      [2, 1995],
      [1, 1000],
    ],
    { tax: 399, ship: 500 },
  );

  it("refunds one unit with tax in proportion (half up)", () => {
    const p = planRefund(o, { lines: [{ lineId: "L1", quantity: 1 }] });
    // 399 × 1995 / 4990 = 159.5 → 160
    expect(p).toMatchObject({ full: false, merchandiseCents: 1995, taxCents: 160, shippingHandlingCents: 0, amountCents: 2155, paymentStatus: "Processed" });
  });

  it("refunds everything on a complete refund and marks the payment Refunded", () => {
    expect(planRefund(o, { full: true })).toMatchObject({ full: true, merchandiseCents: 4990, taxCents: 399, shippingHandlingCents: 500, amountCents: 5889, paymentStatus: "Refunded" });
  });

  it("refunds shipping and handling separately", () => {
    expect(planRefund(o, { shippingHandlingCents: 250 })).toMatchObject({ merchandiseCents: 0, taxCents: 0, shippingHandlingCents: 250, amountCents: 250 });
    expect(planRefund(o, { shippingHandlingCents: 501 })).toMatchObject({ field: "shippingHandling" });
  });

  it("refuses more units than remain, more money than remains, nothing, negatives and unknown lines", () => {
    expect(planRefund(o, { lines: [{ lineId: "L2", quantity: 2 }] })).toEqual({ refused: "At most 1 of this line can be refunded.", field: "lines.0.quantity" });
    expect(planRefund(o, { amountCents: 4991 })).toMatchObject({ field: "amount" });
    expect(planRefund(o, {})).toMatchObject({ refused: "Choose units, an amount, or shipping and handling to refund." });
    expect(planRefund(o, { amountCents: -1 })).toMatchObject({ field: "amount" });
    expect(planRefund(o, { lines: [{ lineId: "nope", quantity: 1 }] })).toMatchObject({ refused: "That line is not on this order." });
  });

  it("refuses unpaid and fully refunded orders", () => {
    expect(planRefund({ ...o, currentStage: "Fraud Review", paymentStatus: "Authorized" }, { full: true })).toHaveProperty("refused");
    const done = applyRefund(o, planRefund(o, { full: true }) as never);
    expect(planRefund(done, { amountCents: 1 })).toEqual({ refused: "This order has already been refunded in full." });
  });

  it("gives the last units exactly what is left of the line, and the rest of the tax with the last merchandise", () => {
    const odd = order([[3, 1000]], { tax: 100 });
    let cur = odd;
    const taxes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const p = planRefund(cur, { lines: [{ lineId: "L1", quantity: 1 }] });
      if ("refused" in p) throw new Error(p.refused);
      taxes.push(p.taxCents);
      cur = applyRefund(cur, p);
    }
    expect(taxes).toEqual([33, 33, 34]);
    expect(cur.paymentStatus).toBe("Refunded");
    expect(cur.totalRefundedCents).toBe(cur.totalCents);
  });

  it("lets support refund only when the merchant allows it", () => {
    expect(mayRefund("admin", false)).toBe(true);
    expect(mayRefund("support", false)).toBe(false);
    expect(mayRefund("support", true)).toBe(true);
  });
});

/** Random orders: 1-4 lines, quantities 1-5, prices up to $500, line and order discounts, tax, shipping. */
const arbOrder = fc
  .record({
    lines: fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 5 }), unit: fc.integer({ min: 1, max: 50_000 }), discountPct: fc.integer({ min: 0, max: 30 }) }), { minLength: 1, maxLength: 4 }),
    taxPct: fc.integer({ min: 0, max: 25 }),
    ship: fc.integer({ min: 0, max: 3_000 }),
    orderDiscountPct: fc.integer({ min: 0, max: 20 }),
  })
  .map(({ lines, taxPct, ship, orderDiscountPct }) => {
    const base = order(lines.map((l) => [l.quantity, l.unit, Math.floor((l.quantity * l.unit * l.discountPct) / 100)]));
    const lineNet = base.lines.reduce((s, l) => s + l.totalCents, 0);
    const orderDiscount = Math.floor((lineNet * orderDiscountPct) / 100);
    const tax = Math.floor(((lineNet - orderDiscount) * taxPct) / 100);
    return { ...base, discountCents: base.discountCents + orderDiscount, taxCents: tax, shippingHandlingCents: ship, totalCents: base.subtotalCents - base.discountCents - orderDiscount + tax + ship };
  });

/** Random refund requests; many are refused, which is part of what is tested. */
const arbRequest: fc.Arbitrary<RefundRequest> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ full: true }) },
  {
    weight: 6,
    arbitrary: fc.record({
      lines: fc.array(fc.record({ lineId: fc.constantFrom("L1", "L2", "L3", "L4"), quantity: fc.integer({ min: 0, max: 6 }) }), { maxLength: 3 }),
      amountCents: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20_000 })),
      shippingHandlingCents: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_500 })),
    }),
  },
);

function reconciles(o: RefundableOrder): void {
  const left = refundable(o);
  expect(o.totalRefundedCents).toBe(o.subtotalRefundedCents + o.taxRefundedCents + o.shippingHandlingRefundedCents);
  expect(o.totalRefundedCents).toBeLessThanOrEqual(o.totalCents);
  expect(left.merchandiseCents).toBeGreaterThanOrEqual(0);
  expect(left.taxCents).toBeGreaterThanOrEqual(0);
  expect(left.shippingHandlingCents).toBeGreaterThanOrEqual(0);
  for (const l of o.lines) {
    expect(l.quantityRefunded).toBeLessThanOrEqual(l.quantity);
    expect(l.totalRefundedCents).toBeLessThanOrEqual(l.totalCents);
    if (l.quantityRefunded === l.quantity) expect(l.totalRefundedCents).toBe(l.totalCents);
  }
  expect(o.paymentStatus === "Refunded").toBe(o.totalRefundedCents === o.totalCents);
}

describe("refund arithmetic, property-tested", () => {
  it("never refunds more than was paid and always reconciles, over random orders and refund sequences", () => {
    fc.assert(
      fc.property(arbOrder, fc.array(arbRequest, { minLength: 1, maxLength: 8 }), (start, requests) => {
        let o = start;
        for (const req of requests) {
          const p = planRefund(o, req);
          if ("refused" in p) continue;
          expect(p.amountCents).toBeGreaterThan(0);
          expect(p.amountCents).toBe(p.merchandiseCents + p.taxCents + p.shippingHandlingCents);
          o = applyRefund(o, p);
          reconciles(o);
        }
        // Whatever happened before, a complete refund returns exactly the rest.
        const last = planRefund(o, { full: true });
        if (!("refused" in last)) o = applyRefund(o, last);
        expect(o.subtotalRefundedCents).toBe(o.subtotalCents - o.discountCents);
        expect(o.taxRefundedCents).toBe(o.taxCents);
        expect(o.shippingHandlingRefundedCents).toBe(o.shippingHandlingCents);
        expect(o.totalRefundedCents).toBe(o.totalCents);
        reconciles(o);
      }),
      { numRuns: runs(500) },
    );
  });

  it("refunds tax in proportion to merchandise (never more than the proportional share rounded half up)", () => {
    fc.assert(
      fc.property(arbOrder, fc.integer({ min: 1, max: 100_000 }), (o, amount) => {
        const p = planRefund(o, { amountCents: amount });
        if ("refused" in p) return;
        const net = o.subtotalCents - o.discountCents;
        if (p.merchandiseCents < net) expect(Math.abs(p.taxCents * net - o.taxCents * p.merchandiseCents)).toBeLessThanOrEqual(net / 2);
        else expect(p.taxCents).toBe(o.taxCents);
      }),
      { numRuns: runs(300) },
    );
  });
});

describe.each(testBackends())("refundOrder on %s", (kind) => {
  const t = useTestDatabase(kind, { merchants: ["M1", "M2"] });

  const by = { userId: null, label: "admin@m1.test" };
  const paidOrder = (merchantId = "M1", stage: "Completed Order" | "Fraud Review" = "Completed Order") =>
    t.db.transaction((tx) =>
      insertOrder(tx, {
        merchantId,
        stage,
        paymentStatus: stage === "Fraud Review" ? "Authorized" : "Processed",
        paymentMethod: "Credit Card",
        themeCode: "DEFAULT",
        email: "ada@example.com",
        taxCents: 399,
        shippingHandlingCents: 500,
        byLabel: "Shopper",
        lines: [
          { merchantItemId: "A", quantity: 2, unitPriceCents: 1995 },
          { merchantItemId: "B", quantity: 1, unitPriceCents: 1000 },
        ],
      }),
    );

  it("refunds part by line, updates lines and money, numbers the refund and records order.refunded", async () => {
    const o = await paidOrder();
    const lines = await t.db.select().from(orderLines).where(eq(orderLines.orderId, o.id)).orderBy(orderLines.lineNo);
    const r = await refundOrder(t.db, { merchantId: "M1", orderId: o.id, request: { lines: [{ lineId: lines[0]!.id, quantity: 1 }], shippingHandlingCents: 100 }, reason: "Damaged", by });
    expect(r).toMatchObject({ code: "R-1001", full: false, merchandiseCents: 1995, taxCents: 160, shippingHandlingCents: 100, amountCents: 2255, reason: "Damaged" });
    const [after] = await t.db.select().from(orders).where(eq(orders.id, o.id));
    expect(after).toMatchObject({ subtotalRefundedCents: 1995, taxRefundedCents: 160, shippingHandlingRefundedCents: 100, totalRefundedCents: 2255, paymentStatus: "Processed" });
    const [l1] = await t.db.select().from(orderLines).where(eq(orderLines.id, lines[0]!.id));
    expect(l1).toMatchObject({ quantityRefunded: 1, totalRefundedCents: 1995 });
    const ev = await t.db.select().from(domainEvents).where(eq(domainEvents.subjectId, r.id));
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ type: "order.refunded", merchantId: "M1", payload: { orderId: o.id } });

    const rest = await refundOrder(t.db, { merchantId: "M1", orderId: o.id, request: { full: true }, reason: "", by });
    expect(rest).toMatchObject({ code: "R-1002", full: true, amountCents: o.totalCents - 2255 });
    const [done] = await t.db.select().from(orders).where(eq(orders.id, o.id));
    expect(done).toMatchObject({ paymentStatus: "Refunded", totalRefundedCents: o.totalCents, taxRefundedCents: 399, shippingHandlingRefundedCents: 500 });
    await expect(refundOrder(t.db, { merchantId: "M1", orderId: o.id, request: { amountCents: 1 }, reason: "", by })).rejects.toMatchObject({ message: "This order has already been refunded in full." });
  });

  it("refuses over-refunds and unpaid orders, writing nothing", async () => {
    const o = await paidOrder();
    await expect(refundOrder(t.db, { merchantId: "M1", orderId: o.id, request: { amountCents: 999_999 }, reason: "", by })).rejects.toMatchObject({ name: "UserError", field: "amount" });
    const unpaid = await paidOrder("M1", "Fraud Review");
    await expect(refundOrder(t.db, { merchantId: "M1", orderId: unpaid.id, request: { full: true }, reason: "", by })).rejects.toMatchObject({ name: "UserError" });
    expect(await t.db.select().from(refunds).where(eq(refunds.orderId, o.id))).toEqual([]);
    const [after] = await t.db.select().from(orders).where(eq(orders.id, o.id));
    expect(after!.totalRefundedCents).toBe(0);
  });

  it("reads the store's staff permission once for the page, the preview and the refund itself (support refused until allowed)", async () => {
    const o = await paidOrder();
    expect(await userMayRefund(t.db, { merchantId: "M1", role: "admin" })).toBe(true);
    expect(await userMayRefund(t.db, { merchantId: "M1", role: "support" })).toBe(false);
    await expect(previewRefund(t.db, { merchantId: "M1", orderId: o.id, role: "support", request: { full: true } })).rejects.toMatchObject({ name: "UserError", status: 403 });
    await expect(refundOrder(t.db, { merchantId: "M1", orderId: o.id, request: { full: true }, reason: "", role: "support", by })).rejects.toMatchObject({ name: "UserError", status: 403 });
    expect(await t.db.select().from(refunds).where(eq(refunds.orderId, o.id))).toHaveLength(0);

    await t.db.update(merchants).set({ supportMayRefund: true }).where(eq(merchants.id, "M1"));
    expect(await userMayRefund(t.db, { merchantId: "M1", role: "support" })).toBe(true);
    const preview = await previewRefund(t.db, { merchantId: "M1", orderId: o.id, role: "support", request: { lines: [{ lineId: (await t.db.select().from(orderLines).where(eq(orderLines.orderId, o.id)).orderBy(orderLines.lineNo))[0]!.id, quantity: 1 }] } });
    expect(preview).toMatchObject({ currency: o.currency, plan: { merchandiseCents: 1995, taxCents: 160, amountCents: 2155 } });
    expect(await t.db.select().from(refunds).where(eq(refunds.orderId, o.id)), "a preview writes nothing").toHaveLength(0);
    await expect(previewRefund(t.db, { merchantId: "M2", orderId: o.id, role: "admin", request: { full: true } })).rejects.toMatchObject({ name: "NotFoundError" });
    await expect(previewRefund(t.db, { merchantId: "M1", orderId: o.id, role: "admin", request: { amountCents: 999_999 } })).rejects.toMatchObject({ name: "UserError", field: "amount" });
    const r = await refundOrder(t.db, { merchantId: "M1", orderId: o.id, request: { full: true }, reason: "", role: "support", by });
    expect(r).toMatchObject({ full: true, currency: o.currency });
  });

  it("answers not found for another merchant's order and numbers refunds per merchant", async () => {
    const other = await paidOrder("M2");
    await expect(refundOrder(t.db, { merchantId: "M1", orderId: other.id, request: { full: true }, reason: "", by })).rejects.toMatchObject({ name: "NotFoundError" });
    expect((await refundOrder(t.db, { merchantId: "M2", orderId: other.id, request: { full: true }, reason: "", by })).code).toBe("R-1001");
  });

  it("leaves neither refund nor event when the transaction fails", async () => {
    const o = await paidOrder();
    let refundId = "";
    await expect(
      t.db.transaction(async (tx) => {
        refundId = (await refundOrder(tx, { merchantId: "M1", orderId: o.id, request: { full: true }, reason: "", by })).id;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(refundId).not.toBe("");
    expect(await t.db.select().from(refunds).where(eq(refunds.id, refundId))).toEqual([]);
    expect(await t.db.select().from(domainEvents).where(eq(domainEvents.subjectId, refundId))).toEqual([]);
    const [after] = await t.db.select().from(orders).where(eq(orders.id, o.id));
    expect(after).toMatchObject({ totalRefundedCents: 0, paymentStatus: "Processed" });
  });

  it("keeps the database reconciled over random refund sequences", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbRequest, { minLength: 1, maxLength: 5 }), async (requests) => {
        const o = await paidOrder();
        const lines = await t.db.select().from(orderLines).where(eq(orderLines.orderId, o.id)).orderBy(orderLines.lineNo);
        const ids: Record<string, string> = { L1: lines[0]!.id, L2: lines[1]!.id, L3: "x3", L4: "x4" };
        for (const req of requests) {
          const mapped = { ...req, lines: req.lines?.map((l) => ({ ...l, lineId: ids[l.lineId] ?? l.lineId })) };
          await refundOrder(t.db, { merchantId: "M1", orderId: o.id, request: mapped, reason: "", by }).catch((e: Error) => {
            if (e.name !== "UserError") throw e;
          });
        }
        const [after] = await t.db.select().from(orders).where(eq(orders.id, o.id));
        const ls = await t.db.select().from(orderLines).where(eq(orderLines.orderId, o.id));
        const rs = await t.db.select().from(refunds).where(eq(refunds.orderId, o.id));
        expect(rs.reduce((s, r) => s + r.amountCents, 0)).toBe(after!.totalRefundedCents);
        expect(rs.reduce((s, r) => s + r.taxCents, 0)).toBe(after!.taxRefundedCents);
        expect(ls.reduce((s, l) => s + l.totalRefundedCents, 0)).toBeLessThanOrEqual(after!.subtotalRefundedCents);
        reconciles({ ...after!, lines: ls });
      }),
      { numRuns: runs(12) },
    );
  });
});
