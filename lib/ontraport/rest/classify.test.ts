import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { classifyStep, ONTRAPORT_UNAUTHORIZED_TEXT } from "./classify";
import { buildQuery, restCall, type RawRequest, type RestStep } from "./http";

const step = (over: Partial<RestStep>): RestStep => {
  const s: RestStep = {
    method: "POST",
    path: "/transaction/processManual",
    query: null,
    requestJson: {},
    status: 200,
    responseBody: "",
    json: null,
    durationMs: 3,
    error: null,
    written: true,
    rateLimitRemaining: null,
    rateLimitReset: null,
    ...over,
  };
  if (over.json !== undefined && over.responseBody === undefined) s.responseBody = JSON.stringify(over.json);
  return s;
};

describe("classifyStep", () => {
  it("200 with code 0 is delivered", () => {
    expect(classifyStep(step({ json: { code: 0, data: { invoice_id: "1" }, account_id: "1" } }))).toEqual({ kind: "delivered" });
    expect(classifyStep(step({ json: { code: "0", data: [] } }))).toEqual({ kind: "delivered" });
  });

  it("401 and 403 are a stale key, with ONTRAPORT's text", () => {
    const o = classifyStep(step({ status: 401, json: { code: 1, message: ONTRAPORT_UNAUTHORIZED_TEXT } }));
    expect(o.kind).toBe("stale_key");
    expect(o.kind === "stale_key" && o.message).toContain(ONTRAPORT_UNAUTHORIZED_TEXT);
    // A plain-text 401 body (whether ONTRAPORT's is JSON is not known) is read too.
    const plain = classifyStep(step({ status: 401, responseBody: ONTRAPORT_UNAUTHORIZED_TEXT }));
    expect(plain.kind === "stale_key" && plain.message).toContain(ONTRAPORT_UNAUTHORIZED_TEXT);
    expect(classifyStep(step({ status: 403, json: { code: 1, message: "no permission" } })).kind).toBe("stale_key");
  });

  it("429 is rate limited for X-Rate-Limit-Reset seconds (60 without the header)", () => {
    expect(classifyStep(step({ status: 429, rateLimitReset: 17 }))).toEqual({ kind: "rate_limited", resetSeconds: 17 });
    expect(classifyStep(step({ status: 429 }))).toEqual({ kind: "rate_limited", resetSeconds: 60 });
  });

  it("5xx, 408 and no connection before the write are transient; written but unanswered is unknown", () => {
    expect(classifyStep(step({ status: 500, json: { code: 1, message: "boom" } })).kind).toBe("transient");
    expect(classifyStep(step({ status: 503 })).kind).toBe("transient");
    expect(classifyStep(step({ status: 408 })).kind).toBe("transient");
    expect(classifyStep(step({ status: null, written: false, error: "Connection error: ECONNREFUSED" }))).toEqual({
      kind: "transient",
      message: "POST /1/transaction/processManual: Connection error: ECONNREFUSED",
    });
    const u = classifyStep(step({ status: null, written: true, error: "No answer within 15 s (timeout)" }));
    expect(u.kind).toBe("unknown");
    expect(u.kind === "unknown" && u.message).toContain("may have processed it");
  });

  it("a read (GET) without a readable answer is transient: it changed nothing", () => {
    expect(classifyStep(step({ method: "GET", path: "/Transactions", status: null, written: true, error: "timeout" })).kind).toBe("transient");
    expect(classifyStep(step({ method: "GET", path: "/Transactions", responseBody: "<html>" })).kind).toBe("transient");
  });

  it("400/404/422 are rejected with the message; other 4xx and redirects are bad requests", () => {
    expect(classifyStep(step({ status: 400, json: { code: 1, message: "contact_id is required" } }))).toEqual({
      kind: "rejected",
      message: "POST /1/transaction/processManual: ONTRAPORT answered 400: contact_id is required",
    });
    expect(classifyStep(step({ status: 404, json: { code: 1, message: "Object not found" } })).kind).toBe("rejected");
    expect(classifyStep(step({ status: 422, json: { code: 1, message: "Invalid email" } })).kind).toBe("rejected");
    expect(classifyStep(step({ status: 405 })).kind).toBe("bad_request");
    expect(classifyStep(step({ status: 301 })).kind).toBe("bad_request");
  });

  it("a 2xx that is not ONTRAPORT's JSON is unknown (it may have been processed); code other than 0 is rejected", () => {
    expect(classifyStep(step({ responseBody: '{"code":0,"data":{"id":' })).kind).toBe("unknown");
    expect(classifyStep(step({ responseBody: "" })).kind).toBe("unknown");
    expect(classifyStep(step({ json: { code: 1, message: "nope" } })).kind).toBe("rejected");
  });
});

