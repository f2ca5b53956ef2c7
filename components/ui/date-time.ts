/**
 * One date-time format on every page: "Nov 25, 2026, 12:30 PM" plus the zone. The browser shows the
 * reader's zone ("… GMT+1"); the server, which does not know it, renders UTC ("… UTC"). LocalTime
 * (components/ontraport/local-time.tsx) renders it; plain text (toasts, labels) uses formatDateTime.
 */
export function dateTimeOptions(withSeconds = false): Intl.DateTimeFormatOptions {
  return { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", ...(withSeconds ? { second: "2-digit" } : {}) };
}

/** In the reader's own zone, with the zone's short name (browser only: the server's zone is not the reader's). */
export function formatLocalDateTime(d: Date, withSeconds = false): string {
  return d.toLocaleString(undefined, { ...dateTimeOptions(withSeconds), timeZoneName: "short" });
}

/** In UTC, the same format: what the server renders before the browser takes over. */
export function formatUtcDateTime(d: Date, withSeconds = false): string {
  return `${d.toLocaleString("en-US", { ...dateTimeOptions(withSeconds), timeZone: "UTC" })} UTC`;
}
