import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { domainEvents, ontraportConfigs, ontraportRateWindows, refunds, transmissions } from "@/lib/db/schema";
import { recordEvent } from "@/lib/orders/events";
import { testBackends } from "@/tools/testing/db";
import { redactedRequest, type DeliveryResponse } from "../xml/deliver";
import { dispatchAll } from "./dispatch";
import { enqueueManualResend, requeueFailed } from "./outbox";
import { useEngineHarness } from "@/tools/testing/engine";
import { apiMerchant, configOf, placeOrder } from "@/tools/testing/ontraport";

// The response table, ordering, idempotency and fairness, with a scripted ONTRAPORT and a movable clock.

const OK: Partial<DeliveryResponse> = { statusCode: 200, body: "<result><status>Success</status></result>" };


describe.each(testBackends())("delivery worker on %s", (kind) => {
  const h = useEngineHarness(kind);

  const { transmissionOf: stateOf, attemptsOf } = h;

  it("delivers a paid order's Sale once, with the key only on the wire", async () => {
    const orderId = await placeOrder(h.t.db, "M1");
    await placeOrder(h.t.db, "M1", { stage: "Fraud Review", paymentStatus: "Authorized" });
    expect(await h.worker.drain()).toBe(1);
    const row = await stateOf(orderId);
    expect(row).toMatchObject({ status: "delivered", attempts: 1, description: `Sale ${orderId}, 2 items, $43.09` });
    expect(h.fake.requests).toHaveLength(1);
    expect(h.fake.requests[0]).toMatchObject({ apiKey: "key-one", reqType: "sale", transmissionId: row.id });
    const [attempt] = await attemptsOf(row.id);
    expect(attempt).toMatchObject({ attemptNo: 1, statusCode: 200 });
    // The stored request is the one sent, whole (XML included), with the key redacted.
    expect(attempt!.requestPayload).toBe(redactedRequest(h.fake.requests[0]!));
    expect(attempt!.requestPayload).toContain("key=[redacted]");
    expect(attempt!.requestPayload.endsWith(row.payload)).toBe(true);
    expect(attempt!.requestPayload).not.toContain("key-one");
    expect(row.payload).not.toContain("key-one");
    expect((await configOf(h.t.db, "M1")).keyStatus).toBe("valid");
    const undispatched = await h.t.db.select().from(domainEvents).where(sql`dispatched_at is null`);
    expect(undispatched).toHaveLength(0);
  });

  it("handles an event twice into one transmission", async () => {
    const orderId = await placeOrder(h.t.db, "M1");
    await dispatchAll(h.t.db, { now: h.now });
    await recordEvent(h.t.db, { merchantId: "M1", type: "order.paid", subjectId: orderId });
    await dispatchAll(h.t.db, { now: h.now });
    expect(await h.t.db.select().from(transmissions).where(eq(transmissions.orderId, orderId))).toHaveLength(1);
  });

  it("does not send orders paid before the API was switched on, nor anything on the Pixel method", async () => {
    await placeOrder(h.t.db, "M1", { now: new Date(Date.now() - 2 * 3600_000) });
    await h.t.db.update(ontraportConfigs).set({ method: "pixel" });
    await placeOrder(h.t.db, "M1");
    expect(await h.worker.drain()).toBe(0);
    expect(await h.t.db.select().from(transmissions)).toHaveLength(0);
  });

  it("fails a 2xx <error> at once and keeps the message", async () => {
    h.fake.script.push({ statusCode: 200, body: "<error>Invalid contact</error>" });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    expect(await stateOf(orderId)).toMatchObject({ status: "failed", lastError: "Invalid contact", attempts: 1 });
  });

  it("records answers cut in the middle of an emoji (half a surrogate pair becomes U+FFFD)", async () => {
    // A 500 page whose 300-character excerpt (the error message) ends inside an emoji, then a Success
    // whose id holds half an emoji.
    h.fake.script.push({ statusCode: 500, body: `${"x".repeat(299)}\u{1F600} more` }, { statusCode: 200, body: "<result><status>Success</status><id>7\uD83D</id></result>" });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    const failed = await stateOf(orderId);
    expect(failed).toMatchObject({ status: "pending", attempts: 1, retryStep: 1 });
    expect(failed.lastError).toMatch(/x\uFFFD$/);
    h.at(5_000);
    await h.worker.drain();
    const row = await stateOf(orderId);
    expect(row).toMatchObject({ status: "delivered", attempts: 2, lastResponseBody: "<result><status>Success</status><id>7\uFFFD</id></result>" });
    const attempts = await attemptsOf(row.id);
    expect(attempts.map((a) => a.statusCode)).toEqual([500, 200]);
    expect(attempts[0]!.error).toMatch(/x\uFFFD$/);
  });

  it("fails any other 4xx at once", async () => {
    h.fake.script.push({ statusCode: 400, body: "<error>Bad request</error>" });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    expect(await stateOf(orderId)).toMatchObject({ status: "failed", lastStatusCode: 400 });
  });

  it("pauses on a stale key, marks the key stale, and resumes after a new key is saved", async () => {
    h.fake.script.push({ statusCode: 403, body: "<error>Invalid AppId / Key Combination</error>" });
    const first = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    const second = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    expect(await stateOf(first)).toMatchObject({ status: "paused", lastStatusCode: 403 });
    expect(await stateOf(second)).toMatchObject({ status: "pending", attempts: 0 });
    const c = await configOf(h.t.db, "M1");
    expect(c).toMatchObject({ keyStatus: "stale", keyStatusCode: 403 });
    expect(c.pausedAt).not.toBeNull();
    // What saving a new key does (the configuration page): paused rows back to pending, pause cleared.
    await apiMerchant(h.t.db, "M1", { key: "key-two" });
    await h.t.db.update(ontraportConfigs).set({ pausedAt: null, pausedReason: null });
    await h.t.db.update(transmissions).set({ status: "pending", nextAttemptAt: h.now }).where(eq(transmissions.status, "paused"));
    await h.worker.drain();
    expect((await stateOf(first)).status).toBe("delivered");
    expect((await stateOf(second)).status).toBe("delivered");
    expect(h.fake.requests.at(-1)!.apiKey).toBe("key-two");
    expect(await attemptsOf((await stateOf(first)).id)).toHaveLength(2);
  });

  it("waits X-Rate-Limit-Reset after a 429 without counting it against the schedule, and holds the merchant", async () => {
    h.fake.script.push({ statusCode: 429, body: "<error>Rate limit</error>", rateLimitReset: 30 });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    let row = await stateOf(orderId);
    expect(row).toMatchObject({ status: "pending", attempts: 1, retryStep: 0 });
    expect(row.nextAttemptAt.getTime() - h.now.getTime()).toBe(30_000);
    const [w] = await h.t.db.select().from(ontraportRateWindows).where(eq(ontraportRateWindows.merchantId, "M1"));
    expect(w!.blockedUntil!.getTime()).toBe(row.nextAttemptAt.getTime());
    // Another sale of the same merchant is not sent while the block lasts.
    const other = await placeOrder(h.t.db, "M1");
    h.at(10_000);
    expect(await h.worker.drain()).toBe(0);
    h.at(21_000);
    await h.worker.drain();
    row = await stateOf(orderId);
    expect(row).toMatchObject({ status: "delivered", attempts: 2 });
    expect((await stateOf(other)).status).toBe("delivered");
  });

  it("retries transient failures on the schedule, then fails for good", async () => {
    const schedule = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
    h.fake.script.push(...Array.from({ length: 8 }, (_, i) => (i % 2 ? { statusCode: 503, body: "down" } : { statusCode: null, error: "Connection error: ECONNRESET" })));
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    for (const [i, delay] of schedule.entries()) {
      const row = await stateOf(orderId);
      expect(row).toMatchObject({ status: "pending", retryStep: i + 1 });
      expect(row.nextAttemptAt.getTime() - h.now.getTime()).toBe(delay);
      h.at(delay - 1);
      expect(await h.worker.drain()).toBe(0);
      h.at(1);
      expect(await h.worker.drain()).toBe(1);
    }
    const row = await stateOf(orderId);
    expect(row).toMatchObject({ status: "failed", attempts: 8 });
    expect(row.lastError).toMatch(/Gave up after 8 attempts/);
    expect(await attemptsOf(row.id)).toHaveLength(8);
    // Requeue: pending again, attempts kept.
    expect(await requeueFailed(h.t.db, { merchantId: "M1", from: new Date(0), to: new Date(h.now.getTime() + 1), now: h.now })).toBe(1);
    await h.worker.drain();
    expect(await stateOf(orderId)).toMatchObject({ status: "delivered", attempts: 9 });
  });

  it("treats a 2xx that is not XML as transient", async () => {
    h.fake.script.push({ statusCode: 200, body: "<result><status>Succ" });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    expect(await stateOf(orderId)).toMatchObject({ status: "pending", retryStep: 1 });
  });

  it("never sends a refund before its order's Sale, and skips a refund without a Sale", async () => {
    h.fake.script.push({ statusCode: 500, body: "oops" });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    const refundId = await h.t.db.transaction(async (tx) => {
      const [r] = await tx.insert(refunds).values({ code: "R-1", orderId, merchantId: "M1", full: false, reason: "Damaged", merchandiseCents: 1995, taxCents: 160, amountCents: 2155 }).returning();
      await recordEvent(tx, { merchantId: "M1", type: "order.refunded", subjectId: r!.id, payload: { orderId } });
      return r!.id;
    });
    expect(await h.worker.drain()).toBe(0);
    expect(await stateOf(orderId, "refund")).toMatchObject({ status: "held", refundId, lastError: "Held: waiting for the Sale" });
    h.at(5_000);
    await h.worker.drain();
    expect(h.fake.requests.map((r) => r.reqType)).toEqual(["sale", "sale", "refund"]);
    expect((await stateOf(orderId, "refund")).status).toBe("delivered");

    // An order paid before the API was on: no Sale, so its refund is logged as skipped.
    const old = await placeOrder(h.t.db, "M1", { now: new Date(Date.now() - 2 * 3600_000) });
    await h.t.db.transaction(async (tx) => {
      const [r] = await tx.insert(refunds).values({ code: "R-2", orderId: old, merchantId: "M1", full: true, merchandiseCents: 3990, taxCents: 319, amountCents: 4309 }).returning();
      await recordEvent(tx, { merchantId: "M1", type: "order.refunded", subjectId: r!.id, payload: { orderId: old } });
    });
    await h.worker.drain();
    expect(await stateOf(old, "refund")).toMatchObject({ status: "skipped", lastError: expect.stringContaining("never received a Sale") });
  });

  it("skips a paused or rate-limited merchant in the claim instead of waiting on it", async () => {
    await apiMerchant(h.t.db, "M2", { rateLimitPerMinute: 60 });
    await apiMerchant(h.t.db, "M3");
    await h.t.db.update(ontraportConfigs).set({ pausedAt: h.now, pausedReason: "stale" }).where(eq(ontraportConfigs.merchantId, "M1"));
    for (let i = 0; i < 5; i++) await placeOrder(h.t.db, "M2");
    for (let i = 0; i < 3; i++) await placeOrder(h.t.db, "M1");
    const c = await placeOrder(h.t.db, "M3");
    await h.worker.drain();
    // M2's burst is one at 60 a minute; M1 is paused; M3 goes out.
    expect((await stateOf(c)).status).toBe("delivered");
    const sent = await h.t.db.select({ m: transmissions.merchantId, s: transmissions.status }).from(transmissions).where(eq(transmissions.status, "delivered"));
    expect(sent.filter((r) => r.m === "M2")).toHaveLength(1);
    expect(sent.filter((r) => r.m === "M1")).toHaveLength(0);
    h.at(1_000);
    expect(await h.worker.drain()).toBe(0);
    h.at(60_000);
    expect(await h.worker.drain()).toBe(1);
  });

  it("queues a manual resend once per request, linked to the last Sale", async () => {
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    const first = await stateOf(orderId);
    const a = await enqueueManualResend(h.t.db, { merchantId: "M1", orderId, userId: null as unknown as string, requestId: "req-1", now: h.now });
    const b = await enqueueManualResend(h.t.db, { merchantId: "M1", orderId, userId: null as unknown as string, requestId: "req-1", now: h.now });
    expect(a.created).toBe(true);
    expect(b).toEqual({ id: a.id, created: false });
    const [row] = await h.t.db.select().from(transmissions).where(eq(transmissions.id, a.id));
    expect(row).toMatchObject({ trigger: "manual", resendOf: first.id, idempotencyKey: `sale:${orderId}:manual:req-1` });
    await h.worker.drain();
    expect(h.fake.requests.map((r) => r.transmissionId)).toEqual([first.id, a.id]);
    const unpaid = await placeOrder(h.t.db, "M1", { stage: "Accounts Receivable", paymentStatus: "Unprocessed" });
    await expect(enqueueManualResend(h.t.db, { merchantId: "M1", orderId: unpaid, userId: null as unknown as string, requestId: "x" })).rejects.toThrow(/paid/);
    await expect(enqueueManualResend(h.t.db, { merchantId: "M2", orderId, userId: null as unknown as string, requestId: "x" })).rejects.toThrow(/not found/i);
  });

  it("reclaims a crashed worker's rows when the lease runs out", async () => {
    const orderId = await placeOrder(h.t.db, "M1");
    await dispatchAll(h.t.db, { now: h.now });
    await h.t.db.update(transmissions).set({ status: "sending", lockedBy: "dead", leaseUntil: new Date(h.now.getTime() + 60_000) });
    expect(await h.worker.drain()).toBe(0);
    h.at(61_000);
    expect(await h.worker.drain()).toBe(1);
    expect((await stateOf(orderId)).status).toBe("delivered");
  });

  it("records each answer as it arrives, so a crash can only re-send what was still waiting", async () => {
    const first = await placeOrder(h.t.db, "M1");
    const second = await placeOrder(h.t.db, "M1");
    const third = await placeOrder(h.t.db, "M1");
    await dispatchAll(h.t.db, { now: h.now });
    let release: () => void = () => {};
    const hung = new Promise<void>((r) => {
      release = r;
    });
    const answered: string[] = [];
    const sends = new Map<string, string>();
    const slow = h.newWorker({
      // Three requests of one store in flight at once (the default is one per store).
      perStore: 10,
      send: async (r) => {
        const orderId = /<order id="([^"]+)"/.exec(r.xml)?.[1] ?? "";
        sends.set(orderId, r.transmissionId ?? "");
        // The second order's answer never comes while the others are answered at once.
        if (orderId === second) await hung;
        answered.push(orderId);
        return { statusCode: 200, body: "<result><status>Success</status></result>", rateLimitReset: null, durationMs: 1, error: null };
      },
    });
    const cycle = slow.cycle();
    // The batch is still out (one answer missing), yet the answered Sales are already delivered: a
    // worker killed now would leave only the second order to be sent again.
    const delivered = async (id: string) => (await stateOf(id)).status === "delivered";
    for (let i = 0; i < 500 && !((await delivered(first)) && (await delivered(third))); i++) await new Promise((r) => setTimeout(r, 10));
    expect((await stateOf(first)).status).toBe("delivered");
    expect((await stateOf(third)).status).toBe("delivered");
    expect((await stateOf(second)).status).toBe("sending");
    expect(answered).not.toContain(second);
    release();
    expect(await cycle).toBe(3);
    expect((await stateOf(second)).status).toBe("delivered");
    expect(sends.size).toBe(3);
  });

  it("records an answer with NUL bytes (PostgreSQL text cannot hold them) without losing the others", async () => {
    const first = await placeOrder(h.t.db, "M1");
    const second = await placeOrder(h.t.db, "M1");
    h.fake.script = [{ statusCode: 500, body: "Internal\u0000error" }, OK];
    // Both in one batch, so both answers can share one recording statement.
    const batched = h.newWorker({ perStore: 10 });
    expect(await batched.drain(1)).toBe(2);
    const rows = [await stateOf(first), await stateOf(second)];
    expect(rows.map((r) => r.status).sort()).toEqual(["delivered", "pending"]);
    const failed = rows.find((r) => r.status === "pending")!;
    expect(failed.lastError).toContain("Internal\uFFFDerror");
    const [attempt] = await attemptsOf(failed.id);
    expect(attempt).toMatchObject({ statusCode: 500, responseBody: "Internal\uFFFDerror" });
  });
});

