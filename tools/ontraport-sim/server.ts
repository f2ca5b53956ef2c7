/**
 * The ONTRAPORT simulator: a small node:http server that answers as ONTRAPORT does, per
 * docs/ontraport-xml.md ("The simulator"), plus a subset of the REST API v1 under `/1/`
 * (rest/). Start it in-process with `startSimulator()` (tests) or through `npm run sim`
 * (scripts/sim.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { HANG, LatencySettings, MAX_LATENCY_MS, normalizeLatency } from "./latency";
import { RollingWindowLimiter } from "./rate-limit";
import { BodyError, parseBody, parseFormNested } from "./rest/body";
import { callRest } from "./rest/api";
import { ConditionError, parseCondition } from "./rest/condition";
import { RestStore } from "./rest/store";
import { REST_ACCOUNT_STATES, type RestAccountState, type RestRequestRecord } from "./rest/types";
import { REST_FAULT_TYPE, SimState, keyFingerprint, normalizeFault } from "./state";
import {
  REQ_TYPES,
  isNotificationType,
  type KeyState,
  type NotificationFilter,
  type NotificationRecord,
  type Outcome,
  type ParsedNotification,
  type SimConfig,
} from "./types";
import { AFFILIATE_FIELDS, CONTACT_FIELDS, extractNotification, validateNotification } from "./validate";
import { escapeText, escapeXml, parseXmlDocument } from "./xml";

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 4010;
export const DEFAULT_RATE_LIMIT = 180;
export const DEFAULT_WINDOW_MS = 60_000;
export const DEFAULT_MAX_NOTIFICATIONS = 50_000;
export const DEFAULT_MAX_PIXELS = 50_000;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The message ONTRAPORT answers for a key it does not know. */
export const INVALID_KEY_MESSAGE = "Invalid AppId / Key Combination";
/** The message the simulator answers (403) for a key marked stale. */
export const STALE_KEY_MESSAGE = "API key is no longer valid (stale); generate a new key in ONTRAPORT";
/** The body of a `malformed` fault: a 200 whose body is not XML a parser accepts. */
export const MALFORMED_BODY = "<result><status>Succ";
/** The body of a `malformed` fault on a REST call: a 200 whose body is cut-off JSON. */
export const MALFORMED_JSON_BODY = '{"code":0,"data":{"id":';
/** ONTRAPORT's text for missing or wrong REST credentials (401). */
export const REST_UNAUTHORIZED_MESSAGE = "Your App ID and API Key do not authenticate.";
/** The simulator's text for a REST account marked `forbidden` (403). */
export const REST_FORBIDDEN_MESSAGE = "You do not have permission to perform this action.";

export interface SimulatorOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 4010; 0 picks a free one (use 0 in tests). */
  port?: number;
  /** Keys that are valid from the start. */
  keys?: Iterable<string>;
  /** Requests per key per window; default 180. */
  rateLimit?: number;
  /** Rate-limit window in ms; default 60,000. Lower it, or inject `now`, in tests. */
  windowMs?: number;
  /** Clock (ms since epoch) for the rate limit and `receivedAt`; default Date.now. */
  now?: () => number;
  /** Notifications kept for `/__sim/notifications` (oldest dropped); default 50,000. */
  maxNotifications?: number;
  /** Pixel hits kept; default 50,000. */
  maxPixels?: number;
  /** Largest accepted request body; default 1 MiB (413 beyond). */
  maxBodyBytes?: number;
  /** Every answer waits this long (plus jitter); default 0. `POST /__sim/reset` comes back to it. */
  latencyMs?: number;
  /** Uniform jitter around `latencyMs` (answers wait latencyMs ± jitterMs, never negative); default 0. */
  jitterMs?: number;
  /** Random source in [0, 1) for the jitter; default Math.random (tests may pin it). */
  random?: () => number;
  /** REST accounts (App ID + key) valid from the start. */
  restAccounts?: Iterable<{ appId: string; key: string }>;
}

