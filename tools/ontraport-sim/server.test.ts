import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { withSimulator } from "@/tools/testing/simulator";
import { SimClient } from "./client";
import { SAMPLES, SAMPLE_REFUND, SAMPLE_REFUND_ADJUSTMENT, SAMPLE_SALE } from "./samples";
import { INVALID_KEY_MESSAGE, MALFORMED_BODY, startSimulator } from "./server";
import { keyFingerprint } from "./state";
import { httpRequest, postNotification, type PostOptions } from "./test-helpers";
import { NOTIFICATION_TYPES } from "./types";

const KEY = "test-key-1";
const START = Date.parse("2026-11-25T17:00:00.000Z");
let t = START;
const h = withSimulator({ port: 0, keys: [KEY], now: () => t }, {
  beforeReset: () => {
    t = START;
  },
});

const post = (o: PostOptions) => postNotification(h.sim.url, { key: KEY, ...o });
const sale = (o: PostOptions = {}) => post({ reqType: "sale", data: SAMPLE_SALE, ...o });

describe("start-up", () => {
  it("listens on an ephemeral port and reports its URL", () => {
    expect(h.sim.port).toBeGreaterThan(0);
    expect(h.sim.url).toBe(`http://127.0.0.1:${h.sim.port}`);
    expect(h.sim.endpoint).toBe(`${h.sim.url}/`);
  });
});

describe("response table", () => {
  it.each(NOTIFICATION_TYPES)("2xx Success for the contract's %s sample, with rate headers", async (type) => {
    const res = await post({ reqType: type, data: SAMPLES[type], transmissionId: `tx-${type}` });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/xml; charset=utf-8");
    expect(res.text).toMatch(/^<result><status>Success<\/status><id>\d+<\/id><\/result>$/);
    expect(res.headers["x-rate-limit-limit"]).toBe("180");
    expect(res.headers["x-rate-limit-remaining"]).toBe("179");
    expect(res.headers["x-rate-limit-reset"]).toBeUndefined();
  });

  it("2xx Success for a price adjustment refund, <error> when it has lines too", async () => {
    const ok = await post({ reqType: "refund", data: SAMPLE_REFUND_ADJUSTMENT, transmissionId: "adj-1" });
    expect(ok.text).toMatch(/^<result><status>Success<\/status>/);
    const [rec] = await h.client.notifications({ transmissionId: "adj-1" });
    expect(rec?.parsed).toMatchObject({ refundId: "R-5522", adjustment: "10.00", amount: "10.80" });
    const both = SAMPLE_REFUND_ADJUSTMENT.replace(
      "<adjustment>",
      '<purchase product_name="Red Shirt" item_id="SHIRT-RED" quantity="1" total="19.95"/><adjustment>',
    );
    const bad = await post({ reqType: "refund", data: both });
    expect(bad.status).toBe(200);
    expect(bad.text).toBe("<error>refund: refund has both &lt;purchase&gt; lines and an &lt;adjustment&gt;: send one or the other</error>");
  });

  it("2xx <error> for bad content, naming what is wrong", async () => {
    const res = await sale({ data: SAMPLE_SALE.replace('<order id="DEMO-10042" ', "<order ") });
    expect(res.status).toBe(200);
    expect(res.text).toBe('<error>sale: order is missing required attribute "id"</error>');
    expect(res.headers["x-rate-limit-remaining"]).toBe("179");
  });

  it("2xx <error> for malformed XML and escapes the message", async () => {
    const res = await sale({ data: SAMPLE_SALE.replace("</purchases>", "") });
    expect(res.status).toBe(200);
    expect(res.text.startsWith("<error>sale: malformed XML: ")).toBe(true);
    expect(XMLValidator.validate(res.text)).toBe(true);
  });

  it("2xx <error> for an unknown or missing reqType", async () => {
    const unknown = await post({ reqType: "order", data: SAMPLE_SALE });
    expect(unknown.status).toBe(200);
    expect(unknown.text).toBe('<error>unknown reqType "order" (expected one of key, sale, refund, auto_order_status, affiliate)</error>');
    const missing = await post({ data: SAMPLE_SALE });
    expect(missing.text).toContain("<error>reqType is missing");
  });

  it("401 for an unknown or missing key", async () => {
    for (const key of ["nope", ""]) {
      const res = await sale({ key });
      expect(res.status).toBe(401);
      expect(res.text).toBe(`<error>${INVALID_KEY_MESSAGE}</error>`);
    }
    const none = await postNotification(h.sim.url, { reqType: "sale", data: SAMPLE_SALE });
    expect(none.status).toBe(401);
  });

  it("403 for a stale key, and 200 again once it is valid", async () => {
    await h.client.setKey(KEY, "stale");
    const stale = await sale();
    expect(stale.status).toBe(403);
    expect(stale.text).toMatch(/^<error>.*stale.*<\/error>$/);
    expect((await post({ reqType: "key", data: "" })).status).toBe(403);
    await h.client.setKey(KEY, "valid");
    expect((await sale()).status).toBe(200);
  });

  it("a key added at run time works at once", async () => {
    expect((await sale({ key: "new-key" })).status).toBe(401);
    await h.client.setKey("new-key", "valid");
    expect((await sale({ key: "new-key" })).status).toBe(200);
  });

  it("reqType=key answers the contact field names and is not a notification", async () => {
    const res = await post({ reqType: "key", data: "", transmissionId: "tc-1" });
    expect(res.status).toBe(200);
    expect(res.text).toContain("<result><status>Success</status><fields>");
    expect(res.text).toContain('<field name="Email"/>');
    expect(res.text).toContain('<field name="Affiliate Approved"/>');
    expect(XMLValidator.validate(res.text)).toBe(true);
    await post({ reqType: "key", data: "", transmissionId: "tc-1" });
    const stats = await h.client.stats();
    expect(stats).toMatchObject({ received: 0, delivered: 0, duplicates: 0, keyReads: 2 });
    expect(await h.client.notifications()).toEqual([]);
  });

  it("accepts the legacy paths /cdata.php and /pdata.php", async () => {
    expect((await sale({ path: "/cdata.php" })).status).toBe(200);
    expect((await sale({ path: "/pdata.php" })).status).toBe(200);
    expect((await h.client.notifications()).map((n) => n.path)).toEqual(["/cdata.php", "/pdata.php"]);
  });
});

