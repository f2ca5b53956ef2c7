import { Badge, type Tone } from "@/components/ui/badge";
import { formatUtcDateTime } from "@/components/ui/date-time";
import type { PaymentStatus, Stage } from "@/lib/orders/paid";
import type { AutoOrderStatus } from "@/lib/orders/auto-orders";

const STAGE_TONES: Record<Stage, Tone> = {
  "Accounts Receivable": "warning",
  "Pending Clearance": "warning",
  "Fraud Review": "danger",
  Rejected: "muted",
  "Shipping Department": "info",
  "Completed Order": "success",
  "Quote Request": "neutral",
  "Quote Sent": "neutral",
  "Pre-ordered": "neutral",
  Hold: "warning",
};

export function StageBadge({ stage }: { stage: Stage }) {
  return <Badge tone={STAGE_TONES[stage]}>{stage}</Badge>;
}

const PAYMENT_TONES: Record<PaymentStatus, Tone> = {
  Unprocessed: "neutral",
  Authorized: "info",
  Processed: "success",
  Declined: "danger",
  Voided: "muted",
  Refunded: "muted",
};

export function PaymentBadge({ status }: { status: PaymentStatus }) {
  return <Badge tone={PAYMENT_TONES[status]}>{status}</Badge>;
}

const AUTO_ORDER_TONES: Record<AutoOrderStatus, Tone> = {
  active: "success",
  "card declined": "danger",
  "cancelled upgrade": "muted",
  "cancelled downgrade": "muted",
  cancelled: "muted",
  terminated: "danger",
};

export function AutoOrderStatusBadge({ status }: { status: AutoOrderStatus }) {
  return <Badge tone={AUTO_ORDER_TONES[status]}>{status.charAt(0).toUpperCase() + status.slice(1)}</Badge>;
}

/** A date-time as plain text, where LocalTime cannot render it: the same format, in UTC. */
export function formatDateTime(d: Date): string {
  return formatUtcDateTime(d);
}
