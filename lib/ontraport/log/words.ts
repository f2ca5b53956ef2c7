import type { TransmissionStatus, TransmissionType } from "@/lib/db/schema/ontraport";

/** Names of transmission types in the merchant's words (the Transmission Log's `Type` column). */
export const TYPE_LABELS: Record<TransmissionType, string> = {
  sale: "Sale",
  refund: "Refund",
  auto_order_status: "Auto Order Status",
  affiliate: "Affiliate",
  fetch_items: "Fetch Items",
  conversion_pixel: "Conversion Pixel",
};

/** Every transmission type, in the log's filter order (kept here so client code need not load the schema). */
export const LOG_TYPES = ["sale", "refund", "auto_order_status", "affiliate", "fetch_items", "conversion_pixel"] as const satisfies readonly TransmissionType[];

/** The statuses the log filters by: `Waiting` covers queued and in-flight rows. */
export const LOG_STATUSES = ["delivered", "failed", "waiting", "held", "paused", "skipped"] as const;
export type LogStatus = (typeof LOG_STATUSES)[number];

export const LOG_STATUS_GROUPS: Record<LogStatus, readonly TransmissionStatus[]> = {
  delivered: ["delivered"],
  failed: ["failed"],
  waiting: ["pending", "sending"],
  held: ["held"],
  paused: ["paused"],
  skipped: ["skipped"],
};

export const LOG_STATUS_LABELS: Record<LogStatus, string> = {
  delivered: "Delivered",
  failed: "Failed",
  waiting: "Waiting",
  held: "Held",
  paused: "Paused",
  skipped: "Skipped",
};

export function logStatusOf(s: TransmissionStatus): LogStatus {
  if (s === "pending" || s === "sending") return "waiting";
  return s;
}

export type StatusTone = "success" | "danger" | "info" | "warning" | "muted";

export const LOG_STATUS_TONES: Record<LogStatus, StatusTone> = {
  delivered: "success",
  failed: "danger",
  waiting: "info",
  held: "warning",
  paused: "warning",
  skipped: "muted",
};

/** A transmission in words, e.g. "Sale DEMO-0000042": names the View button and the dialog. */
export function transmissionName(t: { type: TransmissionType; orderId: string | null; description: string }): string {
  return t.orderId ? `${TYPE_LABELS[t.type]} ${t.orderId}` : t.description;
}

/**
 * The Transmission Log's query-string names. Kept here, not beside the zod schema in log-params.ts,
 * so the log's client component does not ship zod to the browser (about 43 kB gzipped).
 */
export const LOG_PARAM_NAMES = ["type", "status", "from", "to", "q", "cursor", "dir", "seen"] as const;

/** A Conversion Pixel's status: the receipt rendered it; whether the shopper's browser loaded it, the server cannot know. */
export const PIXEL_RENDERED = "Rendered on the receipt";

/** Types a person may resend from the log (lib/ontraport/engine/outbox.ts RESENDABLE_TYPES). */
export const RESENDABLE_LOG_TYPES: readonly TransmissionType[] = ["sale", "refund", "auto_order_status", "affiliate"];

/** The full-width Transmission Log; `?tx=<id>` opens one transmission's View. */
export const LOG_PAGE_URL = "/configuration/external-integrations/ontraport/log";