describe("buildQuery", () => {
  it("encodes like PHP's http_build_query", () => {
    expect(buildQuery({ objectID: 0, ids: [812], remove_names: ["A b", "c&d"] })).toBe("objectID=0&ids%5B0%5D=812&remove_names%5B0%5D=A%20b&remove_names%5B1%5D=c%26d");
    expect(buildQuery({ flag: true, none: null, o: { a: 1 } })).toBe("flag=1&o%5Ba%5D=1");
  });
});

describe("restCall", () => {
  it("sends the credentials as headers, JSON for POST and the query for GET, and never keeps the key", async () => {
    const seen: RawRequest[] = [];
    const send = async (r: RawRequest) => {
      seen.push(r);
      return { status: 200, headers: { "x-rate-limit-remaining": "179", "x-rate-limit-reset": "60" }, body: '{"code":0,"data":{"id":"1"},"echo":"secret-key"}', error: null, written: true };
    };
    const ctx = { baseUrl: "http://example.invalid/1/", appId: "app", apiKey: "secret-key", send };
    const post = await restCall(ctx, { method: "POST", path: "/Contacts/saveorupdate", params: { email: "a@b.c" } });
    expect(seen[0]).toMatchObject({ method: "POST", url: "http://example.invalid/1/Contacts/saveorupdate", body: '{"email":"a@b.c"}' });
    expect(seen[0]?.headers).toMatchObject({ "Api-Appid": "app", "Api-Key": "secret-key", "Content-Type": "application/json" });
    expect(post).toMatchObject({ status: 200, requestJson: { email: "a@b.c" }, query: null, rateLimitRemaining: 179, rateLimitReset: 60, written: true });
    expect(JSON.stringify(post)).not.toContain("secret-key");
    const get = await restCall(ctx, { method: "GET", path: "/objects", params: { objectID: 0, range: 1 } });
    expect(seen[1]).toMatchObject({ method: "GET", url: "http://example.invalid/1/objects?objectID=0&range=1", body: null });
    expect(get.query).toEqual({ objectID: 0, range: 1 });
  });

  it("over node:http: keeps the first 8 KiB, does not follow redirects, times out as unknown once written", async () => {
    const server = http.createServer((req, res) => {
      if (req.url?.startsWith("/1/big")) {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ code: 0, data: "x".repeat(20_000) }));
      } else if (req.url?.startsWith("/1/redirect")) {
        res.writeHead(302, { Location: "http://127.0.0.1:1/elsewhere" });
        res.end();
      } else {
        req.resume(); // never answers
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/1`;
    const ctx = { baseUrl: base, appId: "a", apiKey: "k", timeoutMs: 10_000 };
    try {
      const big = await restCall(ctx, { method: "GET", path: "/big" });
      expect(big.responseBody.length).toBe(8 * 1024);
      expect(classifyStep(big).kind).toBe("delivered");
      const redirect = await restCall(ctx, { method: "GET", path: "/redirect" });
      expect(redirect.status).toBe(302);
      expect(classifyStep(redirect).kind).toBe("bad_request");
      const hung = await restCall({ ...ctx, timeoutMs: 300 }, { method: "POST", path: "/hang", params: { a: 1 } });
      expect(hung).toMatchObject({ status: null, written: true });
      expect(classifyStep(hung).kind).toBe("unknown");
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
    const refused = await restCall({ ...ctx, baseUrl: "http://127.0.0.1:1/1" }, { method: "POST", path: "/x", params: {} });
    expect(refused.written).toBe(false);
    expect(classifyStep(refused).kind).toBe("transient");
  });
});
