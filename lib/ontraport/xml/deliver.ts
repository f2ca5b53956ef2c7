import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { Outcome } from "../engine/outcome";
import { checkDestination, egressPolicy, type EgressPolicy, type ResolvedAddress } from "@/lib/net/egress";

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
  /**
   * The whole request was handed to the connection before it failed: ONTRAPORT may have received
   * and processed it, so a failure without an answer is an unknown outcome, not a safe retry.
   */
  written?: boolean;
  /** The destination is not allowed (lib/net/egress): nothing was sent, no connection opened. */
  refused?: boolean;
}

/** The form body sent; the key appears only here, never in anything stored. */
export function formBody(r: Pick<DeliveryRequest, "apiKey" | "reqType" | "xml">): string {
  // encodeURIComponent (native) rather than URLSearchParams (a JS loop over every character of the
  // XML): a form decoder reads both the same, %20 for a space included.
  return `key=${formValue(r.apiKey)}&reqType=${formValue(r.reqType)}&data=${formValue(r.xml)}`;
}

function formValue(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    // A lone surrogate: URLSearchParams sends it as U+FFFD.
    return new URLSearchParams({ v: s }).toString().slice(2);
  }
}

/** What is stored as the attempt's request: the same form with the key redacted. */
export function redactedRequest(r: Pick<DeliveryRequest, "endpoint" | "reqType" | "xml" | "transmissionId">): string {
  return `POST ${r.endpoint}\nX-Transmission-Id: ${r.transmissionId ?? ""}\n\nkey=[redacted]&reqType=${r.reqType}&data=\n${r.xml}`;
}

// node:http with keep-alive agents rather than fetch: fetch wraps every request and answer in web
// streams (and clones the request when redirects are not followed), which cost more CPU than the
// rest of a delivery. node:http never follows redirects.
// An idle socket is closed after 4 s (as undici does), before a server is likely to close it under us.
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, timeout: 4_000 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, timeout: 4_000 }),
};

/**
 * One POST to the endpoint. The destination is resolved and checked first (lib/net/egress), before
 * any connection, and the connection goes to the address that was checked.
 */
export async function deliver(r: DeliveryRequest, opts: { policy?: EgressPolicy } = {}): Promise<DeliveryResponse> {
  const started = performance.now();
  const verdict = await checkDestination(r.endpoint, opts.policy ?? egressPolicy());
  if (!verdict.ok) {
    const durationMs = Math.round(performance.now() - started);
    if (verdict.unresolved) return { statusCode: null, body: "", rateLimitReset: null, durationMs, error: `Connection error: ${verdict.reason}` };
    return { statusCode: null, body: "", rateLimitReset: null, durationMs, error: verdict.reason, refused: true };
  }
  return send(r, started, verdict.pinned);
}

function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  }) as unknown as LookupFunction;
}

