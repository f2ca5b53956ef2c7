import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SimClient } from "./client";
import { HANG, LatencySettings, normalizeLatency } from "./latency";
import { SAMPLE_SALE } from "./samples";
import { startSimulator, type RunningSimulator } from "./server";
import { keyFingerprint } from "./state";
import { httpRequest, postNotification, type PostOptions } from "./test-helpers";

describe("LatencySettings", () => {
  it("answers base ± uniform jitter, never negative, per key over global", () => {
    let r = 0.5;
    const l = new LatencySettings(undefined, () => r);
    expect(l.idle).toBe(true);
    expect(l.delayFor("k")).toBe(0);
    l.set(undefined, { baseMs: 100, jitterMs: 20, hang: false });
    expect(l.delayFor("k")).toBe(100);
    r = 0;
    expect(l.delayFor("k")).toBe(80);
    r = 0.999999;
    expect(l.delayFor(null)).toBe(120);
    l.set("slow", { baseMs: 10, jitterMs: 50, hang: false });
    r = 0;
    expect(l.delayFor("slow")).toBe(0); // 10 - 50 clamped
    expect(l.delayFor("other")).toBe(80);
    l.set("hung", { baseMs: 0, jitterMs: 0, hang: true });
    expect(l.delayFor("hung")).toBe(HANG);
    l.set("slow", { baseMs: 0, jitterMs: 0, hang: false }); // clears the key's setting
    expect(l.delayFor("slow")).toBe(80);
    expect(l.info()).toEqual({
      global: { baseMs: 100, jitterMs: 20, hang: false },
      keys: [{ fingerprint: keyFingerprint("hung"), baseMs: 0, jitterMs: 0, hang: true }],
    });
    l.reset();
    expect(l.idle).toBe(true);
  });

  it("reset comes back to the start-up setting, clear drops it", () => {
    const l = new LatencySettings({ baseMs: 50, jitterMs: 0, hang: false });
    l.set(undefined, { baseMs: 0, jitterMs: 0, hang: false });
    l.set("k", { baseMs: 1, jitterMs: 0, hang: false });
    l.reset();
    expect(l.info()).toEqual({ global: { baseMs: 50, jitterMs: 0, hang: false }, keys: [] });
    l.clear();
    expect(l.idle).toBe(true);
  });

  it("validates the control body", () => {
    expect(normalizeLatency({ baseMs: 250, jitterMs: 50, key: "k" })).toEqual({
      key: "k",
      setting: { baseMs: 250, jitterMs: 50, hang: false },
    });
    expect(normalizeLatency({ hang: true, key: "k" })).toEqual({ key: "k", setting: { baseMs: 0, jitterMs: 0, hang: true } });
    expect(() => normalizeLatency({})).toThrow(/needs baseMs/);
    expect(() => normalizeLatency({ baseMs: -1 })).toThrow(/baseMs must be/);
    expect(() => normalizeLatency({ baseMs: 1.5 })).toThrow(/baseMs must be/);
    expect(() => normalizeLatency({ baseMs: 1, colour: 1 })).toThrow(/unknown latency field/);
    expect(() => normalizeLatency({ hang: "yes" })).toThrow(/hang must be/);
    expect(() => normalizeLatency({ baseMs: 1, key: "" })).toThrow(/key must be/);
  });
});