describe("rate limit", () => {
  it("answers 429 with Limit, Remaining 0 and Reset once the window is full, and frees it as it rolls", async () => {
    await h.client.setConfig({ rateLimit: 3 });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await sale();
      expect(res.status).toBe(200);
      remaining.push(res.headers["x-rate-limit-remaining"] ?? "");
      t += 10_000; // requests at 0 s, 10 s, 20 s
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    t = START + 25_000;
    const limited = await sale();
    expect(limited.status).toBe(429);
    expect(limited.headers["x-rate-limit-limit"]).toBe("3");
    expect(limited.headers["x-rate-limit-remaining"]).toBe("0");
    expect(limited.headers["x-rate-limit-reset"]).toBe("35"); // the slot of 0 s frees at 60 s
    expect(limited.headers["retry-after"]).toBeUndefined();
    expect(limited.text).toMatch(/^<error>Rate limit exceeded/);

    t = START + 59_999;
    const stillLimited = await sale();
    expect(stillLimited.status).toBe(429);
    expect(stillLimited.headers["x-rate-limit-reset"]).toBe("1");

    t = START + 60_000; // first slot frees; the others still count
    const ok = await sale();
    expect(ok.status).toBe(200);
    expect(ok.headers["x-rate-limit-remaining"]).toBe("0");
    expect((await sale()).status).toBe(429);
    expect((await h.client.stats()).rateLimited).toBe(3);
  });

  it("limits per key, counts key reads and rejected content, and not 401s", async () => {
    await h.client.setConfig({ rateLimit: 2 });
    await h.client.setKey("other", "valid");
    await post({ reqType: "key", data: "" });
    await sale({ data: "<nope/>" });
    expect((await sale()).status).toBe(429);
    expect((await sale({ key: "other" })).status).toBe(200);
    expect((await sale({ key: "unknown" })).status).toBe(401);
  });

  it("takes its window length from the options", async () => {
    let now = 0;
    const local = await startSimulator({ port: 0, keys: ["k"], rateLimit: 1, windowMs: 2_000, now: () => now });
    try {
      const send = () => postNotification(local.url, { key: "k", reqType: "sale", data: SAMPLE_SALE });
      expect((await send()).status).toBe(200);
      const limited = await send();
      expect(limited.status).toBe(429);
      expect(limited.headers["x-rate-limit-reset"]).toBe("2");
      now = 2_000;
      expect((await send()).status).toBe(200);
      expect(local.config()).toEqual({ rateLimit: 1, windowMs: 2_000 });
    } finally {
      await local.close();
    }
  });

  it("reset forgets the window", async () => {
    await h.client.setConfig({ rateLimit: 1 });
    await sale();
    expect((await sale()).status).toBe(429);
    await h.client.reset();
    expect((await sale()).status).toBe(200);
  });
});

