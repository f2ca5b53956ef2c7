import http from "node:http";
import https from "node:https";

// One call to ONTRAPORT's REST API v1 (docs/ontraport-rest.md): headers Api-Appid and Api-Key,
// a JSON body for POST and PUT, the query string for GET and DELETE (as ONTRAPORT's PHP SDK sends
// them), a timeout, a keep-alive agent and never a redirect followed (a redirected call would carry
// the key elsewhere). What comes back is a RestStep: everything the log keeps about the call, never
// the key.

export const USER_AGENT = "cartlink/0.1.0";
/** ONTRAPORT's base URL; only the server's environment may point elsewhere (the simulator): lib/env.ts. */
export { ONTRAPORT_REST_API as ONTRAPORT_REST_BASE_URL } from "@/lib/env";
export const DEFAULT_REST_TIMEOUT_MS = 15_000;

/** Stored response bodies are cut here. */
export const REST_RESPONSE_BODY_LIMIT = 8 * 1024;
/** Answers are read up to this size to be parsed (a page of 50 transactions with their offers). */
export const REST_PARSE_LIMIT = 4 * 1024 * 1024;

export type RestMethod = "GET" | "POST" | "PUT" | "DELETE";

/** A parameter value: scalars, or arrays/objects of them (encoded as `ids[0]=1` in a query string). */
export type RestValue = string | number | boolean | null | RestValue[] | { [key: string]: RestValue };

export interface RestCallSpec {
  method: RestMethod;
  /** Path after the base URL, starting with `/`: `/Contacts/saveorupdate`. */
  path: string;
  /** Parameters: the JSON body of POST/PUT, the query string of GET/DELETE. */
  params?: Record<string, RestValue>;
}

/** What the transport hands over; `send` is injectable for tests. */
export interface RawRequest {
  method: RestMethod;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
}

export interface RawResponse {
  /** null: no answer (timeout, connection error). */
  status: number | null;
  headers: Record<string, string | undefined>;
  body: string;
  /** Timeout or connection error, in words. */
  error: string | null;
  /** The whole request was handed to the connection: a missing answer leaves the outcome unknown. */
  written: boolean;
}

export type RestSend = (req: RawRequest) => Promise<RawResponse>;

export interface RestContext {
  /** `https://api.ontraport.com/1` (no trailing slash needed); the simulator's `<url>/1` in tests. */
  baseUrl: string;
  appId: string;
  apiKey: string;
  timeoutMs?: number;
  send?: RestSend;
  /**
   * Called before every call, e.g. to take a token from the merchant's rate-limit bucket. Answering
   * a number of seconds > 0 stops the sequence before the call with a `rate_limited` outcome (the
   * state keeps what was learned, so the retry resumes there).
   */
  beforeCall?: (call: RestCallSpec) => Promise<number | void> | number | void;
  /** Called after every call with its step (for per-call recording). */
  onStep?: (step: RestStep) => void;
}

export interface RestStep {
  method: RestMethod;
  path: string;
  /** Query parameters sent (GET/DELETE), null otherwise. */
  query: Record<string, RestValue> | null;
  /** JSON body sent (POST/PUT), null otherwise. Never holds the key (a header). */
  requestJson: Record<string, RestValue> | null;
  /** HTTP status; null when no answer came. */
  status: number | null;
  /** First 8 KiB of the answer. */
  responseBody: string;
  /** The answer parsed as JSON, null when it is not JSON. */
  json: unknown;
  durationMs: number;
  /** Timeout or connection error, in words. */
  error: string | null;
  /** The request was written to the connection (an unanswered written call may have been processed). */
  written: boolean;
  rateLimitRemaining: number | null;
  /** Seconds, from `X-Rate-Limit-Reset`. */
  rateLimitReset: number | null;
}

