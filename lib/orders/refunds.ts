import { and, asc, eq, inArray, like, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { merchants, orderLines, orders, refundLines, refunds } from "@/lib/db/schema";
import { NotFoundError, UserError } from "@/lib/errors";
import { checkedText, multilineText } from "@/lib/validation";
import { formatMoney, mulDivRoundHalfUp } from "@/lib/money";
import { recordEvent } from "./events";
import { isPaid } from "./paid";
import { lockOrder } from "./lock";
import type { Actor } from "./stages";

/** The reason staff may give for a refund (Review Order's refund dialog). */
export const REFUND_REASON = multilineText(500, "the reason");

/** The money of an order that refunds read and change (cents). */
export interface RefundableOrder {
  currentStage: (typeof orders.$inferSelect)["currentStage"];
  paymentStatus: (typeof orders.$inferSelect)["paymentStatus"];
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  shippingHandlingCents: number;
  totalCents: number;
  subtotalRefundedCents: number;
  taxRefundedCents: number;
  shippingHandlingRefundedCents: number;
  totalRefundedCents: number;
  lines: RefundableLine[];
}

export interface RefundableLine {
  id: string;
  quantity: number;
  /** After the line's discount. */
  totalCents: number;
  quantityRefunded: number;
  totalRefundedCents: number;
}

export interface RefundRequest {
  /** Refund everything still refundable (merchandise, tax, shipping and handling). */
  full?: boolean;
  /** Merchandise by line and quantity. */
  lines?: Array<{ lineId: string; quantity: number }>;
  /** Merchandise as an amount, on top of the lines (a goodwill or price-adjustment refund). */
  amountCents?: number;
  /** Shipping and handling, refunded separately from merchandise. */
  shippingHandlingCents?: number;
}

export interface RefundPlan {
  full: boolean;
  merchandiseCents: number;
  taxCents: number;
  shippingHandlingCents: number;
  amountCents: number;
  lines: Array<{ lineId: string; quantity: number; totalCents: number }>;
  /** Payment status after the refund: Refunded once everything is refunded. */
  paymentStatus: RefundableOrder["paymentStatus"];
}

export type RefundRefusal = { refused: string; field?: string };

/** What is left to refund, per part. Merchandise is net of discounts (what the shopper paid for goods). */
export function refundable(o: RefundableOrder) {
  const merchandiseNet = o.subtotalCents - o.discountCents;
  return {
    merchandiseCents: merchandiseNet - o.subtotalRefundedCents,
    taxCents: o.taxCents - o.taxRefundedCents,
    shippingHandlingCents: o.shippingHandlingCents - o.shippingHandlingRefundedCents,
    totalCents: o.totalCents - o.totalRefundedCents,
  };
}

/** Who may refund: admins always; support only when the merchant allows it. */
export const REFUND_NOT_ALLOWED = "Only admins can refund orders in this store. Ask an admin, or ask one to allow support to refund.";

/** Whether this user may refund in this store: the merchant's staff permission, read once. */
export async function userMayRefund(db: Db, { merchantId, role }: { merchantId: string; role: "admin" | "support" }): Promise<boolean> {
  const [m] = await db.select({ supportMayRefund: merchants.supportMayRefund }).from(merchants).where(eq(merchants.id, merchantId));
  return mayRefund(role, m?.supportMayRefund ?? false);
}

/**
 * What a refund would be, for the confirmation (nothing is written): the permission, the order and its
 * lines read once. Refused rules and permissions are UserErrors (403 for the permission).
 */
export async function previewRefund(
  db: Db,
  { merchantId, orderId, role, request }: { merchantId: string; orderId: string; role: "admin" | "support"; request: RefundRequest },
): Promise<{ plan: RefundPlan; currency: string }> {
  if (!(await userMayRefund(db, { merchantId, role }))) throw new UserError(REFUND_NOT_ALLOWED, undefined, 403);
  const [order] = await db.select().from(orders).where(and(eq(orders.id, orderId), eq(orders.merchantId, merchantId)));
  if (!order) throw new NotFoundError("No such order.");
  const lines = await db.select().from(orderLines).where(eq(orderLines.orderId, order.id)).orderBy(asc(orderLines.lineNo));
  const plan = planRefund({ ...order, lines }, request);
  if ("refused" in plan) throw new UserError(plan.refused, plan.field);
  return { plan, currency: order.currency };
}

export function mayRefund(role: "admin" | "support", supportMayRefund: boolean): boolean {
  return role === "admin" || supportMayRefund;
}

/**
 * The refund rules, pure. Line money for part of a line is in proportion to its quantity
 * (half up), and the last units of a line take exactly what is left of it. Tax is refunded in
 * proportion to merchandise (tax x merchandise refunded / merchandise after discount, half up);
 * once all merchandise is refunded the rest of the tax goes with it, so totals always reconcile.
 */
export function planRefund(o: RefundableOrder, req: RefundRequest): RefundPlan | RefundRefusal {
  if (!isPaid(o.currentStage, o.paymentStatus)) return { refused: `Only paid orders can be refunded; this order is in ${o.currentStage} with payment ${o.paymentStatus}.` };
  const left = refundable(o);
  if (left.totalCents <= 0) return { refused: "This order has already been refunded in full." };
  const merchandiseNet = o.subtotalCents - o.discountCents;

  if (req.full) {
    const lines = o.lines.filter((l) => l.quantity > l.quantityRefunded).map((l) => ({ lineId: l.id, quantity: l.quantity - l.quantityRefunded, totalCents: l.totalCents - l.totalRefundedCents }));
    return {
      full: true,
      merchandiseCents: left.merchandiseCents,
      taxCents: left.taxCents,
      shippingHandlingCents: left.shippingHandlingCents,
      amountCents: left.totalCents,
      lines,
      paymentStatus: "Refunded",
    };
  }

  const planned: RefundPlan["lines"] = [];
  const seen = new Set<string>();
  for (const [i, r] of (req.lines ?? []).entries()) {
    if (r.quantity === 0) continue;
    const line = o.lines.find((l) => l.id === r.lineId);
    if (!line) return { refused: "That line is not on this order.", field: `lines.${i}.quantity` };
    if (seen.has(line.id)) return { refused: "A line is listed twice.", field: `lines.${i}.quantity` };
    seen.add(line.id);
    const remaining = line.quantity - line.quantityRefunded;
    if (!Number.isInteger(r.quantity) || r.quantity < 0) return { refused: "Enter a whole number of units, 0 or more.", field: `lines.${i}.quantity` };
    if (r.quantity > remaining) return { refused: remaining === 0 ? "Every unit of this line has already been refunded." : `At most ${remaining} of this line can be refunded.`, field: `lines.${i}.quantity` };
    const totalCents = r.quantity === remaining ? line.totalCents - line.totalRefundedCents : Math.min(mulDivRoundHalfUp(line.totalCents, r.quantity, line.quantity), line.totalCents - line.totalRefundedCents);
    planned.push({ lineId: line.id, quantity: r.quantity, totalCents });
  }
  const amount = req.amountCents ?? 0;
  const shipping = req.shippingHandlingCents ?? 0;
  if (!Number.isSafeInteger(amount) || amount < 0) return { refused: "Enter an amount of 0 or more.", field: "amount" };
  if (!Number.isSafeInteger(shipping) || shipping < 0) return { refused: "Enter an amount of 0 or more.", field: "shippingHandling" };
  if (shipping > left.shippingHandlingCents)
    return { refused: `At most ${formatMoney(left.shippingHandlingCents)} of shipping and handling can be refunded.`, field: "shippingHandling" };

  let merchandise = planned.reduce((s, l) => s + l.totalCents, 0) + amount;
  // An order-level discount means the lines add up to more than the merchandise paid for; when
  // the last units go back, the refund is what is left, not the undiscounted line money.
  const allLinesBack = planned.length > 0 && o.lines.every((l) => l.quantity - l.quantityRefunded === (planned.find((p) => p.lineId === l.id)?.quantity ?? 0));
  if (allLinesBack && amount === 0) merchandise = Math.min(merchandise, left.merchandiseCents);
  if (merchandise > left.merchandiseCents)
    return { refused: `At most ${formatMoney(left.merchandiseCents)} of merchandise can still be refunded; this asks for ${formatMoney(merchandise)}.`, field: "amount" };
  const tax = merchandise === left.merchandiseCents ? left.taxCents : Math.min(left.taxCents, mulDivRoundHalfUp(o.taxCents, merchandise, merchandiseNet));
  const total = merchandise + tax + shipping;
  if (total <= 0) return { refused: "Choose units, an amount, or shipping and handling to refund.", field: "amount" };
  return {
    full: total === left.totalCents,
    merchandiseCents: merchandise,
    taxCents: tax,
    shippingHandlingCents: shipping,
    amountCents: total,
    lines: planned,
    paymentStatus: total === left.totalCents ? "Refunded" : o.paymentStatus,
  };
}

/** The order after a refund plan, pure (what the database update writes). */
export function applyRefund(o: RefundableOrder, p: RefundPlan): RefundableOrder {
  return {
    ...o,
    paymentStatus: p.paymentStatus,
    subtotalRefundedCents: o.subtotalRefundedCents + p.merchandiseCents,
    taxRefundedCents: o.taxRefundedCents + p.taxCents,
    shippingHandlingRefundedCents: o.shippingHandlingRefundedCents + p.shippingHandlingCents,
    totalRefundedCents: o.totalRefundedCents + p.amountCents,
    lines: o.lines.map((l) => {
      const r = p.lines.find((x) => x.lineId === l.id);
      return r ? { ...l, quantityRefunded: l.quantityRefunded + r.quantity, totalRefundedCents: l.totalRefundedCents + r.totalCents } : l;
    }),
  };
}

/** The next `R-<number>` of a merchant (numbers start at 1001). Call with the merchant row locked. */
async function nextRefundCode(tx: Db, merchantId: string): Promise<string> {
  const [row] = await tx
    .select({ max: sql<number | null>`max((substring(${refunds.code} from 3))::int)` })
    .from(refunds)
    .where(and(eq(refunds.merchantId, merchantId), like(refunds.code, "R-%"), sql`${refunds.code} ~ '^R-[0-9]+$'`));
  const max = row?.max == null ? 1000 : Number(row.max);
  return `R-${max + 1}`;
}

/**
 * Refunds part or all of an order in one transaction: checks the rules against the locked order,
 * writes the refund and its lines, updates the order's lines and money, and records
 * `order.refunded` (subject: the refund id, payload: the order id). Rules broken → UserError.
 */
export async function refundOrder(
  db: Db,
  input: {
    merchantId: string;
    orderId: string;
    request: RefundRequest;
    reason: string;
    by: Actor;
    /** The refunding user's role, checked against the store's staff permission read with the merchant's lock (omitted: the caller has checked). */
    role?: "admin" | "support";
    now?: Date;
  },
): Promise<typeof refunds.$inferSelect & { currency: string }> {
  const now = input.now ?? new Date();
  const reason = checkedText(REFUND_REASON, input.reason, "reason");
  return db.transaction(async (tx) => {
    // Lock the merchant first: refund codes are numbered per merchant and must not collide.
    const [m] = await tx.select({ supportMayRefund: merchants.supportMayRefund }).from(merchants).where(eq(merchants.id, input.merchantId)).for("update");
    if (input.role && !mayRefund(input.role, m?.supportMayRefund ?? false)) throw new UserError(REFUND_NOT_ALLOWED, undefined, 403);
    const order = await lockOrder(tx, input.merchantId, input.orderId);
    const lines = await tx.select().from(orderLines).where(eq(orderLines.orderId, order.id)).orderBy(asc(orderLines.lineNo));
    const plan = planRefund({ ...order, lines }, input.request);
    if ("refused" in plan) throw new UserError(plan.refused, plan.field, 422);
    const [refund] = await tx
      .insert(refunds)
      .values({
        code: await nextRefundCode(tx, input.merchantId),
        orderId: order.id,
        merchantId: input.merchantId,
        full: plan.full,
        reason,
        merchandiseCents: plan.merchandiseCents,
        taxCents: plan.taxCents,
        shippingHandlingCents: plan.shippingHandlingCents,
        amountCents: plan.amountCents,
        byUserId: input.by.userId,
        createdAt: now,
      })
      .returning();
    if (plan.lines.length) {
      await tx.insert(refundLines).values(plan.lines.map((l) => ({ refundId: refund!.id, orderLineId: l.lineId, quantity: l.quantity, totalCents: l.totalCents })));
      for (const l of plan.lines) {
        await tx
          .update(orderLines)
          .set({ quantityRefunded: sql`${orderLines.quantityRefunded} + ${l.quantity}`, totalRefundedCents: sql`${orderLines.totalRefundedCents} + ${l.totalCents}` })
          .where(and(eq(orderLines.id, l.lineId), inArray(orderLines.orderId, [order.id])));
      }
    }
    await tx
      .update(orders)
      .set({
        subtotalRefundedCents: order.subtotalRefundedCents + plan.merchandiseCents,
        taxRefundedCents: order.taxRefundedCents + plan.taxCents,
        shippingHandlingRefundedCents: order.shippingHandlingRefundedCents + plan.shippingHandlingCents,
        totalRefundedCents: order.totalRefundedCents + plan.amountCents,
        paymentStatus: plan.paymentStatus,
        updatedAt: now,
      })
      .where(eq(orders.id, order.id));
    await recordEvent(tx, { merchantId: input.merchantId, type: "order.refunded", subjectId: refund!.id, payload: { orderId: order.id } });
    return { ...refund!, currency: order.currency };
  });
}