describe("faults", () => {
  it("status: the next N notifications get that status, then normal answers resume", async () => {
    const pending = await h.client.faults({ count: 2, status: 500 });
    expect(pending).toMatchObject([{ count: 2, status: 500 }]);
    const a = await sale({ transmissionId: "f-1" });
    expect(a.status).toBe(500);
    expect(a.text).toBe("<error>Simulated fault: HTTP 500</error>");
    expect((await h.client.pendingFaults())[0]?.count).toBe(1);
    expect((await sale({ transmissionId: "f-1" })).status).toBe(500);
    expect(await h.client.pendingFaults()).toEqual([]);
    expect((await sale({ transmissionId: "f-1" })).status).toBe(200);
    const stats = await h.client.stats();
    expect(stats).toMatchObject({ received: 3, faulted: 2, delivered: 1, duplicates: 0 });
    const recs = await h.client.notifications({ transmissionId: "f-1" });
    expect(recs.map((r) => [r.outcome, r.httpStatus])).toEqual([
      ["fault", 500],
      ["fault", 500],
      ["delivered", 200],
    ]);
  });

  it("status 429 fault carries the rate headers", async () => {
    await h.client.faults({ count: 1, status: 429 });
    const res = await sale();
    expect(res.status).toBe(429);
    expect(res.headers["x-rate-limit-reset"]).toBe("1");
    expect(res.headers["x-rate-limit-remaining"]).toBe("0");
  });

  it("faults apply before the key check and do not take a rate slot", async () => {
    await h.client.setConfig({ rateLimit: 1 });
    await h.client.faults({ count: 1, status: 503 });
    expect((await sale({ key: "unknown" })).status).toBe(503);
    expect((await sale()).status).toBe(200);
  });

  it("drop: the connection is destroyed without an answer", async () => {
    await h.client.faults({ count: 1, drop: true });
    await expect(sale({ transmissionId: "drop-1" })).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|socket hang up/) });
    const [rec] = await h.client.notifications({ transmissionId: "drop-1" });
    expect(rec).toMatchObject({ outcome: "fault", httpStatus: 0, error: "fault: connection dropped" });
    expect((await sale()).status).toBe(200);
  });

  it("malformed: 200 with a body that is not valid XML", async () => {
    await h.client.faults({ count: 1, malformed: true });
    const res = await sale();
    expect(res.status).toBe(200);
    expect(res.text).toBe(MALFORMED_BODY);
    expect(XMLValidator.validate(res.text)).not.toBe(true);
    expect((await h.client.stats()).delivered).toBe(0);
  });

  it("delay: processed at once, answered only after the delay", async () => {
    await h.client.faults({ count: 1, delayMs: 600_000 });
    const abort = new AbortController();
    const pending = sale({ transmissionId: "slow-1", signal: abort.signal });
    let settled = false;
    pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Wait until the simulator has recorded it, then check no answer came.
    for (let i = 0; i < 2000 && (await h.client.notifications({ transmissionId: "slow-1" })).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const [rec] = await h.client.notifications({ transmissionId: "slow-1" });
    expect(rec?.outcome).toBe("delivered");
    expect(settled).toBe(false);
    abort.abort();
    await expect(pending).rejects.toThrow();
    // The sender timed out, retries with the same id: counted as a duplicate.
    expect((await sale({ transmissionId: "slow-1" })).status).toBe(200);
    expect((await h.client.stats()).duplicates).toBe(1);
  });

  it("a short delay then the normal answer; delay combines with status", async () => {
    await h.client.faults({ count: 1, delayMs: 20 });
    expect((await sale()).status).toBe(200);
    await h.client.faults({ count: 1, delayMs: 20, status: 502 });
    expect((await sale()).status).toBe(502);
  });

  it("faults queue in order and can be limited to reqType=key", async () => {
    await h.client.faults({ count: 1, status: 500 });
    await h.client.faults({ count: 1, malformed: true });
    await h.client.faults({ count: 1, status: 503, reqTypes: ["key"] });
    expect((await post({ reqType: "key", data: "" })).status).toBe(503);
    expect((await sale()).status).toBe(500);
    expect((await sale()).text).toBe(MALFORMED_BODY);
    expect((await sale()).status).toBe(200);
  });

  it("clearFaults and reset drop pending faults", async () => {
    await h.client.faults({ count: 5, status: 500 });
    expect(await h.client.clearFaults()).toEqual([]);
    await h.client.faults({ count: 5, status: 500 });
    await h.client.reset();
    expect((await sale()).status).toBe(200);
  });
});

