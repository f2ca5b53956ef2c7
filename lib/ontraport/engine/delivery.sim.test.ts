import { and, eq, sql } from "drizzle-orm";
import { allowLocalOrigin } from "@/lib/net/egress";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ontraportConfigs, transmissionAttempts, transmissions } from "@/lib/db/schema";
import { SimClient } from "@/tools/ontraport-sim/client";
import { startSimulator, type RunningSimulator } from "@/tools/ontraport-sim/server";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { insertBacklog } from "@/tools/bench/outbox/fixture";
import { apiMerchant, configOf, placeOrder, resolveTestKey } from "@/tools/testing/ontraport";
import { OutboxWorker } from "./worker";

// The worker against the real simulator over HTTP: every row of the response table ends in the state
// the protocol says, with its attempt recorded. The worker's clock is moved instead of sleeping.

describe.each(testBackends())("delivery to the simulator on %s", (kind) => {
  let t: TestDatabase;
  let sim: RunningSimulator;
  let client: SimClient;
  let offset = 0;
  let worker: OutboxWorker;
  const clock = () => new Date(Date.now() + offset);

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    sim = await startSimulator({ port: 0, keys: ["key-one"] });
    client = new SimClient(sim.url);
    // The simulator is the one local origin deliveries may go to (lib/net/egress).
    allowLocalOrigin(sim.endpoint);
  });
  afterAll(async () => {
    await sim.close();
    await t.close();
  });
  beforeEach(async () => {
    await t.db.execute(sql`truncate transmission_attempts, transmissions, domain_events, ontraport_rate_windows, ontraport_configs, order_stage_history, refund_lines, refunds, order_lines, orders, merchants cascade`);
    await client.reset({ all: true });
    offset = 0;
    worker = new OutboxWorker({ db: t.db, endpoint: sim.endpoint, clock, resolveKey: resolveTestKey, listen: false, timeoutMs: 2500, leaseMs: 5000 });
    await apiMerchant(t.db, "M1", { key: "key-one" });
  });

  const saleOf = async (orderId: string) => {
    const [row] = await t.db.select().from(transmissions).where(and(eq(transmissions.orderId, orderId), eq(transmissions.type, "sale")));
    return row!;
  };
  const attemptsOf = (id: string) => t.db.select().from(transmissionAttempts).where(eq(transmissionAttempts.transmissionId, id)).orderBy(transmissionAttempts.attemptNo);

  it("delivers a Sale the simulator accepts, byte for byte as stored", async () => {
    const orderId = await placeOrder(t.db, "M1", { firstName: "Zoë <&> \"]]>\" 😀" });
    await worker.drain();
    const row = await saleOf(orderId);
    expect(row.status).toBe("delivered");
    const [n] = await client.notifications({ orderId });
    expect(n).toMatchObject({ reqType: "sale", transmissionId: row.id, outcome: "delivered", duplicate: false });
    expect(n!.data).toBe(row.payload);
    expect(n!.parsed).not.toBeNull();
    expect((await configOf(t.db, "M1")).keyStatus).toBe("valid");
  });

  it("pauses on a stale key and resumes with the new key", async () => {
    await client.setKey("key-one", "stale");
    const orderId = await placeOrder(t.db, "M1");
    await worker.drain();
    expect(await saleOf(orderId)).toMatchObject({ status: "paused", lastStatusCode: 403 });
    const c = await configOf(t.db, "M1");
    expect(c).toMatchObject({ keyStatus: "stale", keyStatusCode: 403 });
    expect(c.pausedAt).toBeInstanceOf(Date);
    await client.setKey("key-two", "valid");
    await apiMerchant(t.db, "M1", { key: "key-two" });
    await t.db.update(ontraportConfigs).set({ pausedAt: null, pausedReason: null });
    await t.db.update(transmissions).set({ status: "pending" }).where(eq(transmissions.status, "paused"));
    await worker.drain();
    const row = await saleOf(orderId);
    expect(row.status).toBe("delivered");
    expect((await attemptsOf(row.id)).map((a) => a.statusCode)).toEqual([403, 200]);
  });

  it("waits out a 429 by its X-Rate-Limit-Reset, without counting it", async () => {
    await client.setConfig({ rateLimit: 1 });
    const a = await placeOrder(t.db, "M1");
    const b = await placeOrder(t.db, "M1");
    await worker.drain();
    const limited = [await saleOf(a), await saleOf(b)].find((r) => r.status !== "delivered")!;
    expect(limited).toMatchObject({ status: "pending", lastStatusCode: 429, retryStep: 0, attempts: 1 });
    expect(limited.nextAttemptAt.getTime()).toBeGreaterThan(clock().getTime());
    await client.setConfig({ rateLimit: 180 });
    await client.reset();
    offset += limited.nextAttemptAt.getTime() - clock().getTime() + 1000;
    await worker.drain();
    expect((await saleOf(limited.orderId!)).status).toBe("delivered");
  });

  it.each([
    ["a 500", { status: 500 }, /500/],
    ["a slow answer past the timeout", { delayMs: 4000 }, /timeout/],
    ["a dropped connection", { drop: true }, /Connection error/],
    ["a malformed answer", { malformed: true }, /not XML/],
  ])("schedules a retry after %s, then delivers", async (_name, fault, error) => {
    await client.faults({ count: 1, ...fault });
    const orderId = await placeOrder(t.db, "M1");
    await worker.drain();
    let row = await saleOf(orderId);
    expect(row).toMatchObject({ status: "pending", retryStep: 1, attempts: 1 });
    expect(row.lastError).toMatch(error);
    const [attempt] = await attemptsOf(row.id);
    expect(attempt!.error).toMatch(error);
    offset += 5_000;
    await worker.drain();
    row = await saleOf(orderId);
    expect(row).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("wakes on commit: a new order is delivered without waiting for a poll", async () => {
    const live = new OutboxWorker({ db: t.db, endpoint: sim.endpoint, resolveKey: resolveTestKey, pollMs: 60_000, timeoutMs: 2000, leaseMs: 5000 });
    await live.start();
    try {
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      const orderId = await placeOrder(t.db, "M1");
      for (let i = 0; i < 100 && (await client.notifications({ orderId })).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await client.notifications({ orderId })).toHaveLength(1);
      console.log(`[${kind}] payment to receipt: ${Date.now() - started} ms`);
    } finally {
      await live.stop();
    }
  });

  it("delivers merchant C's sale while A holds 5,000 rate-limited transmissions and B's key is stale", { timeout: 60_000 }, async () => {
    await client.setKey("key-b", "stale");
    await client.setKey("key-c", "valid");
    await apiMerchant(t.db, "A", { key: "key-one", rateLimitPerMinute: 60 });
    await apiMerchant(t.db, "B", { key: "key-b" });
    await apiMerchant(t.db, "C", { key: "key-c" });
    await insertBacklog(t.db, "A", 5000);
    for (let i = 0; i < 20; i++) await placeOrder(t.db, "B");
    const live = new OutboxWorker({ db: t.db, endpoint: sim.endpoint, resolveKey: resolveTestKey, timeoutMs: 2000, leaseMs: 5000 });
    await live.start();
    try {
      // Let A spend its burst and B hit its stale key.
      for (let i = 0; i < 50 && (await configOf(t.db, "B")).pausedAt === null; i++) await new Promise((r) => setTimeout(r, 100));
      expect((await configOf(t.db, "B")).keyStatus).toBe("stale");
      const started = Date.now();
      const orderId = await placeOrder(t.db, "C");
      for (let i = 0; i < 100 && (await client.notifications({ orderId })).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await client.notifications({ orderId })).toHaveLength(1);
      console.log(`[${kind}] fairness: C's sale reached ONTRAPORT ${Date.now() - started} ms after payment, beside A's backlog of 5,000`);
      const [aSent] = await t.db.select({ n: sql<number>`count(*)::int` }).from(transmissions).where(and(eq(transmissions.merchantId, "A"), eq(transmissions.status, "delivered")));
      expect(Number(aSent!.n)).toBeLessThan(10);
    } finally {
      await live.stop();
    }
  });
});
