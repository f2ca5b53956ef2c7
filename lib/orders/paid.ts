import type { ORDER_STAGES, PAYMENT_STATUSES } from "@/lib/db/schema";

export type Stage = (typeof ORDER_STAGES)[number];
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Stages in which payment has happened (with a processed payment). Only these reach ONTRAPORT. */
export const PAID_STAGES: readonly Stage[] = ["Shipping Department", "Completed Order"];

/** Paid = payment status Processed (or later Refunded) and stage Shipping Department or Completed Order. */
export function isPaid(stage: Stage, paymentStatus: PaymentStatus): boolean {
  return PAID_STAGES.includes(stage) && (paymentStatus === "Processed" || paymentStatus === "Refunded");
}