describe("recording", () => {
  it("records every notification with fingerprint, transmission id, raw data and parsed fields", async () => {
    await sale({ transmissionId: "rec-1" });
    const [rec] = await h.client.notifications();
    expect(rec).toMatchObject({
      seq: 1,
      receivedAt: "2026-11-25T17:00:00.000Z",
      reqType: "sale",
      keyFingerprint: keyFingerprint(KEY),
      transmissionId: "rec-1",
      data: SAMPLE_SALE,
      outcome: "delivered",
      httpStatus: 200,
      error: null,
      resultId: "1",
      duplicate: false,
      path: "/",
      parsed: { type: "sale", merchantId: "DEMO", orderId: "DEMO-10042", email: "ada@example.com", total: "43.09", tax: "3.19" },
    });
    expect(JSON.stringify(rec)).not.toContain(KEY);
    expect(rec?.keyFingerprint).toMatch(/^[0-9a-f]{12}$/);
  });

  it("filters by reqType, orderId, transmissionId and outcome", async () => {
    await sale({ transmissionId: "a" });
    await post({ reqType: "refund", data: SAMPLE_REFUND, transmissionId: "b" });
    await sale({ transmissionId: "c", data: SAMPLE_SALE.replace(/DEMO-10042/g, "DEMO-2") });
    await sale({ transmissionId: "d", data: SAMPLE_SALE.replace("<tax>3.19</tax>", "") });
    await sale({ key: "unknown", transmissionId: "e" });
    const ids = async (f: Parameters<SimClient["notifications"]>[0]) => (await h.client.notifications(f)).map((r) => r.transmissionId);
    expect(await ids({})).toEqual(["a", "b", "c", "d", "e"]);
    expect(await ids({ reqType: "refund" })).toEqual(["b"]);
    expect(await ids({ orderId: "DEMO-10042" })).toEqual(["a", "b", "d", "e"]);
    expect(await ids({ orderId: "DEMO-2", reqType: "sale" })).toEqual(["c"]);
    expect(await ids({ transmissionId: "c" })).toEqual(["c"]);
    expect(await ids({ outcome: "rejected" })).toEqual(["d"]);
    expect(await ids({ outcome: "unauthorized" })).toEqual(["e"]);
    expect(await ids({ limit: 2 })).toEqual(["d", "e"]);
    expect(await ids({ orderId: "DEMO-10042", limit: 1 })).toEqual(["e"]);
    expect(await ids({ limit: 0 })).toEqual([]);
    const [rejected] = await h.client.notifications({ outcome: "rejected" });
    expect(rejected?.error).toBe("sale: order is missing required element <tax>");
  });

  it("records a missing X-Transmission-Id as null and never counts it as a duplicate", async () => {
    await sale();
    await sale();
    const recs = await h.client.notifications();
    expect(recs.map((r) => r.transmissionId)).toEqual([null, null]);
    expect((await h.client.stats()).duplicates).toBe(0);
  });

  it("keeps at most maxNotifications, oldest dropped, counters keep counting", async () => {
    const local = await startSimulator({ port: 0, keys: ["k"], maxNotifications: 3 });
    try {
      for (let i = 1; i <= 5; i++) {
        await postNotification(local.url, { key: "k", reqType: "sale", data: SAMPLE_SALE, transmissionId: `m-${i}` });
      }
      const c = new SimClient(local.url);
      expect((await c.notifications()).map((r) => r.transmissionId)).toEqual(["m-3", "m-4", "m-5"]);
      expect((await c.stats()).received).toBe(5);
    } finally {
      await local.close();
    }
  });
});

