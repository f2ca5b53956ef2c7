import { Badge } from "@/components/ui/badge";
import type { TransmissionStatus } from "@/lib/db/schema/ontraport";
import { LOG_STATUS_LABELS, LOG_STATUS_TONES, logStatusOf } from "@/lib/ontraport/log/words";

/** Delivered, Failed, Waiting, Paused or Skipped: colour and the word. */
export function TransmissionStatusBadge({ status }: { status: TransmissionStatus }) {
  const s = logStatusOf(status);
  return <Badge tone={LOG_STATUS_TONES[s]}>{status === "sending" ? "Sending" : LOG_STATUS_LABELS[s]}</Badge>;
}
