import { isPaid, type PaymentStatus, type Stage } from "@/lib/orders/paid";

// Which facts ONTRAPORT hears about. Pure, so every rule is tested without a database.

export interface ApiConfigFacts {
  method: "off" | "api" | "pixel";
  hasKey: boolean;
  /** When the API method was switched on; facts from before it are not sent retroactively. */
  enabledAt: Date | null;
}

export type Verdict = { send: true } | { send: false; reason: string; /** keep a `skipped` row in the log, so the merchant sees why */ log?: boolean };

const SEND: Verdict = { send: true };

/** The API method is active: chosen, with a key. */
export function apiActive(c: ApiConfigFacts | null | undefined): c is ApiConfigFacts {
  return !!c && c.method === "api" && c.hasKey;
}

function notActive(c: ApiConfigFacts | null | undefined): Verdict | null {
  if (!c || c.method === "off") return { send: false, reason: "the ONTRAPORT integration is off" };
  if (c.method === "pixel") return { send: false, reason: "the Partner Tracking Pixel method is chosen, not the API" };
  if (!c.hasKey) return { send: false, reason: "no ONTRAPORT API key is saved" };
  return null;
}

function beforeEnabled(c: ApiConfigFacts, at: Date | null): boolean {
  return !!c.enabledAt && !!at && at.getTime() < c.enabledAt.getTime();
}

/**
 * A Sale goes out once per order, when it first becomes paid (Shipping Department or Completed Order
 * with a processed payment), and only if that happened after the API method was switched on: enabling
 * the integration does not replay history (a merchant can still resend any paid order by hand).
 */
export function saleVerdict(c: ApiConfigFacts | null | undefined, order: { stage: Stage; paymentStatus: PaymentStatus; paidAt: Date | null }): Verdict {
  const off = notActive(c);
  if (off) return off;
  if (!isPaid(order.stage, order.paymentStatus)) return { send: false, reason: `the order is in ${order.stage}, which is not paid` };
  if (beforeEnabled(c!, order.paidAt)) return { send: false, reason: "the order was paid before the ONTRAPORT API was switched on" };
  return SEND;
}

/**
 * A refund follows the order's Sale; when ONTRAPORT never got a Sale for the order (paid before the
 * integration was on, or never eligible) the refund is not sent, and a `skipped` row says why.
 */
export function refundVerdict(c: ApiConfigFacts | null | undefined, facts: { saleExists: boolean; shippingOnly?: boolean }): Verdict {
  const off = notActive(c);
  if (off) return off;
  if (!facts.saleExists) return { send: false, reason: "ONTRAPORT never received a Sale for this order, so its refund is not sent", log: true };
  if (facts.shippingOnly) return { send: false, reason: SHIPPING_ONLY_REASON, log: true };
  return SEND;
}

/** A refund of shipping and handling alone: ONTRAPORT stores neither, so there is nothing to tell it. */
export const SHIPPING_ONLY_REASON = "Shipping and handling only; ONTRAPORT does not store it";

/** Auto order status changes and affiliate changes: whenever the API is active and they happened after it was switched on. */
export function changeVerdict(c: ApiConfigFacts | null | undefined, at: Date): Verdict {
  const off = notActive(c);
  if (off) return off;
  if (beforeEnabled(c!, at)) return { send: false, reason: "the change happened before the ONTRAPORT API was switched on" };
  return SEND;
}

/** A manual resend needs a paid order and an active API method; otherwise a message in words. */
export function manualResendProblem(c: ApiConfigFacts | null | undefined, order: { stage: Stage; paymentStatus: PaymentStatus }): string | null {
  if (!apiActive(c)) return "Resending needs the ONTRAPORT API method switched on with a key.";
  if (!isPaid(order.stage, order.paymentStatus)) return `Only paid orders are sent to ONTRAPORT; this order is in ${order.stage}.`;
  return null;
}