describe("duplicates", () => {
  it("counts a transmission id delivered again, not one rejected or faulted before", async () => {
    await sale({ transmissionId: "dup" });
    await sale({ transmissionId: "dup" });
    await sale({ transmissionId: "dup" });
    await sale({ transmissionId: "once" });
    await sale({ transmissionId: "rej", data: "junk" });
    await sale({ transmissionId: "rej" });
    expect((await h.client.stats()).duplicates).toBe(2);
    expect((await h.client.notifications({ transmissionId: "dup" })).map((r) => r.duplicate)).toEqual([false, true, true]);
    expect((await h.client.notifications({ transmissionId: "rej" })).map((r) => r.duplicate)).toEqual([false, false]);
  });

  it("counts business facts repeated under a different transmission id as duplicateFacts", async () => {
    const other = SAMPLE_SALE.replace(/DEMO-10042/g, "DEMO-2");
    await sale({ transmissionId: "s-1" });
    await sale({ transmissionId: "s-1" }); // same id: a duplicate, not a duplicate fact
    await sale({ transmissionId: "s-2" }); // same order, new id: duplicate fact
    await sale({ transmissionId: "s-3", data: other }); // another order
    await sale({ transmissionId: "s-4", data: SAMPLE_SALE.replace("<tax>3.19</tax>", "") }); // rejected: not accepted
    await sale(); // no id, same order: duplicate fact
    await post({ reqType: "refund", data: SAMPLE_REFUND, transmissionId: "r-1" });
    await post({ reqType: "refund", data: SAMPLE_REFUND.replace('id="5f0e', 'id="6f0e'), transmissionId: "r-2" }); // same refund id
    await post({ reqType: "refund", data: SAMPLE_REFUND.replace(/R-5521/g, "R-9"), transmissionId: "r-3" }); // another refund
    await post({ reqType: "auto_order_status", data: SAMPLES.auto_order_status, transmissionId: "a-1" });
    await post({ reqType: "auto_order_status", data: SAMPLES.auto_order_status, transmissionId: "a-2" }); // identical data
    await post({ reqType: "auto_order_status", data: SAMPLES.auto_order_status.replace('status="card declined"', 'status="cancelled"'), transmissionId: "a-3" });
    await post({ reqType: "affiliate", data: SAMPLES.affiliate, transmissionId: "f-1" });
    await post({ reqType: "affiliate", data: SAMPLES.affiliate, transmissionId: "f-2" });
    const stats = await h.client.stats();
    expect(stats).toMatchObject({ delivered: 13, duplicates: 1, duplicateFacts: 5 });
    const facts = (await h.client.notifications()).filter((n) => n.duplicateFact).map((n) => n.transmissionId);
    expect(facts).toEqual(["s-2", null, "r-2", "a-2", "f-2"]);
    const accepted = await h.client.notifications({ accepted: true, reqType: "sale" });
    expect(accepted.map((n) => n.transmissionId)).toEqual(["s-1", "s-1", "s-2", "s-3", null]);
    expect((await h.client.notifications({ accepted: false })).map((n) => n.transmissionId)).toEqual(["s-4"]);
    const bad = await httpRequest(`${h.sim.url}/__sim/notifications?accepted=yes`, "GET");
    expect(bad.status).toBe(400);
    await h.client.reset();
    await sale({ transmissionId: "s-9" });
    expect((await h.client.stats()).duplicateFacts).toBe(0);
  });

  it("reset forgets delivered ids", async () => {
    await sale({ transmissionId: "x" });
    await h.client.reset();
    await sale({ transmissionId: "x" });
    expect((await h.client.stats()).duplicates).toBe(0);
  });
});

