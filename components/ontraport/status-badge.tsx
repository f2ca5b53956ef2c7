import { Badge } from "@/components/ui/badge";
import type { TransmissionStatus, TransmissionType } from "@/lib/db/schema/ontraport";
import { LOG_STATUS_LABELS, LOG_STATUS_TONES, logStatusOf, PIXEL_RENDERED } from "@/lib/ontraport/log/words";

/**
 * Delivered, Failed, Waiting, Paused or Skipped: colour and the word. A Conversion Pixel says
 * "Rendered on the receipt": the shopper's browser loads it, so the server cannot know it arrived.
 */
export function TransmissionStatusBadge({ status, type }: { status: TransmissionStatus; type?: TransmissionType }) {
  if (type === "conversion_pixel" && status === "delivered") return <Badge tone="muted">{PIXEL_RENDERED}</Badge>;
  const s = logStatusOf(status);
  return <Badge tone={LOG_STATUS_TONES[s]}>{status === "sending" ? "Sending" : LOG_STATUS_LABELS[s]}</Badge>;
}