/** PHP `http_build_query`: `ids[0]=1&offer[products][0][id]=11`. */
export function buildQuery(params: Record<string, RestValue>): string {
  const parts: string[] = [];
  const add = (name: string, v: RestValue): void => {
    if (v === null) return;
    if (Array.isArray(v)) v.forEach((x, i) => add(`${name}[${i}]`, x));
    else if (typeof v === "object") for (const [k, x] of Object.entries(v)) add(`${name}[${k}]`, x);
    else parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(typeof v === "boolean" ? (v ? "1" : "0") : String(v))}`);
  };
  for (const [k, v] of Object.entries(params)) add(k, v);
  return parts.join("&");
}

export function urlOf(baseUrl: string, call: RestCallSpec): string {
  const base = baseUrl.replace(/\/+$/, "");
  const path = call.path.startsWith("/") ? call.path : `/${call.path}`;
  const q = hasQuery(call.method) && call.params ? buildQuery(call.params) : "";
  return `${base}${path}${q === "" ? "" : `?${q}`}`;
}

const hasQuery = (m: RestMethod): boolean => m === "GET" || m === "DELETE";

function headerNumber(v: string | undefined): number | null {
  if (v === undefined || v.trim() === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? Math.max(0, n) : null;
}

/** One call; never throws. */
export async function restCall(ctx: RestContext, call: RestCallSpec): Promise<RestStep> {
  const started = performance.now();
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_REST_TIMEOUT_MS;
  const query = hasQuery(call.method) ? (call.params ?? {}) : null;
  const requestJson = hasQuery(call.method) ? null : (call.params ?? {});
  const headers: Record<string, string> = {
    "Api-Appid": ctx.appId,
    "Api-Key": ctx.apiKey,
    Accept: "application/json",
    "User-Agent": USER_AGENT,
  };
  const body = requestJson === null ? null : JSON.stringify(requestJson);
  if (body !== null) headers["Content-Type"] = "application/json";
  let raw: RawResponse;
  try {
    raw = await (ctx.send ?? nodeSend)({ method: call.method, url: urlOf(ctx.baseUrl, call), headers, body, timeoutMs });
  } catch (e) {
    raw = { status: null, headers: {}, body: "", error: `Connection error: ${e instanceof Error ? e.message : String(e)}`, written: false };
  }
  // An answer that echoes the key never keeps it, parsed or not.
  const text = scrub(raw.body, ctx.apiKey);
  const responseBody = text.slice(0, REST_RESPONSE_BODY_LIMIT);
  let json: unknown = null;
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  const step: RestStep = {
    method: call.method,
    path: call.path,
    query,
    requestJson,
    status: raw.status,
    responseBody,
    json,
    durationMs: Math.round(performance.now() - started),
    error: raw.error === null ? null : scrub(raw.error, ctx.apiKey),
    written: raw.written,
    rateLimitRemaining: headerNumber(raw.headers["x-rate-limit-remaining"]),
    rateLimitReset: headerNumber(raw.headers["x-rate-limit-reset"]),
  };
  ctx.onStep?.(step);
  return step;
}

function scrub(text: string, key: string): string {
  return key ? text.split(key).join("[redacted]") : text;
}

// node:http with keep-alive agents (as xml/deliver.ts): an idle socket is closed after 4 s, before a
// server is likely to close it under us. node:http never follows redirects.
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64, timeout: 4_000 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64, timeout: 4_000 }),
};

/** The default transport: node:http(s), keep-alive, timeout, `written` once the body is handed over. */
export function nodeSend(r: RawRequest): Promise<RawResponse> {
  let written = false;
  const failed = (e: unknown): RawResponse => ({ status: null, headers: {}, body: "", error: describeNetworkError(e, r.timeoutMs), written });
  let url: URL;
  try {
    url = new URL(r.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`unsupported protocol ${url.protocol}`);
  } catch (e) {
    return Promise.resolve(failed(e));
  }
  const body = r.body === null ? null : Buffer.from(r.body, "utf8");
  const headers: Record<string, string | number> = { ...r.headers };
  if (body !== null) headers["Content-Length"] = body.length;
  return new Promise<RawResponse>((resolve) => {
    let settled = false;
    const finish = (res: RawResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(res);
    };
    const request = (url.protocol === "https:" ? https : http).request(url, { method: r.method, headers, agent: agents[url.protocol as "http:" | "https:"] }, (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on("data", (c: Buffer) => {
        if (kept >= REST_PARSE_LIMIT) return; // only the first 8 KiB is stored; this much is read to parse the JSON
        chunks.push(c);
        kept += c.length;
      });
      res.on("error", (e) => finish(failed(e)));
      res.on("aborted", () => finish(failed(new Error("the connection closed before the answer ended"))));
      res.on("end", () => {
        const h: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) h[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
        finish({ status: res.statusCode ?? null, headers: h, body: Buffer.concat(chunks).toString("utf8"), error: null, written: true });
      });
    });
    const timer = setTimeout(() => {
      const e = new Error("timeout");
      e.name = "TimeoutError";
      finish(failed(e));
      request.destroy(e);
    }, r.timeoutMs);
    request.on("error", (e) => finish(failed(e)));
    // 'finish': the request was handed to the socket; from here a lost answer leaves the outcome unknown.
    request.on("finish", () => {
      written = true;
    });
    request.end(body ?? undefined);
  });
}

function describeNetworkError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return `No answer within ${timeoutMs / 1000} s (timeout)`;
  const cause = err?.code ?? err?.cause?.code ?? err?.cause?.message;
  return `Connection error: ${cause ?? err?.message ?? String(e)}`;
}
