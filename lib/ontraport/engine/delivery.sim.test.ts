import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ontraportConfigs, transmissionAttempts, transmissions } from "@/lib/db/schema";
import { testBackends } from "@/tools/testing/db";
import { insertBacklog } from "@/tools/bench/outbox/fixture";
import { useSimHarness } from "@/tools/testing/engine";
import { apiMerchant, configOf, placeOrder, resolveTestKey } from "@/tools/testing/ontraport";
import { OutboxWorker } from "./worker";

// The worker against the real simulator over HTTP: every row of the response table ends in the state
// the protocol says, with its attempt recorded. The worker's clock is moved instead of sleeping.

describe.each(testBackends())("delivery to the simulator on %s", (kind) => {
  const s = useSimHarness(kind, { keys: ["key-one"], allowOrigin: true, worker: { timeoutMs: 2500, leaseMs: 5000 } });

  const saleOf = async (orderId: string) => {
    const [row] = await s.t.db.select().from(transmissions).where(and(eq(transmissions.orderId, orderId), eq(transmissions.type, "sale")));
    return row!;
  };
  const attemptsOf = (id: string) => s.t.db.select().from(transmissionAttempts).where(eq(transmissionAttempts.transmissionId, id)).orderBy(transmissionAttempts.attemptNo);

  it("delivers a Sale the simulator accepts, byte for byte as stored", async () => {
    const orderId = await placeOrder(s.t.db, "M1", { firstName: "Zoë <&> \"]]>\" 😀" });
    await s.worker.drain();
    const row = await saleOf(orderId);
    expect(row.status).toBe("delivered");
    const [n] = await s.client.notifications({ orderId });
    expect(n).toMatchObject({ reqType: "sale", transmissionId: row.id, outcome: "delivered", duplicate: false });
    expect(n!.data).toBe(row.payload);
    expect(n!.parsed).not.toBeNull();
    expect((await configOf(s.t.db, "M1")).keyStatus).toBe("valid");
  });

  it("pauses on a stale key and resumes with the new key", async () => {
    await s.client.setKey("key-one", "stale");
    const orderId = await placeOrder(s.t.db, "M1");
    await s.worker.drain();
    expect(await saleOf(orderId)).toMatchObject({ status: "paused", lastStatusCode: 403 });
    const c = await configOf(s.t.db, "M1");
    expect(c).toMatchObject({ keyStatus: "stale", keyStatusCode: 403 });
    expect(c.pausedAt).toBeInstanceOf(Date);
    await s.client.setKey("key-two", "valid");
    await apiMerchant(s.t.db, "M1", { key: "key-two" });
    await s.t.db.update(ontraportConfigs).set({ pausedAt: null, pausedReason: null });
    await s.t.db.update(transmissions).set({ status: "pending" }).where(eq(transmissions.status, "paused"));
    await s.worker.drain();
    const row = await saleOf(orderId);
    expect(row.status).toBe("delivered");
    expect((await attemptsOf(row.id)).map((a) => a.statusCode)).toEqual([403, 200]);
  });

  it("waits out a 429 by its X-Rate-Limit-Reset, without counting it", async () => {
    await s.client.setConfig({ rateLimit: 1 });
    const a = await placeOrder(s.t.db, "M1");
    const b = await placeOrder(s.t.db, "M1");
    await s.worker.drain();
    const limited = [await saleOf(a), await saleOf(b)].find((r) => r.status !== "delivered")!;
    expect(limited).toMatchObject({ status: "pending", lastStatusCode: 429, retryStep: 0, attempts: 1 });
    expect(limited.nextAttemptAt.getTime()).toBeGreaterThan(s.clock().getTime());
    await s.client.setConfig({ rateLimit: 180 });
    await s.client.reset();
    s.offset += limited.nextAttemptAt.getTime() - s.clock().getTime() + 1000;
    await s.worker.drain();
    expect((await saleOf(limited.orderId!)).status).toBe("delivered");
  });

  it.each([
    ["a 500", { status: 500 }, /500/],
    ["a slow answer past the timeout", { delayMs: 4000 }, /timeout/],
    ["a dropped connection", { drop: true }, /Connection error/],
    ["a malformed answer", { malformed: true }, /not XML/],
  ])("schedules a retry after %s, then delivers", async (_name, fault, error) => {
    await s.client.faults({ count: 1, ...fault });
    const orderId = await placeOrder(s.t.db, "M1");
    await s.worker.drain();
    let row = await saleOf(orderId);
    expect(row).toMatchObject({ status: "pending", retryStep: 1, attempts: 1 });
    expect(row.lastError).toMatch(error);
    const [attempt] = await attemptsOf(row.id);
    expect(attempt!.error).toMatch(error);
    s.offset += 5_000;
    await s.worker.drain();
    row = await saleOf(orderId);
    expect(row).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("wakes on commit: a new order is delivered without waiting for a poll", async () => {
    const live = new OutboxWorker({ db: s.t.db, endpoint: s.sim.endpoint, resolveKey: resolveTestKey, pollMs: 60_000, timeoutMs: 2000, leaseMs: 5000 });
    await live.start();
    try {
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      const orderId = await placeOrder(s.t.db, "M1");
      for (let i = 0; i < 100 && (await s.client.notifications({ orderId })).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await s.client.notifications({ orderId })).toHaveLength(1);
      console.log(`[${kind}] payment to receipt: ${Date.now() - started} ms`);
    } finally {
      await live.stop();
    }
  });

  it("delivers merchant C's sale while A holds 5,000 rate-limited transmissions and B's key is stale", { timeout: 60_000 }, async () => {
    await s.client.setKey("key-b", "stale");
    await s.client.setKey("key-c", "valid");
    await apiMerchant(s.t.db, "A", { key: "key-one", rateLimitPerMinute: 60 });
    await apiMerchant(s.t.db, "B", { key: "key-b" });
    await apiMerchant(s.t.db, "C", { key: "key-c" });
    await insertBacklog(s.t.db, "A", 5000);
    for (let i = 0; i < 20; i++) await placeOrder(s.t.db, "B");
    const live = new OutboxWorker({ db: s.t.db, endpoint: s.sim.endpoint, resolveKey: resolveTestKey, timeoutMs: 2000, leaseMs: 5000 });
    await live.start();
    try {
      // Let A spend its burst and B hit its stale key.
      for (let i = 0; i < 50 && (await configOf(s.t.db, "B")).pausedAt === null; i++) await new Promise((r) => setTimeout(r, 100));
      expect((await configOf(s.t.db, "B")).keyStatus).toBe("stale");
      const started = Date.now();
      const orderId = await placeOrder(s.t.db, "C");
      for (let i = 0; i < 100 && (await s.client.notifications({ orderId })).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await s.client.notifications({ orderId })).toHaveLength(1);
      console.log(`[${kind}] fairness: C's sale reached ONTRAPORT ${Date.now() - started} ms after payment, beside A's backlog of 5,000`);
      const [aSent] = await s.t.db.select({ n: sql<number>`count(*)::int` }).from(transmissions).where(and(eq(transmissions.merchantId, "A"), eq(transmissions.status, "delivered")));
      expect(Number(aSent!.n)).toBeLessThan(10);
    } finally {
      await live.stop();
    }
  });
});
