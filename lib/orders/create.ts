import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { merchants, orderLines, orders, orderStageHistory } from "@/lib/db/schema";
import { isPaid, type PaymentStatus, type Stage } from "./paid";
import { recordEvent } from "./events";

export type NewOrder = Omit<
  typeof orders.$inferInsert,
  "id" | "receiptToken" | "currentStage" | "paymentStatus" | "subtotalCents" | "totalCents" | "createdAt" | "updatedAt" | "paidAt"
> & {
  stage: Stage;
  paymentStatus: PaymentStatus;
  lines: Array<Omit<typeof orderLines.$inferInsert, "orderId" | "merchantId" | "lineNo" | "totalCents"> & { totalCents?: number }>;
  /** Who placed it, for the stage history: `Shopper`, `System`, a user's e-mail. */
  byLabel: string;
  byUserId?: string | null;
  now?: Date;
};

/** Unguessable token for the shopper's receipt URL. */
export function newReceiptToken(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * Creates an order, its lines and its first stage-history entry, and records `order.paid` when it
 * is created already paid. Must run inside the caller's transaction. Totals are computed here:
 * total = subtotal - discount + tax + shipping and handling.
 */
export async function insertOrder(tx: Db, input: NewOrder): Promise<typeof orders.$inferSelect> {
  const now = input.now ?? new Date();
  const [m] = await tx
    .update(merchants)
    .set({ nextOrderSeq: sql`${merchants.nextOrderSeq} + 1` })
    .where(eq(merchants.id, input.merchantId))
    .returning({ seq: sql<number>`${merchants.nextOrderSeq} - 1` });
  if (!m) throw new Error(`unknown merchant ${input.merchantId}`);
  const id = `${input.merchantId}-${String(m.seq).padStart(7, "0")}`;
  const lines = input.lines.map((l, i) => ({
    ...l,
    orderId: id,
    merchantId: input.merchantId,
    lineNo: i + 1,
    totalCents: l.totalCents ?? l.unitPriceCents * l.quantity - (l.discountCents ?? 0),
  }));
  const subtotalCents = lines.reduce((s, l) => s + l.unitPriceCents * l.quantity, 0);
  const lineDiscounts = lines.reduce((s, l) => s + (l.discountCents ?? 0), 0);
  const discountCents = (input.discountCents ?? 0) + lineDiscounts;
  const taxCents = input.taxCents ?? 0;
  const shippingHandlingCents = input.shippingHandlingCents ?? 0;
  const paid = isPaid(input.stage, input.paymentStatus);
  const { lines: _lines, stage, byLabel, byUserId, now: _now, ...rest } = input;
  const [order] = await tx
    .insert(orders)
    .values({
      ...rest,
      id,
      currentStage: stage,
      paymentStatus: input.paymentStatus,
      subtotalCents,
      discountCents,
      taxCents,
      shippingHandlingCents,
      totalCents: subtotalCents - discountCents + taxCents + shippingHandlingCents,
      receiptToken: newReceiptToken(),
      paidAt: paid ? now : null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (lines.length) await tx.insert(orderLines).values(lines);
  await tx.insert(orderStageHistory).values({ orderId: id, merchantId: input.merchantId, fromStage: null, toStage: stage, at: now, byLabel, byUserId: byUserId ?? null });
  if (paid) await recordEvent(tx, { merchantId: input.merchantId, type: "order.paid", subjectId: id });
  return order!;
}
