import { XMLParser, XMLValidator } from "fast-xml-parser";

// One HTTP request per attempt, and what ONTRAPORT's answer means (the response table of the protocol doc).

export const USER_AGENT = "cartlink/0.1.0";
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Stored response bodies are cut here. */
export const RESPONSE_BODY_LIMIT = 8 * 1024;

export type ReqType = "sale" | "refund" | "auto_order_status" | "affiliate" | "key";

export interface DeliveryRequest {
  endpoint: string;
  apiKey: string;
  reqType: ReqType;
  xml: string;
  transmissionId?: string;
  timeoutMs?: number;
}

export interface DeliveryResponse {
  statusCode: number | null;
  body: string;
  /** Seconds from `X-Rate-Limit-Reset`, when ONTRAPORT sent it. */
  rateLimitReset: number | null;
  durationMs: number;
  /** Timeout or connection error, in words. */
  error: string | null;
}

/** The form body sent; the key appears only here, never in anything stored. */
export function formBody(r: Pick<DeliveryRequest, "apiKey" | "reqType" | "xml">): string {
  return new URLSearchParams({ key: r.apiKey, reqType: r.reqType, data: r.xml }).toString();
}

/** What is stored as the attempt's request: the same form with the key redacted. */
export function redactedRequest(r: Pick<DeliveryRequest, "endpoint" | "reqType" | "xml" | "transmissionId">): string {
  return `POST ${r.endpoint}\nX-Transmission-Id: ${r.transmissionId ?? ""}\n\nkey=[redacted]&reqType=${r.reqType}&data=\n${r.xml}`;
}

export async function deliver(r: DeliveryRequest): Promise<DeliveryResponse> {
  const started = performance.now();
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    "User-Agent": USER_AGENT,
  };
  if (r.transmissionId) headers["X-Transmission-Id"] = r.transmissionId;
  // A timer cleared on completion (AbortSignal.timeout would keep one alive per request for the full timeout).
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new DOMException("timeout", "TimeoutError")), r.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    const res = await fetch(r.endpoint, {
      method: "POST",
      headers,
      body: formBody(r),
      redirect: "manual",
      signal: abort.signal,
    });
    const body = await res.text();
    const reset = Number(res.headers.get("x-rate-limit-reset"));
    return {
      statusCode: res.status,
      body: body.slice(0, RESPONSE_BODY_LIMIT),
      rateLimitReset: Number.isFinite(reset) && res.headers.has("x-rate-limit-reset") ? Math.max(0, reset) : null,
      durationMs: Math.round(performance.now() - started),
      error: null,
    };
  } catch (e) {
    return { statusCode: null, body: "", rateLimitReset: null, durationMs: Math.round(performance.now() - started), error: describeNetworkError(abort.signal.aborted ? abort.signal.reason : e, r.timeoutMs ?? DEFAULT_TIMEOUT_MS) };
  } finally {
    clearTimeout(timer);
  }
}

function describeNetworkError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return `No answer within ${timeoutMs / 1000} s (timeout)`;
  const cause = err?.cause?.code ?? err?.cause?.message;
  return `Connection error: ${cause ?? err?.message ?? String(e)}`;
}

export type Outcome =
  | { kind: "delivered" }
  /** 2xx with <error>: ONTRAPORT refused the content; retrying cannot help. */
  | { kind: "rejected"; message: string }
  | { kind: "stale_key"; message: string }
  | { kind: "rate_limited"; resetSeconds: number }
  | { kind: "transient"; message: string }
  | { kind: "bad_request"; message: string };

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, processEntities: true, htmlEntities: false });

function errorText(body: string): string | null {
  if (XMLValidator.validate(body) !== true) return null;
  const doc = parser.parse(body) as { error?: unknown };
  if (doc.error === undefined) return null;
  return typeof doc.error === "string" ? doc.error : JSON.stringify(doc.error);
}

/** Answers per the response table. A 2xx we cannot read is transient: retried with the same X-Transmission-Id. */
export function classify(r: DeliveryResponse): Outcome {
  if (r.statusCode === null) return { kind: "transient", message: r.error ?? "No answer" };
  const code = r.statusCode;
  const brief = r.body.trim().slice(0, 300);
  if (code >= 200 && code < 300) {
    if (XMLValidator.validate(r.body) !== true) return { kind: "transient", message: `ONTRAPORT answered ${code} with something that is not XML: ${brief || "(empty)"}` };
    const doc = parser.parse(r.body) as { result?: { status?: unknown }; error?: unknown };
    if (doc.result && typeof doc.result === "object" && doc.result.status === "Success") return { kind: "delivered" };
    const err = errorText(r.body);
    if (err !== null) return { kind: "rejected", message: err };
    return { kind: "transient", message: `ONTRAPORT answered ${code} without a result: ${brief || "(empty)"}` };
  }
  if (code === 401 || code === 403) return { kind: "stale_key", message: errorText(r.body) ?? `ONTRAPORT refused the API key (${code})` };
  if (code === 429) return { kind: "rate_limited", resetSeconds: r.rateLimitReset ?? 60 };
  if (code === 408 || code >= 500) return { kind: "transient", message: `ONTRAPORT answered ${code}${brief ? `: ${brief}` : ""}` };
  return { kind: "bad_request", message: errorText(r.body) ?? `ONTRAPORT answered ${code}${brief ? `: ${brief}` : ""}` };
}

/** Retry schedule after a transient failure (Svix's); after the last one the transmission fails for good. */
export const RETRY_SCHEDULE_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 5 * 3600_000, 10 * 3600_000, 10 * 3600_000] as const;
