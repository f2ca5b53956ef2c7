import type { ORDER_STAGES, PAYMENT_METHODS, PAYMENT_STATUSES } from "@/lib/db/schema";
// Read from the schema, like lib/orders/paid.ts: lib/orders builds on the store (payments, pricing), so
// the store does not import lib/orders.
export type Stage = (typeof ORDER_STAGES)[number];
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