describe("pixel", () => {
  it("answers a 1x1 GIF that is not cached, and records the query", async () => {
    const q = "order_id=DEMO-10042&email=ada%40example.com&item_id_1=Red%20Shirt&item_price_1=39.90&tax=3.19&shipping_amt=5.00";
    const res = await httpRequest(`${h.sim.url}/p?${q}`, "GET");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("image/gif");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.body.subarray(0, 6).toString("latin1")).toBe("GIF89a");
    expect(res.body.readUInt16LE(6)).toBe(1);
    expect(res.body.readUInt16LE(8)).toBe(1);
    await httpRequest(`${h.sim.url}/p?order_id=OTHER`, "GET");
    const pixels = await h.client.pixels();
    expect(pixels).toHaveLength(2);
    expect(pixels[0]).toMatchObject({
      seq: 1,
      receivedAt: "2026-11-25T17:00:00.000Z",
      rawQuery: q,
      query: { order_id: "DEMO-10042", email: "ada@example.com", item_id_1: "Red Shirt", item_price_1: "39.90", tax: "3.19", shipping_amt: "5.00" },
    });
    expect((await h.client.pixels({ orderId: "OTHER" })).map((p) => p.query)).toEqual([{ order_id: "OTHER" }]);
    expect((await h.client.stats()).pixels).toBe(2);
    expect((await h.client.stats()).received).toBe(0);
  });

  it("HEAD answers the same headers without recording", async () => {
    const res = await httpRequest(`${h.sim.url}/p?order_id=1`, "HEAD");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("image/gif");
    expect(await h.client.pixels()).toEqual([]);
  });
});

