import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { ORDER_STAGES, domainEvents, orders, orderStageHistory } from "@/lib/db/schema";
import { testBackends, useTestDatabase } from "@/tools/testing/db";
import { insertOrder } from "./create";
import type { PaymentStatus, Stage } from "./paid";
import { availableActions, moveOrder, planMove, STAGE_ACTIONS, type StageAction } from "./stages";

/** Every allowed move: [action, from stage, to stage, payment status after]. Anything else is refused. */
const ALLOWED: Array<[StageAction, Stage, Stage, PaymentStatus | "same"]> = [
  ["approve", "Fraud Review", "Shipping Department", "Processed"],
  ["reject", "Fraud Review", "Rejected", "Voided"],
  ["clear", "Pending Clearance", "Shipping Department", "Processed"],
  ["receivePayment", "Accounts Receivable", "Shipping Department", "Processed"],
  ["sendQuote", "Quote Request", "Quote Sent", "same"],
  ["acceptQuote", "Quote Sent", "Shipping Department", "Processed"],
  ["releasePreorder", "Pre-ordered", "Shipping Department", "Processed"],
  ["ship", "Shipping Department", "Completed Order", "same"],
  ["hold", "Shipping Department", "Hold", "same"],
  ["hold", "Fraud Review", "Hold", "same"],
  ["hold", "Pending Clearance", "Hold", "same"],
  ["hold", "Accounts Receivable", "Hold", "same"],
  ["hold", "Quote Request", "Hold", "same"],
  ["hold", "Quote Sent", "Hold", "same"],
  ["hold", "Pre-ordered", "Hold", "same"],
  ["releaseHold", "Hold", "Fraud Review", "same"],
];

/** A payment status an order in that stage would typically have. */
function typicalPayment(stage: Stage): PaymentStatus {
  if (stage === "Shipping Department" || stage === "Completed Order") return "Processed";
  if (stage === "Rejected") return "Voided";
  if (stage === "Accounts Receivable" || stage === "Quote Request" || stage === "Quote Sent") return "Unprocessed";
  return "Authorized";
}

describe("planMove", () => {
  for (const action of STAGE_ACTIONS) {
    for (const stage of ORDER_STAGES) {
      const allowed = ALLOWED.find(([a, from]) => a === action && from === stage);
      const paymentStatus = typicalPayment(stage);
      it(`${action} from ${stage}: ${allowed ? `→ ${allowed[2]}` : "refused"}`, () => {
        const plan = planMove({ currentStage: stage, paymentStatus }, action);
        if (allowed) {
          expect(plan).toEqual({ to: allowed[2], paymentStatus: allowed[3] === "same" ? paymentStatus : allowed[3] });
        } else {
          expect(plan).toHaveProperty("refused");
          const reason = (plan as { refused: string }).refused;
          expect(reason.length).toBeGreaterThan(15);
          expect(reason).toMatch(/\.$/);
        }
      });
    }
  }

  it("releases a hold back to the stage it was held from", () => {
    for (const from of ["Shipping Department", "Pending Clearance", "Quote Sent"] as const) {
      expect(planMove({ currentStage: "Hold", paymentStatus: typicalPayment(from), heldFrom: from }, "releaseHold")).toEqual({ to: from, paymentStatus: typicalPayment(from) });
    }
  });

  it("releases a hold of unknown origin by its payment: paid to Shipping Department, unpaid to Fraud Review", () => {
    expect(planMove({ currentStage: "Hold", paymentStatus: "Processed" }, "releaseHold")).toEqual({ to: "Shipping Department", paymentStatus: "Processed" });
    expect(planMove({ currentStage: "Hold", paymentStatus: "Authorized", heldFrom: null }, "releaseHold")).toEqual({ to: "Fraud Review", paymentStatus: "Authorized" });
  });

  it("refuses to ship an order whose payment is not Processed, with the reason", () => {
    expect(planMove({ currentStage: "Shipping Department", paymentStatus: "Refunded" }, "ship")).toEqual({ refused: "This order was refunded in full; there is nothing to ship." });
    expect(planMove({ currentStage: "Shipping Department", paymentStatus: "Authorized" }, "ship")).toHaveProperty("refused");
  });

  it("names the stage in a refusal", () => {
    expect(planMove({ currentStage: "Completed Order", paymentStatus: "Processed" }, "approve")).toEqual({
      refused: "Approve fraud review applies only to orders in Fraud Review; this order is in Completed Order.",
    });
  });

  it("lists the actions an order allows", () => {
    expect(availableActions({ currentStage: "Fraud Review", paymentStatus: "Authorized" })).toEqual(["approve", "reject", "hold"]);
    expect(availableActions({ currentStage: "Completed Order", paymentStatus: "Processed" })).toEqual([]);
    expect(availableActions({ currentStage: "Shipping Department", paymentStatus: "Processed" })).toEqual(["ship", "hold"]);
  });
});