function send(r: DeliveryRequest, started: number, pinned: ResolvedAddress | null): Promise<DeliveryResponse> {
  const timeoutMs = r.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const done = (res: Omit<DeliveryResponse, "durationMs">): DeliveryResponse => ({ ...res, durationMs: Math.round(performance.now() - started) });
  let written = false;
  const failed = (e: unknown) => done({ statusCode: null, body: "", rateLimitReset: null, error: describeNetworkError(e, timeoutMs), written });
  let url: URL;
  try {
    url = new URL(r.endpoint);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`unsupported protocol ${url.protocol}`);
  } catch (e) {
    return Promise.resolve(failed(e));
  }
  const body = Buffer.from(formBody(r), "utf8");
  const headers: Record<string, string | number> = {
    "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    "Content-Length": body.length,
    "User-Agent": USER_AGENT,
  };
  if (r.transmissionId) headers["X-Transmission-Id"] = r.transmissionId;
  return new Promise<DeliveryResponse>((resolve) => {
    let settled = false;
    const finish = (res: DeliveryResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(res);
    };
    const request = (url.protocol === "https:" ? https : http).request(url, { method: "POST", headers, agent: agents[url.protocol as "http:" | "https:"], ...(pinned ? { lookup: pinnedLookup(pinned) } : {}) }, (res) => {
      // Only the first RESPONSE_BODY_LIMIT bytes are kept; the rest is read and dropped.
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on("data", (c: Buffer) => {
        if (kept >= RESPONSE_BODY_LIMIT) return;
        chunks.push(c);
        kept += c.length;
      });
      res.on("error", (e) => finish(failed(e)));
      res.on("aborted", () => finish(failed(new Error("the connection closed before the answer ended"))));
      res.on("end", () => {
        const header = res.headers["x-rate-limit-reset"];
        const reset = Number(Array.isArray(header) ? header[0] : header);
        finish(
          done({
            statusCode: res.statusCode ?? null,
            body: Buffer.concat(chunks).toString("utf8").slice(0, RESPONSE_BODY_LIMIT),
            rateLimitReset: header !== undefined && Number.isFinite(reset) ? Math.max(0, reset) : null,
            error: null,
            written: true,
          }),
        );
      });
    });
    // A timer cleared on completion; on timeout the socket is destroyed (never reused half-read).
    const timer = setTimeout(() => {
      const e = new Error("timeout");
      e.name = "TimeoutError";
      finish(failed(e));
      request.destroy(e);
    }, timeoutMs);
    request.on("error", (e) => finish(failed(e)));
    // 'finish': the body was handed to the socket; from here a lost answer leaves the outcome unknown.
    request.on("finish", () => {
      written = true;
    });
    request.end(body);
  });
}

function describeNetworkError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return `No answer within ${timeoutMs / 1000} s (timeout)`;
  const cause = err?.code ?? err?.cause?.code ?? err?.cause?.message;
  return `Connection error: ${cause ?? err?.message ?? String(e)}`;
}

export type { Outcome };

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, processEntities: true, htmlEntities: false });

function errorText(body: string): string | null {
  if (XMLValidator.validate(body) !== true) return null;
  const doc = parser.parse(body) as { error?: unknown };
  if (doc.error === undefined) return null;
  return typeof doc.error === "string" ? doc.error : JSON.stringify(doc.error);
}

/**
 * ONTRAPORT's usual answer, `<result><status>Success</status><id>123</id></result>`, recognised without
 * an XML parser (the parser costs more than the rest of recording a delivery). Only a plain shape
 * matches: an optional UTF-8 declaration with nothing before it, XML whitespace only (not NBSP or a
 * BOM), one `status` first, then simple elements with text that holds no markup or entities;
 * anything else goes through the parser, which answers the same.
 */
const PLAIN_SUCCESS = /^(?:<\?xml version="1\.0"(?: encoding="UTF-8")?\?>)?[ \t\r\n]*<result>[ \t\r\n]*<status>[ \t\r\n]*Success[ \t\r\n]*<\/status>(?:[ \t\r\n]*<((?!status>)[A-Za-z_][A-Za-z0-9_]*)>[^<>&]*<\/\1>)*[ \t\r\n]*<\/result>[ \t\r\n]*$/;

/** Answers per the response table. A 2xx we cannot read is transient: retried with the same X-Transmission-Id. */
export function classify(r: DeliveryResponse): Outcome {
  if (r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300 && PLAIN_SUCCESS.test(r.body)) return { kind: "delivered" };
  return classifyParsed(r);
}

/** The response table with every body read by the XML parser (classify's slow path; tests compare the two). */
export function classifyParsed(r: DeliveryResponse): Outcome {
  // A destination the egress policy refuses: nothing was sent, and retrying cannot help until the
  // operator allows the host (then Resend).
  if (r.refused) return { kind: "bad_request", message: r.error ?? "The ONTRAPORT endpoint is not allowed" };
  if (r.statusCode === null) {
    // Written but unanswered: ONTRAPORT may have it (the retry carries the same X-Transmission-Id,
    // which the endpoint drops if it already has it). Not written: nothing reached it.
    if (r.written) return { kind: "unknown", message: `${r.error ?? "No answer"}; ONTRAPORT may have received it` };
    return { kind: "transient", message: r.error ?? "No answer" };
  }
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

