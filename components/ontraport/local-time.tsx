"use client";

import { useSyncExternalStore } from "react";
import { formatLocalDateTime, formatUtcDateTime } from "@/components/ui/date-time";

const subscribe = () => () => {};

/**
 * A time in the reader's own time zone, with the zone: the one date-time format of every page. The
 * server renders UTC (it does not know the zone), the browser its local time; `<time>` keeps the
 * exact instant for tools and tests.
 */
export function LocalTime({ iso, withSeconds }: { iso: string | null | undefined; withSeconds?: boolean }) {
  const local = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  if (!iso) return <span className="text-zinc-500">—</span>;
  const d = new Date(iso);
  const text = local ? formatLocalDateTime(d, withSeconds) : formatUtcDateTime(d, withSeconds);
  return (
    <time dateTime={iso} title={iso}>
      {text}
    </time>
  );
}

/** "in 4 min", "2 h ago": for next retry and last success. */
export function relativeTime(iso: string, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const fmt = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  if (abs < 60_000) return fmt.format(Math.round(diff / 1000), "second");
  if (abs < 3_600_000) return fmt.format(Math.round(diff / 60_000), "minute");
  if (abs < 86_400_000) return fmt.format(Math.round(diff / 3_600_000), "hour");
  return fmt.format(Math.round(diff / 86_400_000), "day");
}