describe.each(testBackends())("moveOrder on %s", (kind) => {
  const t = useTestDatabase(kind, { merchants: ["M1", "M2"] });

  const by = { userId: null, label: "staff@m1.test" };
  const newOrder = (stage: Stage, paymentStatus: PaymentStatus = typicalPayment(stage), merchantId = "M1") =>
    t.db.transaction((tx) =>
      insertOrder(tx, {
        merchantId,
        stage,
        paymentStatus,
        paymentMethod: "Credit Card",
        themeCode: "DEFAULT",
        email: "ada@example.com",
        taxCents: 160,
        byLabel: "Shopper",
        lines: [{ merchantItemId: "A", quantity: 2, unitPriceCents: 1000 }],
      }),
    );
  const eventsOf = (id: string) => t.db.select().from(domainEvents).where(eq(domainEvents.subjectId, id));
  const historyOf = (id: string) => t.db.select().from(orderStageHistory).where(eq(orderStageHistory.orderId, id)).orderBy(orderStageHistory.id);

  it.each(ALLOWED)("allows %s from %s to %s, with history and the paid event when it becomes paid", async (action, from, to, payment) => {
    const o = await newOrder(from);
    const moved = await moveOrder(t.db, { merchantId: "M1", orderId: o.id, action, by, note: "checked" });
    expect(moved.currentStage).toBe(to);
    expect(moved.paymentStatus).toBe(payment === "same" ? o.paymentStatus : payment);
    const h = await historyOf(o.id);
    expect(h.at(-1)).toMatchObject({ fromStage: from, toStage: to, byLabel: "staff@m1.test" });
    expect(h.at(-1)!.note).toContain("checked");
    const becamePaid = o.paidAt === null && payment === "Processed";
    expect((await eventsOf(o.id)).map((e) => e.type)).toEqual(becamePaid || o.paidAt ? ["order.paid"] : []);
    expect(moved.paidAt !== null).toBe(becamePaid || o.paidAt !== null);
  });

  it("refuses every other move with a reason, changing nothing", async () => {
    for (const stage of ORDER_STAGES) {
      const o = await newOrder(stage);
      for (const action of STAGE_ACTIONS) {
        if (ALLOWED.some(([a, from]) => a === action && from === stage)) continue;
        await expect(moveOrder(t.db, { merchantId: "M1", orderId: o.id, action, by })).rejects.toMatchObject({ name: "UserError", status: 409 });
      }
      const [after] = await t.db.select().from(orders).where(eq(orders.id, o.id));
      expect(after!.currentStage).toBe(stage);
      expect(await historyOf(o.id)).toHaveLength(1);
    }
  });

  it("remembers where an order was held from and releases it there, without a second paid event", async () => {
    const o = await newOrder("Shipping Department");
    await moveOrder(t.db, { merchantId: "M1", orderId: o.id, action: "hold", by });
    const released = await moveOrder(t.db, { merchantId: "M1", orderId: o.id, action: "releaseHold", by });
    expect(released.currentStage).toBe("Shipping Department");
    expect((await eventsOf(o.id)).map((e) => e.type)).toEqual(["order.paid"]);
    const p = await newOrder("Pending Clearance");
    await moveOrder(t.db, { merchantId: "M1", orderId: p.id, action: "hold", by });
    expect((await moveOrder(t.db, { merchantId: "M1", orderId: p.id, action: "releaseHold", by })).currentStage).toBe("Pending Clearance");
  });

  it("walks Fraud Review → Shipping Department → Completed Order with one paid event", async () => {
    const o = await newOrder("Fraud Review");
    await moveOrder(t.db, { merchantId: "M1", orderId: o.id, action: "approve", by });
    const done = await moveOrder(t.db, { merchantId: "M1", orderId: o.id, action: "ship", by });
    expect(done.currentStage).toBe("Completed Order");
    expect((await historyOf(o.id)).map((h) => h.toStage)).toEqual(["Fraud Review", "Shipping Department", "Completed Order"]);
    expect((await eventsOf(o.id)).map((e) => e.type)).toEqual(["order.paid"]);
  });

  it("answers not found for another merchant's order", async () => {
    const o = await newOrder("Fraud Review", "Authorized", "M2");
    await expect(moveOrder(t.db, { merchantId: "M1", orderId: o.id, action: "approve", by })).rejects.toMatchObject({ name: "NotFoundError" });
    const [after] = await t.db.select().from(orders).where(and(eq(orders.id, o.id)));
    expect(after!.currentStage).toBe("Fraud Review");
  });

  it("leaves neither the move nor the event when the transaction fails", async () => {
    const o = await newOrder("Fraud Review");
    await expect(
      t.db.transaction(async (tx) => {
        await moveOrder(tx, { merchantId: "M1", orderId: o.id, action: "approve", by });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const [after] = await t.db.select().from(orders).where(eq(orders.id, o.id));
    expect(after).toMatchObject({ currentStage: "Fraud Review", paidAt: null });
    expect(await eventsOf(o.id)).toEqual([]);
    expect(await historyOf(o.id)).toHaveLength(1);
  });
});