export interface RunningSimulator {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:4010`. */
  url: string;
  /** The notification endpoint, `${url}/`, as a sender is configured with. */
  endpoint: string;
  /** Base URL of the REST API v1 subset, `${url}/1` (as `https://api.ontraport.com/1`). */
  restUrl: string;
  host: string;
  port: number;
  /** Direct access to the state (tests may read it; the control API is the public way). */
  state: SimState;
  /** Current rate-limit configuration. */
  config(): SimConfig;
  /** Stop listening, cut open connections and cancel delayed answers. */
  close(): Promise<void>;
}

const GIF_1X1 = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
const XML_TYPE = "application/xml; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";
const NOTIFICATION_PATHS = new Set(["/", "/cdata.php", "/pdata.php"]);
const CONTROL_BODY_LIMIT = 64 * 1024;

const INVALID_KEY_BODY = `<error>${INVALID_KEY_MESSAGE}</error>`;

const KEY_READ_BODY =
  "<result><status>Success</status><fields>" +
  `<Group_Tag name="Contact Information">${CONTACT_FIELDS.map((f) => `<field name="${escapeXml(f)}"/>`).join("")}</Group_Tag>` +
  `<Group_Tag name="Affiliate">${AFFILIATE_FIELDS.map((f) => `<field name="${escapeXml(f)}"/>`).join("")}</Group_Tag>` +
  "</fields></result>";

const XML_HEADERS: Readonly<Record<string, string>> = { "Content-Type": XML_TYPE };

/** One request on the notification endpoint, as it is being answered. */
interface Exchange {
  res: ServerResponse;
  path: string;
  receivedAt: string;
  transmissionId: string | null;
  reqType: string;
  data: string;
  fingerprint: string | null;
  /** The `key` form field (for the per-key latency); never recorded. */
  key: string | null;
  keyRead: boolean;
  delayMs: number;
}

/**
 * The first `key`, `reqType` and `data` of a form-encoded body (as URLSearchParams.get would
 * answer), decoded without building the whole parameter list.
 */
export function parseForm(body: string): { key?: string; reqType?: string; data?: string } {
  const out: { key?: string; reqType?: string; data?: string } = {};
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf("&", start);
    if (end < 0) end = body.length;
    const pair = body.slice(start, end);
    const eq = pair.indexOf("=");
    const name = decodeFormPart(eq < 0 ? pair : pair.slice(0, eq));
    if ((name === "key" || name === "reqType" || name === "data") && out[name] === undefined) {
      out[name] = eq < 0 ? "" : decodeFormPart(pair.slice(eq + 1));
    }
    start = end + 1;
  }
  return out;
}

function decodeFormPart(s: string): string {
  const plus = s.includes("+") ? s.replace(/\+/g, " ") : s;
  if (!plus.includes("%")) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    // malformed escapes: fall back to the WHATWG decoder, which keeps them as they are
    return new URLSearchParams(`x=${s}`).get("x") ?? plus;
  }
}

function errorXml(message: string): string {
  return `<error>${escapeText(message)}</error>`;
}

function checkMs(name: string, v: number | undefined): number {
  if (v === undefined) return 0;
  if (!Number.isInteger(v) || v < 0 || v > MAX_LATENCY_MS) throw new RangeError(`${name} must be an integer from 0 to ${MAX_LATENCY_MS}`);
  return v;
}

