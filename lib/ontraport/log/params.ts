import { z } from "zod";
import { LOG_STATUSES, LOG_TYPES } from "./words";
import { NO_CONTROL } from "@/lib/validation";

export { LOG_PARAM_NAMES } from "./words";

const inRange = (ms: number) => !Number.isNaN(ms) && new Date(ms).getUTCFullYear() >= 1900 && new Date(ms).getUTCFullYear() <= 9999;

/** `2026-11-25` (a whole UTC day) or a full ISO instant. */
const when = z
  .string()
  .trim()
  .max(40)
  // Years outside 1900-9999 parse in JavaScript (`+010000-01-01`) but not in PostgreSQL.
  .refine((v) => v === "" || inRange(Date.parse(v)), "Enter a date like 2026-11-25.");

const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

// PostgreSQL text cannot hold NUL (and no search needs control characters): refused here as a 400,
// instead of failing in the database as a 500.
const plain = (max: number) => z.string().max(max).regex(NO_CONTROL, "Remove control characters.");

/**
 * The Transmission Log's query string: shared by the page's URL (filters live there), the JSON
 * route that parses it, and the client that builds it.
 */
export const logQuerySchema = z.object({
  type: z.preprocess(blankToUndefined, z.enum(LOG_TYPES).optional()),
  status: z.preprocess(blankToUndefined, z.enum(LOG_STATUSES).optional()),
  from: z.preprocess(blankToUndefined, when.optional()),
  to: z.preprocess(blankToUndefined, when.optional()),
  q: z.preprocess(blankToUndefined, plain(200).trim().optional()),
  cursor: z.preprocess(blankToUndefined, plain(200).optional()),
  dir: z.preprocess(blankToUndefined, z.enum(["older", "newer"]).optional()),
  seen: z.preprocess(blankToUndefined, plain(200).optional()),
});
export type LogQuery = z.infer<typeof logQuerySchema>;

/** A date-only bound covers the whole day: `to=2026-11-25` ends at the next midnight (UTC). */
export function rangeOf(q: Pick<LogQuery, "from" | "to">): { from?: Date; to?: Date } {
  const dateOnly = /^\d{4}-\d\d-\d\d$/;
  const from = q.from ? new Date(dateOnly.test(q.from) ? `${q.from}T00:00:00Z` : q.from) : undefined;
  let to = q.to ? new Date(dateOnly.test(q.to) ? `${q.to}T00:00:00Z` : q.to) : undefined;
  if (to && q.to && dateOnly.test(q.to)) to = new Date(to.getTime() + 86_400_000);
  return { from, to };
}
