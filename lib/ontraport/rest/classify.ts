import type { Outcome } from "../engine/outcome";
import type { RestStep } from "./http";

// What one REST call's answer means, as an engine Outcome (pure). See docs/ontraport-rest.md.

/** ONTRAPORT's text for a rejected App ID / key (401). */
export const ONTRAPORT_UNAUTHORIZED_TEXT = "Your App ID and API Key do not authenticate.";

/** `message` (or `error`) of a JSON error answer, else the start of the body as text. */
export function answerText(step: RestStep): string {
  const j = step.json;
  if (typeof j === "object" && j !== null && !Array.isArray(j)) {
    const o = j as Record<string, unknown>;
    for (const k of ["message", "error", "data"]) {
      const v = o[k];
      if (typeof v === "string" && v.trim() !== "") return v.trim().slice(0, 300);
    }
  }
  return step.responseBody.trim().slice(0, 300);
}

/** The `{code: 0, data}` envelope of a successful answer, or null. */
export function okData(step: RestStep): { data: unknown } | null {
  if (step.status === null || step.status < 200 || step.status >= 300) return null;
  const j = step.json;
  if (typeof j !== "object" || j === null || Array.isArray(j)) return null;
  const o = j as Record<string, unknown>;
  if (Number(o.code) !== 0) return null;
  return { data: o.data };
}

const where = (step: RestStep): string => `${step.method} /1${step.path}`;

/**
 * - 2xx with `code: 0`: delivered;
 * - 2xx that is not ONTRAPORT's JSON: the call was handled but we cannot tell how: unknown (a write
 *   may have happened; the caller reconciles before writing again); `code` other than 0: rejected;
 * - 401/403: stale_key with ONTRAPORT's text; 429: rate_limited (X-Rate-Limit-Reset, else 60 s);
 * - 408/5xx, or no answer before the request was written: transient;
 * - written but unanswered (timeout, connection lost): unknown;
 * - a GET (a read changes nothing) without a readable answer: transient;
 * - 400/404/409/422: rejected (ONTRAPORT read the request and refused its content), with its message;
 * - any other status (3xx: a redirect is never followed; 405, 413, 415...): bad_request.
 */
export function classifyStep(step: RestStep): Outcome {
  // A read changes nothing: without a readable answer it is simply tried again.
  const read = step.method === "GET";
  if (step.status === null) {
    const error = step.error ?? "No answer";
    if (step.written && !read) return { kind: "unknown", message: `${where(step)}: ${error}; ONTRAPORT may have processed it` };
    return { kind: "transient", message: `${where(step)}: ${error}` };
  }
  const code = step.status;
  const text = answerText(step);
  if (code >= 200 && code < 300) {
    if (okData(step) !== null) return { kind: "delivered" };
    const j = step.json;
    if (typeof j === "object" && j !== null && !Array.isArray(j) && "code" in j) {
      return { kind: "rejected", message: `${where(step)}: ONTRAPORT answered code ${String((j as { code: unknown }).code)}${text ? `: ${text}` : ""}` };
    }
    return { kind: read ? "transient" : "unknown", message: `${where(step)}: ONTRAPORT answered ${code} with something that is not its JSON answer: ${text || "(empty)"}` };
  }
  if (code === 401 || code === 403) {
    const fallback = code === 401 ? ONTRAPORT_UNAUTHORIZED_TEXT : "The API key's user has no permission for this call.";
    return { kind: "stale_key", message: `ONTRAPORT refused the App ID and API key (${code}): ${text || fallback}` };
  }
  if (code === 429) return { kind: "rate_limited", resetSeconds: Math.max(1, Math.ceil(step.rateLimitReset ?? 60)) };
  if (code === 408 || code >= 500) return { kind: "transient", message: `${where(step)}: ONTRAPORT answered ${code}${text ? `: ${text}` : ""}` };
  if (code === 400 || code === 404 || code === 409 || code === 422) return { kind: "rejected", message: `${where(step)}: ONTRAPORT answered ${code}: ${text || "(no message)"}` };
  if (code >= 300 && code < 400) return { kind: "bad_request", message: `${where(step)}: answered a redirect (${code}), which is never followed: check the base URL` };
  return { kind: "bad_request", message: `${where(step)}: ONTRAPORT answered ${code}${text ? `: ${text}` : ""}` };
}