function hostForUrl(host: string): string {
  if (host.includes(":") && !host.startsWith("[")) return `[${host}]`;
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Read the whole body as UTF-8, refusing more than `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new HttpError(413, `request body larger than ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, `request body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (e) => {
      if (!failed) {
        failed = true;
        reject(e);
      }
    });
  });
}

function queryOf(rawUrl: string): { path: string; query: string } {
  const q = rawUrl.indexOf("?");
  let path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  if (path.startsWith("//")) path = path.replace(/^\/+/, "/");
  return { path, query: q < 0 ? "" : rawUrl.slice(q + 1) };
}

function parseLenient(data: string): ParsedNotification | null {
  if (data === "") return null;
  const doc = parseXmlDocument(data);
  if (!doc.ok) return null;
  try {
    return extractNotification(doc.root);
  } catch {
    return null;
  }
}

export function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = opts.host ?? DEFAULT_HOST;
  const now = opts.now ?? Date.now;
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const initialConfig: SimConfig = {
    rateLimit: opts.rateLimit ?? DEFAULT_RATE_LIMIT,
    windowMs: opts.windowMs ?? DEFAULT_WINDOW_MS,
  };
  const limiter = new RollingWindowLimiter(initialConfig.rateLimit, initialConfig.windowMs, now);
  const state = new SimState({
    keys: opts.keys ?? [],
    maxNotifications: opts.maxNotifications ?? DEFAULT_MAX_NOTIFICATIONS,
    maxPixels: opts.maxPixels ?? DEFAULT_MAX_PIXELS,
    maxTransmissionIds: Math.max(200_000, (opts.maxNotifications ?? DEFAULT_MAX_NOTIFICATIONS) * 4),
  });
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;
  const latency = new LatencySettings(
    { baseMs: checkMs("latencyMs", opts.latencyMs), jitterMs: checkMs("jitterMs", opts.jitterMs), hang: false },
    opts.random ?? Math.random,
  );

  const isoNow = (): string => new Date(now()).toISOString();
  const rest = new RestStore(opts.restAccounts ?? [], opts.maxNotifications ?? DEFAULT_MAX_NOTIFICATIONS);

  function config(): SimConfig {
    const c = limiter.config;
    return { rateLimit: c.limit, windowMs: c.windowMs };
  }

  function later(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closing) fn();
    }, ms);
    t.unref();
    timers.add(t);
  }

  /**
   * Answer after the fault delay plus the latency for `key`; a hanging key never answers (the
   * connection stays open until the client gives up or the simulator closes).
   */
  function answerLater(key: string | null, faultDelayMs: number, fn: () => void): void {
    const extra = latency.delayFor(key);
    if (extra === HANG) return;
    later(faultDelayMs + extra, fn);
  }

  function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string | number>): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { "Content-Length": Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  function sendJson(res: ServerResponse, status: number, value: unknown): void {
    send(res, status, JSON.stringify(value), { "Content-Type": JSON_TYPE, "Cache-Control": "no-store" });
  }

  // ---- notification endpoint ---------------------------------------------------------------

  /** Count, record and answer one request on the notification endpoint. */
  function finish(
    x: Exchange,
    outcome: Outcome,
    status: number,
    responseBody: string,
    headers: Record<string, string | number> | null,
    error: string | null,
    parsed?: ParsedNotification | null,
    resultId: string | null = null,
    duplicate = false,
    duplicateFact = false,
  ): void {
    if (!x.keyRead) {
      const s = state.stats;
      if (outcome === "delivered") s.delivered++;
      else if (outcome === "rejected") s.rejected++;
      else if (outcome === "unauthorized" || outcome === "stale_key") s.unauthorized++;
      else if (outcome === "rate_limited") s.rateLimited++;
      else if (outcome === "fault") s.faulted++;
      else s.badRequests++;
      const rec: NotificationRecord = {
        seq: state.nextNotificationSeq(),
        receivedAt: x.receivedAt,
        reqType: x.reqType,
        keyFingerprint: x.fingerprint,
        transmissionId: x.transmissionId,
        data: x.data,
        parsed: parsed !== undefined ? parsed : parseLenient(x.data),
        outcome,
        httpStatus: status,
        error,
        resultId,
        duplicate,
        duplicateFact,
        path: x.path,
      };
      state.record(rec);
    }
    const { res } = x;
    if (status === 0) {
      answerLater(x.key, x.delayMs, () => res.socket?.destroy());
      return;
    }
    const h = headers === null ? XML_HEADERS : { "Content-Type": XML_TYPE, ...headers };
    answerLater(x.key, x.delayMs, () => send(res, status, responseBody, h));
  }

  function handleNotification(req: IncomingMessage, res: ServerResponse, path: string): void {
    const transmissionHeader = req.headers["x-transmission-id"];
    const x: Exchange = {
      res,
      path,
      receivedAt: isoNow(),
      transmissionId: typeof transmissionHeader === "string" ? transmissionHeader : null,
      reqType: "",
      data: "",
      fingerprint: null,
      key: null,
      keyRead: false,
      delayMs: 0,
    };
    const contentType = req.headers["content-type"] ?? "";
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      req.resume();
      state.stats.received++;
      const message = "Content-Type must be application/x-www-form-urlencoded (fields key, reqType, data)";
      finish(x, "bad_request", 415, errorXml(message), null, message, null);
      return;
    }
    readBody(req, maxBody).then(
      (body) => answerNotification(x, body),
      (e: unknown) => {
        if (e instanceof HttpError) {
          state.stats.received++;
          finish(x, "bad_request", e.status, errorXml(e.message), { Connection: "close" }, e.message, null);
        } else {
          req.socket.destroy();
        }
      },
    );
  }

  function answerNotification(x: Exchange, body: string): void {
    const form = parseForm(body);
    const key = form.key;
    x.reqType = form.reqType ?? "";
    x.data = form.data ?? "";
    x.keyRead = x.reqType === "key";
    x.fingerprint = key === undefined || key === "" ? null : state.fingerprint(key);
    x.key = key ?? null;
    if (x.keyRead) state.stats.keyReads++;
    else state.stats.received++;

    const fault = state.takeFault(x.reqType);
    if (fault !== undefined) {
      x.delayMs = fault.delayMs ?? 0;
      if (fault.drop) {
        finish(x, "fault", 0, "", null, "fault: connection dropped");
        return;
      }
      if (fault.malformed) {
        finish(x, "fault", 200, MALFORMED_BODY, null, "fault: malformed body");
        return;
      }
      if (fault.status !== undefined) {
        const status = fault.status;
        const headers = status === 429 ? { "X-Rate-Limit-Limit": limiter.config.limit, "X-Rate-Limit-Remaining": 0, "X-Rate-Limit-Reset": 1 } : null;
        const message = `Simulated fault: HTTP ${status}`;
        finish(x, "fault", status, errorXml(message), headers, `fault: ${message}`);
        return;
      }
      // delay only: answer normally, later
    }

    const keyState = key === undefined || key === "" ? undefined : state.keyState(key);
    if (key === undefined || keyState === undefined) {
      finish(x, "unauthorized", 401, INVALID_KEY_BODY, null, INVALID_KEY_MESSAGE);
      return;
    }
    if (keyState === "stale") {
      finish(x, "stale_key", 403, errorXml(STALE_KEY_MESSAGE), null, STALE_KEY_MESSAGE);
      return;
    }
    const decision = limiter.hit(key);
    if (!decision.allowed) {
      const message = `Rate limit exceeded: ${decision.limit} requests per ${Math.round(limiter.config.windowMs / 1000)} s; retry in ${decision.resetSeconds} s`;
      const headers = {
        "X-Rate-Limit-Limit": decision.limit,
        "X-Rate-Limit-Remaining": 0,
        "X-Rate-Limit-Reset": decision.resetSeconds,
      };
      finish(x, "rate_limited", 429, errorXml(message), headers, message);
      return;
    }
    const headers = { "X-Rate-Limit-Limit": decision.limit, "X-Rate-Limit-Remaining": decision.remaining };

    if (x.keyRead) {
      finish(x, "delivered", 200, KEY_READ_BODY, headers, null);
      return;
    }
    const reqType = x.reqType;
    if (!isNotificationType(reqType)) {
      const message =
        reqType === ""
          ? `reqType is missing (expected one of ${REQ_TYPES.join(", ")})`
          : `unknown reqType "${reqType}" (expected one of ${REQ_TYPES.join(", ")})`;
      finish(x, "rejected", 200, errorXml(message), headers, message);
      return;
    }
    const result = validateNotification(reqType, x.data);
    if (!result.ok) {
      finish(x, "rejected", 200, errorXml(result.error), headers, result.error, result.parsed);
      return;
    }
    const resultId = state.nextResultId();
    const duplicate = state.markDelivered(x.transmissionId);
    if (duplicate) state.stats.duplicates++;
    const duplicateFact = !duplicate && state.markFact(reqType, result.parsed, x.data);
    if (duplicateFact) state.stats.duplicateFacts++;
    const answer = `<result><status>Success</status><id>${resultId}</id></result>`;
    finish(x, "delivered", 200, answer, headers, null, result.parsed, resultId, duplicate, duplicateFact);
  }

  // ---- REST API v1 ------------------------------------------------------------------------

  function restHeaders(appId: string | null): Record<string, string | number> {
    const h: Record<string, string | number> = { "Content-Type": JSON_TYPE };
    const w = limiter.peek(`rest\u0000${appId ?? ""}`);
    h["X-Rate-Limit-Limit"] = w.limit;
    h["X-Rate-Limit-Remaining"] = w.remaining;
    h["X-Rate-Limit-Reset"] = w.resetSeconds;
    return h;
  }

  function handleRest(req: IncomingMessage, res: ServerResponse, path: string, query: string): void {
    const method = (req.method ?? "GET").toUpperCase();
    const appHeader = req.headers["api-appid"];
    const keyHeader = req.headers["api-key"];
    const appId = typeof appHeader === "string" && appHeader !== "" ? appHeader : null;
    const apiKey = typeof keyHeader === "string" && keyHeader !== "" ? keyHeader : null;
    const contentType = req.headers["content-type"] ?? "";
    const rec: RestRequestRecord = {
      seq: 0,
      receivedAt: isoNow(),
      method,
      path,
      query: parseFormNested(query),
      body: null,
      status: 0,
      response: null,
      appIdFingerprint: appId === null ? null : keyFingerprint(appId),
    };
    const answer = (status: number, body: unknown, headers: Record<string, string | number>, delayMs = 0, faulted = false): void => {
      const c = rest.counters;
      c.requests++;
      if (faulted) c.faulted++;
      else if (status === 401 || status === 403) c.unauthorized++;
      else if (status === 429) c.rateLimited++;
      else if (status >= 200 && status < 300) c.ok++;
      else c.failed++;
      rec.seq = rest.nextRequestSeq();
      rec.status = status;
      rec.response = body;
      rest.record(rec);
      if (status === 0) {
        answerLater(appId, delayMs, () => res.socket?.destroy());
        return;
      }
      const text = typeof body === "string" ? body : JSON.stringify(body);
      answerLater(appId, delayMs, () => send(res, status, text, headers));
    };
    readBody(req, maxBody).then(
      (text) => {
        let params: Record<string, unknown> = { ...rec.query };
        let bodyError: string | null = null;
        if (text !== "") {
          try {
            const decoded = parseBody(contentType, text);
            rec.body = decoded;
            params = { ...params, ...decoded };
          } catch (e) {
            rec.body = text;
            bodyError = e instanceof BodyError ? e.message : String(e);
          }
        }
        const fault = state.takeFault(REST_FAULT_TYPE);
        let delayMs = 0;
        if (fault !== undefined) {
          delayMs = fault.delayMs ?? 0;
          if (fault.drop) return answer(0, null, {}, delayMs, true);
          if (fault.malformed) return answer(200, MALFORMED_JSON_BODY, restHeaders(appId), delayMs, true);
          if (fault.status !== undefined) {
            const h = restHeaders(appId);
            if (fault.status === 429) Object.assign(h, { "X-Rate-Limit-Remaining": 0, "X-Rate-Limit-Reset": 1 });
            return answer(fault.status, { code: 1, message: `Simulated fault: HTTP ${fault.status}` }, h, delayMs, true);
          }
        }
        const account = appId === null ? undefined : rest.account(appId);
        if (account === undefined || apiKey === null || account.key !== apiKey || account.state === "stale") {
          return answer(401, { code: 1, message: REST_UNAUTHORIZED_MESSAGE }, restHeaders(appId), delayMs);
        }
        if (account.state === "forbidden") {
          return answer(403, { code: 1, message: REST_FORBIDDEN_MESSAGE }, restHeaders(appId), delayMs);
        }
        const decision = limiter.hit(`rest\u0000${account.appId}`);
        if (!decision.allowed) {
          const h = restHeaders(appId);
          h["X-Rate-Limit-Remaining"] = 0;
          h["X-Rate-Limit-Reset"] = decision.resetSeconds;
          const message = `Too Many Requests - You have exceeded your maximum rate limit of ${decision.limit} requests per minute`;
          return answer(429, { code: 1, message }, h, delayMs);
        }
        if (bodyError !== null) return answer(400, { code: 1, message: bodyError }, restHeaders(appId), delayMs);
        let result: ReturnType<typeof callRest>;
        try {
          result = callRest({ method, path: path.slice("/1".length), params, account, now: now() });
        } catch (e) {
          result = { status: 500, body: { code: 1, message: `simulator error: ${e instanceof Error ? e.message : String(e)}` } };
        }
        return answer(result.status, result.body, restHeaders(appId), delayMs);
      },
      (e: unknown) => {
        if (e instanceof HttpError) answer(e.status, { code: 1, message: e.message }, { ...restHeaders(appId), Connection: "close" });
        else req.socket.destroy();
      },
    );
  }

  // ---- pixel ---------------------------------------------------------------------------------

  function handlePixel(req: IncomingMessage, res: ServerResponse, query: string): void {
    if (req.method === "GET") state.recordPixel(isoNow(), query);
    const headers = { "Content-Type": "image/gif", "Content-Length": GIF_1X1.length, "Cache-Control": "no-store" };
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : GIF_1X1);
  }

  // ---- control API ---------------------------------------------------------------------------

  async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
    const text = await readBody(req, CONTROL_BODY_LIMIT);
    if (text.trim() === "") return {};
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new HttpError(400, "body is not valid JSON");
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new HttpError(400, "body must be a JSON object");
    return value as Record<string, unknown>;
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    const route = path.slice("/__sim/".length).replace(/\/+$/, "");
    const method = req.method ?? "GET";
    const allow = (...methods: string[]): boolean => {
      if (methods.includes(method)) return true;
      res.setHeader("Allow", methods.join(", "));
      sendJson(res, 405, { error: `${method} not allowed on /__sim/${route}; use ${methods.join(" or ")}` });
      return false;
    };
    try {
      switch (route) {
        case "reset": {
          if (!allow("POST")) return;
          const body = await readJson(req);
          const all = body.all === true;
          state.reset({ keys: all });
          rest.reset({ accounts: all });
          limiter.clear();
          latency.reset();
          if (all) {
            limiter.setLimit(initialConfig.rateLimit);
            limiter.setWindowMs(initialConfig.windowMs);
          }
          sendJson(res, 200, { ok: true });
          return;
        }
        case "keys": {
          if (!allow("GET", "POST")) return;
          if (method === "GET") {
            sendJson(res, 200, state.listKeys());
            return;
          }
          const body = await readJson(req);
          const key = body.key;
          const st = body.state ?? "valid";
          if (typeof key !== "string" || key === "") throw new HttpError(400, 'key must be a non-empty string');
          if (st !== "valid" && st !== "stale") throw new HttpError(400, 'state must be "valid" or "stale"');
          state.setKey(key, st as KeyState);
          sendJson(res, 200, { fingerprint: state.fingerprint(key), state: st });
          return;
        }
        case "faults": {
          if (!allow("GET", "POST", "DELETE")) return;
          if (method === "POST") {
            const body = await readJson(req);
            try {
              state.addFault(normalizeFault(body));
            } catch (e) {
              throw new HttpError(400, e instanceof Error ? e.message : String(e));
            }
          } else if (method === "DELETE") {
            state.clearFaults();
          }
          sendJson(res, 200, state.pendingFaults());
          return;
        }
        case "notifications": {
          if (!allow("GET")) return;
          const p = new URLSearchParams(query);
          const filter: NotificationFilter = {};
          const reqType = p.get("reqType");
          const orderId = p.get("orderId");
          const transmissionId = p.get("transmissionId");
          const outcome = p.get("outcome");
          if (reqType !== null) filter.reqType = reqType;
          if (orderId !== null) filter.orderId = orderId;
          if (transmissionId !== null) filter.transmissionId = transmissionId;
          if (outcome !== null) filter.outcome = outcome as Outcome;
          const accepted = p.get("accepted");
          if (accepted !== null) {
            if (accepted !== "true" && accepted !== "false") throw new HttpError(400, 'accepted must be "true" or "false"');
            filter.accepted = accepted === "true";
          }
          const limit = p.get("limit");
          if (limit !== null) {
            if (!/^\d+$/.test(limit)) throw new HttpError(400, "limit must be a whole number");
            filter.limit = Number(limit);
          }
          sendJson(res, 200, state.listNotifications(filter));
          return;
        }
        case "latency": {
          if (!allow("GET", "POST", "DELETE")) return;
          if (method === "POST") {
            const body = await readJson(req);
            let parsed: ReturnType<typeof normalizeLatency>;
            try {
              parsed = normalizeLatency(body);
            } catch (e) {
              throw new HttpError(400, e instanceof Error ? e.message : String(e));
            }
            latency.set(parsed.key, parsed.setting);
          } else if (method === "DELETE") {
            latency.clear();
          }
          sendJson(res, 200, latency.info());
          return;
        }
        case "rest/accounts": {
          if (!allow("GET", "POST")) return;
          if (method === "GET") {
            sendJson(res, 200, rest.listAccounts());
            return;
          }
          const body = await readJson(req);
          for (const k of Object.keys(body)) {
            if (k !== "appId" && k !== "key" && k !== "state") throw new HttpError(400, `unknown account field "${k}" (known: appId, key, state)`);
          }
          const { appId, key } = body;
          const st = body.state ?? "valid";
          if (typeof appId !== "string" || appId === "") throw new HttpError(400, "appId must be a non-empty string");
          if (typeof key !== "string" || key === "") throw new HttpError(400, "key must be a non-empty string");
          if (typeof st !== "string" || !(REST_ACCOUNT_STATES as readonly string[]).includes(st)) {
            throw new HttpError(400, 'state must be "valid", "stale" or "forbidden"');
          }
          sendJson(res, 200, rest.setAccount(appId, key, st as RestAccountState));
          return;
        }
        case "rest/stats": {
          if (!allow("GET")) return;
          sendJson(res, 200, rest.stats());
          return;
        }
        case "rest/requests": {
          if (!allow("GET")) return;
          const p = new URLSearchParams(query);
          const path = p.get("path");
          const appId = p.get("appId");
          sendJson(res, 200, rest.listRequests({ ...(path === null ? {} : { path }), ...(appId === null ? {} : { appId }) }));
          return;
        }
        case "pixels": {
          if (!allow("GET")) return;
          const orderId = new URLSearchParams(query).get("orderId");
          sendJson(res, 200, state.listPixels(orderId === null ? {} : { orderId }));
          return;
        }
        case "stats": {
          if (!allow("GET")) return;
          sendJson(res, 200, state.stats);
          return;
        }
        case "config": {
          if (!allow("GET", "POST")) return;
          if (method === "POST") {
            const body = await readJson(req);
            for (const k of Object.keys(body)) {
              if (k !== "rateLimit" && k !== "windowMs") throw new HttpError(400, `unknown config field "${k}" (known: rateLimit, windowMs)`);
            }
            const { rateLimit, windowMs } = body;
            const isPos = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 1;
            if (rateLimit !== undefined && !isPos(rateLimit)) throw new HttpError(400, "rateLimit must be a positive integer");
            if (windowMs !== undefined && !isPos(windowMs)) throw new HttpError(400, "windowMs must be a positive integer");
            if (isPos(rateLimit)) limiter.setLimit(rateLimit);
            if (isPos(windowMs)) limiter.setWindowMs(windowMs);
          }
          sendJson(res, 200, config());
          return;
        }
        default:
          if (route.startsWith("rest/objects/")) {
            if (!allow("GET")) return;
            const idText = route.slice("rest/objects/".length);
            if (!/^\d+$/.test(idText)) throw new HttpError(400, "objectID must be a whole number");
            const p = new URLSearchParams(query);
            let where;
            try {
              where = parseCondition(p.get("condition") ?? undefined);
            } catch (e) {
              if (e instanceof ConditionError) throw new HttpError(400, `bad condition: ${e.message}`);
              throw e;
            }
            sendJson(res, 200, { data: rest.objects(Number(idText), where, p.get("appId") ?? undefined) });
            return;
          }
          sendJson(res, 404, {
            error: `unknown control route /__sim/${route}; known: reset, keys, faults, latency, notifications, pixels, stats, config, rest/accounts, rest/requests, rest/objects/<objectID>, rest/stats`,
          });
      }
    } catch (e) {
      if (e instanceof HttpError) sendJson(res, e.status, { error: e.message });
      else sendJson(res, 500, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  // ---- routing -------------------------------------------------------------------------------

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const { path, query } = queryOf(req.url ?? "/");
    const method = req.method ?? "GET";
    if (path.startsWith("/__sim/")) {
      void handleControl(req, res, path, query);
      return;
    }
    if (path === "/1" || path.startsWith("/1/")) {
      try {
        handleRest(req, res, path, query);
      } catch (e) {
        sendJson(res, 500, { code: 1, message: e instanceof Error ? e.message : String(e) });
      }
      return;
    }
    if (NOTIFICATION_PATHS.has(path)) {
      if (method === "POST") {
        try {
          handleNotification(req, res, path);
        } catch (e) {
          send(res, 500, errorXml(e instanceof Error ? e.message : String(e)), XML_HEADERS);
        }
        return;
      }
      req.resume();
      send(res, 405, errorXml("POST the notification form (key, reqType, data) to this endpoint"), {
        "Content-Type": XML_TYPE,
        Allow: "POST",
      });
      return;
    }
    if (path === "/p" && (method === "GET" || method === "HEAD")) {
      req.resume();
      handlePixel(req, res, query);
      return;
    }
    req.resume();
    send(res, 404, errorXml(`not found: ${method} ${path}`), { "Content-Type": XML_TYPE });
  }

  const server: Server = createServer({ keepAliveTimeout: 30_000 }, handle);
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? DEFAULT_PORT, host, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : (opts.port ?? DEFAULT_PORT);
      const url = `http://${hostForUrl(host)}:${port}`;
      resolve({
        url,
        endpoint: `${url}/`,
        restUrl: `${url}/1`,
        host,
        port,
        state,
        config,
        close: () =>
          new Promise<void>((done) => {
            closing = true;
            for (const t of timers) clearTimeout(t);
            timers.clear();
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
