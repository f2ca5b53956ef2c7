import { z } from "zod";
import { LOG_STATUSES, LOG_TYPES } from "./log-words";

export { LOG_PARAM_NAMES } from "./log-words";

/** `2026-11-25` (a whole UTC day) or a full ISO instant. */
const when = z
  .string()
  .trim()
  .max(40)
  .refine((v) => v === "" || !Number.isNaN(Date.parse(v)), "Enter a date like 2026-11-25.");

const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

/**
 * The Transmission Log's query string: shared by the page's URL (filters live there), the JSON
 * route that parses it, and the client that builds it.
 */
export const logQuerySchema = z.object({
  type: z.preprocess(blankToUndefined, z.enum(LOG_TYPES).optional()),
  status: z.preprocess(blankToUndefined, z.enum(LOG_STATUSES).optional()),
  from: z.preprocess(blankToUndefined, when.optional()),
  to: z.preprocess(blankToUndefined, when.optional()),
  q: z.preprocess(blankToUndefined, z.string().trim().max(200).optional()),
  cursor: z.preprocess(blankToUndefined, z.string().max(200).optional()),
  dir: z.preprocess(blankToUndefined, z.enum(["older", "newer"]).optional()),
  seen: z.preprocess(blankToUndefined, z.string().max(200).optional()),
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