describe("bad requests", () => {
  it("415 for a body that is not form-encoded", async () => {
    const res = await post({ body: JSON.stringify({ key: KEY }), contentType: "application/json" });
    expect(res.status).toBe(415);
    expect(res.text).toContain("<error>Content-Type must be application/x-www-form-urlencoded");
    expect((await h.client.stats())).toMatchObject({ received: 1, badRequests: 1 });
  });

  it("405 for GET on the endpoint, 404 elsewhere", async () => {
    const get = await httpRequest(`${h.sim.url}/`, "GET");
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe("POST");
    expect((await httpRequest(`${h.sim.url}/nowhere`, "GET")).status).toBe(404);
  });

  it("413 for a body over maxBodyBytes", async () => {
    const local = await startSimulator({ port: 0, keys: ["k"], maxBodyBytes: 1_000 });
    try {
      const res = await postNotification(local.url, { key: "k", reqType: "sale", data: SAMPLE_SALE });
      expect(res.status).toBe(413);
    } finally {
      await local.close();
    }
  });

  it("the counters add up", async () => {
    await h.client.setConfig({ rateLimit: 3 });
    await h.client.faults({ count: 1, status: 500 });
    await sale(); // fault
    await sale(); // delivered
    await sale({ data: "junk" }); // rejected
    await sale({ key: "no" }); // unauthorized
    await post({ reqType: "key", data: "" }); // key read, takes the last slot
    await sale(); // rate limited
    await post({ body: "{}", contentType: "application/json" }); // bad request
    const s = await h.client.stats();
    expect(s).toEqual({
      received: 6,
      delivered: 1,
      rejected: 1,
      rateLimited: 1,
      unauthorized: 1,
      badRequests: 1,
      faulted: 1,
      duplicates: 0,
      duplicateFacts: 0,
      keyReads: 1,
      pixels: 0,
    });
    expect(s.delivered + s.rejected + s.rateLimited + s.unauthorized + s.badRequests + s.faulted).toBe(s.received);
  });
});

describe("control API over HTTP", () => {
  const json = async (method: string, route: string, body?: unknown) => {
    const res = await httpRequest(
      `${h.sim.url}/__sim/${route}`,
      method,
      body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      { "Content-Type": "application/json" },
    );
    return { status: res.status, type: res.headers["content-type"], value: JSON.parse(res.text) as unknown };
  };

  it("answers JSON, with 400 for bad input, 404 for unknown routes and 405 for wrong methods", async () => {
    expect(await json("GET", "stats")).toMatchObject({ status: 200, type: "application/json; charset=utf-8" });
    expect(await json("POST", "faults", { count: 1 })).toMatchObject({ status: 400, value: { error: expect.stringContaining("a fault needs one of") } });
    expect(await json("POST", "faults", "{not json")).toMatchObject({ status: 400, value: { error: "body is not valid JSON" } });
    expect(await json("POST", "keys", { key: "x", state: "expired" })).toMatchObject({ status: 400 });
    expect(await json("POST", "keys", { state: "valid" })).toMatchObject({ status: 400 });
    expect(await json("POST", "config", { rateLimit: 0 })).toMatchObject({ status: 400 });
    expect(await json("POST", "config", { burst: 1 })).toMatchObject({ status: 400 });
    expect(await json("GET", "nope")).toMatchObject({ status: 404 });
    expect(await json("GET", "reset")).toMatchObject({ status: 405 });
  });

  it("lists keys by fingerprint only", async () => {
    const res = await httpRequest(`${h.sim.url}/__sim/keys`, "GET");
    expect(res.text).not.toContain(KEY);
    expect(JSON.parse(res.text)).toEqual([{ fingerprint: keyFingerprint(KEY), state: "valid" }]);
  });

  it("reset keeps keys and config; reset all restores the start-up ones", async () => {
    await h.client.setKey(KEY, "stale");
    await h.client.setKey("extra", "valid");
    await h.client.setConfig({ rateLimit: 5 });
    await h.client.reset();
    expect((await h.client.keys()).map((k) => k.state)).toEqual(["stale", "valid"]);
    expect((await h.client.config()).rateLimit).toBe(5);
    await h.client.reset({ all: true });
    expect(await h.client.keys()).toEqual([{ fingerprint: keyFingerprint(KEY), state: "valid" }]);
    expect(await h.client.config()).toEqual({ rateLimit: 180, windowMs: 60_000 });
  });
});

describe("load", () => {
  it("handles concurrent notifications without losing any", async () => {
    await h.client.setConfig({ rateLimit: 10_000 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => sale({ transmissionId: `c-${i}`, data: SAMPLES.sale })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const ids = new Set((await h.client.notifications()).map((r) => r.resultId));
    expect(ids.size).toBe(200);
    expect(await h.client.stats()).toMatchObject({ received: 200, delivered: 200 });
  });
});
