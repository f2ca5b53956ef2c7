import { z } from "zod";
import { UserError } from "@/lib/errors";

// PostgreSQL text and jsonb cannot hold NUL: a NUL in any input would fail in the database as a 500
// and, inside a transaction, throw away everything the action had done. Every free-text input is
// therefore checked here, beside its field, with a message the user can act on.

/** No control characters at all: names, ids, one-line fields. */
export const NO_CONTROL = /^[^\p{Cc}]*$/u;
/** Line breaks and tabs allowed (notes, reasons, descriptions); NUL and the other control characters not. */
export const NO_CONTROL_MULTILINE = /^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$/;

export const CONTROL_HELP = "Remove tabs, line breaks and other control characters.";
export const MULTILINE_CONTROL_HELP = "Remove control characters (only line breaks and tabs are allowed).";

/**
 * Text that is not well-formed Unicode (a lone UTF-16 surrogate such as "\ud800") cannot be stored
 * as UTF-8: refused beside its field instead of failing in the database.
 */
export function wellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const MALFORMED_HELP = "This text contains a broken character (not valid Unicode). Type it again.";

/** A trimmed one-line text of at most `max` characters; `label` names it in the messages ("the name"). */
export function lineText(max: number, label: string) {
  return z
    .string()
    .trim()
    .max(max, `Keep ${label} under ${max} characters.`)
    .regex(NO_CONTROL, `Remove tabs, line breaks and other control characters from ${label}.`)
    .refine(wellFormed, MALFORMED_HELP);
}

/** A trimmed text that may span lines (a note, a reason), of at most `max` characters. */
export function multilineText(max: number, label: string) {
  return z
    .string()
    .trim()
    .max(max, `Keep ${label} under ${max} characters.`)
    .regex(NO_CONTROL_MULTILINE, MULTILINE_CONTROL_HELP)
    .refine(wellFormed, MALFORMED_HELP);
}

/** An identifier typed or passed in a URL (order numbers, item ids): printable, no control characters. */
export function plainId(max: number, message = "Unknown id.") {
  return z.string().trim().min(1, message).max(max, message).regex(NO_CONTROL, message).refine(wellFormed, message);
}

/**
 * The same rule applied inside a library function that may be called without its action's schema
 * (jobs, scripts, tests): the first problem becomes a UserError on `field`.
 */
export function checkedText(schema: z.ZodType<string>, value: string, field: string): string {
  if (!wellFormed(value)) throw new UserError(MALFORMED_HELP, field);
  const r = schema.safeParse(value);
  if (!r.success) throw new UserError(r.error.issues[0]?.message ?? "Check this field.", field);
  return r.data;
}

/** What a search box or a URL may hold, made safe to compare in the database: control characters become spaces. */
export function cleanSearch(value: string | undefined | null, max = 200): string {
  return (value ?? "").replace(new RegExp(LONE_SURROGATE.source, "g"), "\uFFFD").replace(/\p{Cc}/gu, " ").trim().slice(0, max);
}

/** At most this much of a submitted value is ever sent back (a refused form shows what was typed). */
export const ECHO_LIMIT = 200;
/** The short prefix of a value that may be echoed back; never a whole oversized field. */
export function echoPrefix(value: string): string {
  return value.length > ECHO_LIMIT ? value.slice(0, ECHO_LIMIT) : value;
}

/** A path segment as the app's own links encode it; null when it is malformed or holds control characters. */
export function decodeSegment(segment: string): string | null {
  try {
    const v = decodeURIComponent(segment);
    return NO_CONTROL.test(v) && wellFormed(v) ? v : null;
  } catch {
    return null;
  }
}

/** A merchant id or theme code: capital letters, digits, `-` and `_`, 1 to 32 (it is part of StoreFront addresses). */
export const STORE_CODE = /^[A-Z0-9_-]{1,32}$/;
