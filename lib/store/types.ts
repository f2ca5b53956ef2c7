import type { PAYMENT_METHODS } from "@/lib/db/schema";
export type { Stage, PaymentStatus } from "@/lib/orders/paid";
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