describe("latency over HTTP", () => {
  let sim: RunningSimulator;
  let client: SimClient;
  const sale = (o: PostOptions = {}) => postNotification(sim.url, { key: "a", reqType: "sale", data: SAMPLE_SALE, ...o });
  const timed = async <T>(p: Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const v = await p;
    return [v, performance.now() - t0];
  };

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, keys: ["a", "b"] });
    client = new SimClient(sim.url);
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    await client.reset({ all: true });
  });

  it("delays every answer by the global setting, and a key's setting overrides it", async () => {
    expect(await client.setLatency({ baseMs: 150, jitterMs: 0 })).toMatchObject({ global: { baseMs: 150, jitterMs: 0, hang: false } });
    const [res, ms] = await timed(sale());
    expect(res.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(140);
    const [unauth, ms401] = await timed(sale({ key: "nope" }));
    expect(unauth.status).toBe(401);
    expect(ms401).toBeGreaterThanOrEqual(140);

    await client.setLatency({ baseMs: 0, jitterMs: 0 });
    const info = await client.setLatency({ baseMs: 200, jitterMs: 0, key: "b" });
    expect(info.keys).toEqual([{ fingerprint: keyFingerprint("b"), baseMs: 200, jitterMs: 0, hang: false }]);
    expect(JSON.stringify(info)).not.toContain('"b"');
    const [[fast, fastMs], [slow, slowMs]] = await Promise.all([timed(sale()), timed(sale({ key: "b" }))]);
    expect([fast.status, slow.status]).toEqual([200, 200]);
    expect(slowMs).toBeGreaterThanOrEqual(190);
    expect(fastMs).toBeLessThan(slowMs);
    // zero clears the key's own setting: back to the global one
    expect((await client.setLatency({ baseMs: 0, jitterMs: 0, key: "b" })).keys).toEqual([]);
  });

  it("a delayed request is processed and counted when received", async () => {
    await client.setConfig({ rateLimit: 1 });
    await client.setLatency({ baseMs: 300, jitterMs: 0 });
    const first = sale({ transmissionId: "l-1" });
    // recorded (and the slot taken) before the answer comes
    for (let i = 0; i < 200 && (await client.notifications()).length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect((await client.notifications()).map((n) => n.outcome)).toEqual(["delivered"]);
    const second = sale({ transmissionId: "l-2" });
    const [a, b] = await Promise.all([first, second]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(429);
    expect(b.headers["x-rate-limit-reset"]).toBeDefined();
  });

  it("hang: that key's requests never get an answer, others do", async () => {
    await client.setLatency({ hang: true, key: "b" });
    const abort = new AbortController();
    const pending = sale({ key: "b", transmissionId: "h-1", signal: abort.signal });
    let settled = false;
    pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    expect((await sale()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 250));
    expect(settled).toBe(false);
    const [rec] = await client.notifications({ transmissionId: "h-1" });
    expect(rec?.outcome).toBe("delivered");
    abort.abort();
    await expect(pending).rejects.toThrow();
  });

  it("reset and DELETE clear latency; bad input is a 400", async () => {
    await client.setLatency({ baseMs: 5000, jitterMs: 0 });
    await client.setLatency({ hang: true, key: "a" });
    await client.reset();
    expect(await client.latency()).toEqual({ global: { baseMs: 0, jitterMs: 0, hang: false }, keys: [] });
    expect((await sale()).status).toBe(200);
    await client.setLatency({ baseMs: 5000, jitterMs: 0 });
    expect(await client.clearLatency()).toEqual({ global: { baseMs: 0, jitterMs: 0, hang: false }, keys: [] });
    await expect(client.setLatency({ baseMs: -5 })).rejects.toMatchObject({ status: 400 });
    const res = await httpRequest(`${sim.url}/__sim/latency`, "PUT");
    expect(res.status).toBe(405);
  });
});

describe("latency from the options, and close()", () => {
  it("applies latencyMs/jitterMs from the start, and reset comes back to them", async () => {
    const local = await startSimulator({ port: 0, keys: ["k"], latencyMs: 120, jitterMs: 100, random: () => 0.999999 });
    try {
      const c = new SimClient(local.url);
      expect((await c.latency()).global).toEqual({ baseMs: 120, jitterMs: 100, hang: false });
      const t0 = performance.now();
      expect((await postNotification(local.url, { key: "k", reqType: "sale", data: SAMPLE_SALE })).status).toBe(200);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(210);
      await c.setLatency({ baseMs: 0, jitterMs: 0 });
      await c.reset();
      expect((await c.latency()).global).toEqual({ baseMs: 120, jitterMs: 100, hang: false });
    } finally {
      await local.close();
    }
  });

  it("refuses a bad option", async () => {
    expect(() => startSimulator({ port: 0, latencyMs: -1 })).toThrow(/latencyMs/);
  });

  it("close() finishes promptly with delayed and hanging answers pending, and destroys them", async () => {
    const local = await startSimulator({ port: 0, keys: ["k", "h"], latencyMs: 600_000 });
    const c = new SimClient(local.url);
    await c.setLatency({ hang: true, key: "h" });
    const delayed = postNotification(local.url, { key: "k", reqType: "sale", data: SAMPLE_SALE });
    const hung = postNotification(local.url, { key: "h", reqType: "sale", data: SAMPLE_SALE });
    delayed.catch(() => undefined);
    hung.catch(() => undefined);
    for (let i = 0; i < 200 && local.state.stats.received < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(local.state.stats.received).toBe(2);
    const t0 = performance.now();
    await local.close();
    expect(performance.now() - t0).toBeLessThan(1000);
    await expect(delayed).rejects.toThrow();
    await expect(hung).rejects.toThrow();
  });
});
