import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { orders, orderStageHistory } from "@/lib/db/schema";
import { UserError } from "@/lib/errors";
import { checkedText, multilineText } from "@/lib/validation";
import { recordEvent } from "./events";
import { lockOrder } from "./lock";
import { isPaid, type PaymentStatus, type Stage } from "./paid";

/** What staff can do to an order's stage in Review Order. */
export const STAGE_ACTIONS = ["approve", "reject", "clear", "receivePayment", "sendQuote", "acceptQuote", "releasePreorder", "ship", "hold", "releaseHold"] as const;
export type StageAction = (typeof STAGE_ACTIONS)[number];

/** The note staff may add to a stage move. */
export const STAGE_NOTE = multilineText(500, "the note");

/** The words on the buttons and in the stage history. */
export const STAGE_ACTION_LABELS: Record<StageAction, string> = {
  approve: "Approve fraud review",
  reject: "Reject fraud review",
  clear: "Mark eCheck cleared",
  receivePayment: "Record payment received",
  sendQuote: "Send quote",
  acceptQuote: "Accept quote and charge",
  releasePreorder: "Release pre-order and charge",
  ship: "Ship",
  hold: "Put on hold",
  releaseHold: "Release hold",
};

/** Stages an order may be put on Hold from. Completed, rejected and held orders have nothing left to pause. */
export const HOLDABLE_STAGES: readonly Stage[] = ["Shipping Department", "Fraud Review", "Pending Clearance", "Accounts Receivable", "Quote Request", "Quote Sent", "Pre-ordered"];

export interface MoveSubject {
  currentStage: Stage;
  paymentStatus: PaymentStatus;
  /** For an order on Hold: the stage it was held from (from the stage history), when known. */
  heldFrom?: Stage | null;
}

export type MovePlan = { to: Stage; paymentStatus: PaymentStatus } | { refused: string };

/** One-from-one moves: the only stage they start from, where they lead, and the payment status after. */
const SIMPLE: Partial<Record<StageAction, { from: Stage; to: Stage; charges?: boolean; voids?: boolean }>> = {
  approve: { from: "Fraud Review", to: "Shipping Department", charges: true },
  reject: { from: "Fraud Review", to: "Rejected", voids: true },
  clear: { from: "Pending Clearance", to: "Shipping Department", charges: true },
  receivePayment: { from: "Accounts Receivable", to: "Shipping Department", charges: true },
  sendQuote: { from: "Quote Request", to: "Quote Sent" },
  acceptQuote: { from: "Quote Sent", to: "Shipping Department", charges: true },
  releasePreorder: { from: "Pre-ordered", to: "Shipping Department", charges: true },
};

/**
 * The stage rules, pure: where `action` takes `order`, with which payment status, or why it cannot.
 * Moves that take payment (approve, clear, payment received, quote accepted, pre-order released)
 * leave the payment Processed, which makes the order paid.
 */
export function planMove(order: MoveSubject, action: StageAction): MovePlan {
  const stage = order.currentStage;
  const simple = SIMPLE[action];
  if (simple) {
    if (stage !== simple.from) return { refused: `${STAGE_ACTION_LABELS[action]} applies only to orders in ${simple.from}; this order is in ${stage}.` };
    return { to: simple.to, paymentStatus: simple.charges ? "Processed" : simple.voids ? "Voided" : order.paymentStatus };
  }
  switch (action) {
    case "ship":
      if (stage !== "Shipping Department") return { refused: `Only orders in Shipping Department can be shipped; this order is in ${stage}.` };
      if (order.paymentStatus === "Refunded") return { refused: "This order was refunded in full; there is nothing to ship." };
      if (order.paymentStatus !== "Processed") return { refused: `This order's payment is ${order.paymentStatus}, not Processed; it cannot be shipped.` };
      return { to: "Completed Order", paymentStatus: order.paymentStatus };
    case "hold":
      if (stage === "Hold") return { refused: "This order is already on Hold." };
      if (!HOLDABLE_STAGES.includes(stage)) return { refused: `An order in ${stage} cannot be put on Hold.` };
      return { to: "Hold", paymentStatus: order.paymentStatus };
    case "releaseHold": {
      if (stage !== "Hold") return { refused: `Only orders on Hold can be released; this order is in ${stage}.` };
      // Orders put on Hold before cartlink recorded where from (imported, demo) go back to where
      // their payment says they belong: paid ones to shipping, unpaid ones to a review.
      const to = order.heldFrom && order.heldFrom !== "Hold" ? order.heldFrom : order.paymentStatus === "Processed" ? "Shipping Department" : "Fraud Review";
      return { to, paymentStatus: order.paymentStatus };
    }
    default:
      return { refused: "Unknown action." };
  }
}

/** The actions that `planMove` would allow for this order, in menu order. */
export function availableActions(order: MoveSubject): StageAction[] {
  return STAGE_ACTIONS.filter((a) => !("refused" in planMove(order, a)));
}

export interface Actor {
  userId: string | null;
  /** A user's e-mail, `System` or `Shopper`. */
  label: string;
}

/**
 * Applies a stage move in one transaction: locks the order, checks the rule, updates stage and
 * payment, writes the stage history, and, when the order becomes paid for the first time, sets
 * `paidAt` and records `order.paid`. A refused move throws a UserError with the reason (409).
 */
export async function moveOrder(
  db: Db,
  input: { merchantId: string; orderId: string; action: StageAction; by: Actor; note?: string; now?: Date },
): Promise<typeof orders.$inferSelect> {
  const now = input.now ?? new Date();
  const givenNote = input.note === undefined ? undefined : checkedText(STAGE_NOTE, input.note, "note");
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, input.merchantId, input.orderId);
    let heldFrom: Stage | null = null;
    if (order.currentStage === "Hold") {
      const [last] = await tx
        .select({ fromStage: orderStageHistory.fromStage })
        .from(orderStageHistory)
        .where(and(eq(orderStageHistory.orderId, order.id), eq(orderStageHistory.toStage, "Hold")))
        .orderBy(desc(orderStageHistory.at), desc(orderStageHistory.id))
        .limit(1);
      heldFrom = last?.fromStage ?? null;
    }
    const plan = planMove({ currentStage: order.currentStage, paymentStatus: order.paymentStatus, heldFrom }, input.action);
    if ("refused" in plan) throw new UserError(plan.refused, undefined, 409);
    const firstPaid = order.paidAt === null && isPaid(plan.to, plan.paymentStatus);
    const [updated] = await tx
      .update(orders)
      .set({ currentStage: plan.to, paymentStatus: plan.paymentStatus, updatedAt: now, ...(firstPaid ? { paidAt: now } : {}) })
      .where(eq(orders.id, order.id))
      .returning();
    const note = [STAGE_ACTION_LABELS[input.action], givenNote].filter(Boolean).join(": ");
    await tx.insert(orderStageHistory).values({
      orderId: order.id,
      merchantId: input.merchantId,
      fromStage: order.currentStage,
      toStage: plan.to,
      at: now,
      byUserId: input.by.userId,
      byLabel: input.by.label,
      note,
    });
    if (firstPaid) await recordEvent(tx, { merchantId: input.merchantId, type: "order.paid", subjectId: order.id });
    return updated!;
  });
}
