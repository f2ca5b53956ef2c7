import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { domainEvents, ontraportConfigs, ontraportRateWindows, refunds, transmissions } from "@/lib/db/schema";
import { recordEvent } from "@/lib/orders/events";
import { checkHealth } from "@/lib/ops/health";
import { testBackends } from "@/tools/testing/db";
import { setMethod } from "../config/config";
import { enqueueManualResend, requeueFailed } from "./outbox";
import { startStatus } from "./held";
import { THROTTLE_LIMIT_MS } from "./retry";
import { PAUSE_LIMIT_MS, resumeAfterNewKey } from "./stale-key";
import { useEngineHarness } from "@/tools/testing/engine";
import { apiMerchant, placeOrder, resolveTestKey } from "@/tools/testing/ontraport";
import { OutboxWorker } from "./worker";

// Every state a transmission can be in has an end, with the reason in words; refunds wait for their
// Sale; a poison event is set aside; unknown outcomes are recorded as such. A scripted ONTRAPORT and a
// movable clock.



describe.each(testBackends())("delivery states on %s", (kind) => {
  const h = useEngineHarness(kind);

  const { transmissionOf: rowOf, attemptsOf } = h;
  const refund = (orderId: string, values: { code: string; merchandiseCents: number; taxCents: number; shippingHandlingCents?: number; full?: boolean }) =>
    h.t.db.transaction(async (tx) => {
      const amountCents = values.merchandiseCents + values.taxCents + (values.shippingHandlingCents ?? 0);
      const [r] = await tx.insert(refunds).values({ orderId, merchantId: "M1", full: values.full ?? false, reason: "Price match", amountCents, ...values }).returning();
      await recordEvent(tx, { merchantId: "M1", type: "order.refunded", subjectId: r!.id, payload: { orderId } });
      return r!.id;
    });
  const sentTypes = () => h.fake.requests.map((r) => `${r.reqType} ${/<order id="([^"]+)"/.exec(r.xml)?.[1] ?? ""}`);

  it("holds a refund while its Sale failed, and Resend failed sends the Sale before it", async () => {
    h.fake.script.push({ statusCode: 200, body: "<error>Invalid product</error>" });
    const orderId = await placeOrder(h.t.db, "M1");
    const other = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    expect(await rowOf(orderId)).toMatchObject({ status: "failed", endReason: "rejected" });
    await refund(orderId, { code: "R-1", merchandiseCents: 1995, taxCents: 160 });
    await refund(other, { code: "R-2", merchandiseCents: 1995, taxCents: 160 });
    await h.worker.drain();
    // Held per order: the other order's refund went out; this one waits, saying why.
    expect(await rowOf(orderId, "refund")).toMatchObject({ status: "held", lastError: "Held: waiting for the Sale" });
    expect((await rowOf(other, "refund")).status).toBe("delivered");
    expect(sentTypes()).not.toContain(`refund ${orderId}`);
    // Resend failed puts the Sale back; the refund stays held until the Sale is delivered, then follows it.
    expect(await requeueFailed(h.t.db, { merchantId: "M1", from: new Date(0), to: new Date(h.now.getTime() + 1), now: h.now })).toBe(1);
    expect((await rowOf(orderId, "refund")).status).toBe("held");
    h.at(60_000);
    await h.worker.drain();
    const mine = sentTypes().filter((s) => s.endsWith(orderId));
    expect(mine).toEqual([`sale ${orderId}`, `sale ${orderId}`, `refund ${orderId}`]);
    expect((await rowOf(orderId, "refund")).status).toBe("delivered");
  });

  it("holds only behind a Sale on its way: none, skipped or delivered holds nothing", async () => {
    const facts = { merchantId: "M1", type: "auto_order_status" as const, orderId: "M1-OLD" };
    expect(await startStatus(h.t.db, facts)).toBe("pending");
    const sale = { merchantId: "M1", type: "sale" as const, orderId: "M1-OLD", description: "Sale M1-OLD", payload: "<x/>" };
    await h.t.db.insert(transmissions).values({ ...sale, status: "skipped", idempotencyKey: "sale:M1-OLD" });
    expect(await startStatus(h.t.db, facts)).toBe("pending");
    await h.t.db.insert(transmissions).values({ ...sale, status: "failed", idempotencyKey: "sale:M1-OLD:manual:1" });
    expect(await startStatus(h.t.db, facts)).toBe("held");
    expect(await startStatus(h.t.db, { ...facts, type: "affiliate", orderId: null })).toBe("pending");
    await h.t.db.insert(transmissions).values({ ...sale, status: "delivered", idempotencyKey: "sale:M1-OLD:manual:2" });
    expect(await startStatus(h.t.db, facts)).toBe("pending");
  });

  it("releases a refund held behind a Sale delivered meanwhile (dispatched while the Sale was on the wire)", async () => {
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    // As if dispatch had seen the Sale still sending and committed the refund after the Sale's release.
    const refundId = await refund(orderId, { code: "R-RACE", merchandiseCents: 1995, taxCents: 160 });
    const { dispatchAll } = await import("./dispatch");
    await dispatchAll(h.t.db, { now: h.now });
    await h.t.db.update(transmissions).set({ status: "held" }).where(eq(transmissions.refundId, refundId));
    h.at(3_000);
    await h.worker.drain();
    expect((await rowOf(orderId, "refund")).status).toBe("delivered");
  });

  it("releases a held refund when a manual resend of the Sale is delivered", async () => {
    h.fake.script.push({ statusCode: 400, body: "bad" });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    await refund(orderId, { code: "R-3", merchandiseCents: 3990, taxCents: 319, full: true });
    await h.worker.drain();
    expect((await rowOf(orderId, "refund")).status).toBe("held");
    const r = await enqueueManualResend(h.t.db, { merchantId: "M1", orderId, userId: null as unknown as string, requestId: "again", now: h.now });
    expect(r.created).toBe(true);
    h.at(60_000);
    await h.worker.drain();
    expect((await rowOf(orderId, "refund")).status).toBe("delivered");
    expect(sentTypes().at(-1)).toBe(`refund ${orderId}`);
  });

  it("sets a poison event aside: other stores and events flow, the log says why, /api/health is degraded", async () => {
    await apiMerchant(h.t.db, "M2");
    // An auto order id that is not a uuid makes its snapshot query throw.
    await recordEvent(h.t.db, { merchantId: "M1", type: "auto_order.status_changed", subjectId: "not-a-uuid", payload: { status: "cancelled" } });
    const a = await placeOrder(h.t.db, "M1");
    const b = await placeOrder(h.t.db, "M2");
    await h.worker.drain();
    expect((await rowOf(a)).status).toBe("delivered");
    expect((await rowOf(b)).status).toBe("delivered");
    const [event] = await h.t.db.select().from(domainEvents).where(eq(domainEvents.subjectId, "not-a-uuid"));
    expect(event!.failedAt).not.toBeNull();
    expect(event!.dispatchError).toMatch(/uuid/i);
    const [logged] = await h.t.db.select().from(transmissions).where(eq(transmissions.idempotencyKey, `event-failed:${event!.id}`));
    expect(logged).toMatchObject({ status: "failed", type: "auto_order_status", endReason: "event_failed" });
    expect(logged!.lastError).toMatch(/^Could not prepare this Auto Order Status/);
    const health = await checkHealth(h.t.db);
    expect(health.status).toBe("degraded");
    expect(health.events.failed).toBe(1);
    // Set aside once: later cycles do not try it again or fail the batch.
    await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    expect((await checkHealth(h.t.db)).events).toMatchObject({ failed: 1, oldestUndispatchedAgeSeconds: null });
  });

  it("fails what a stale key paused for 7 days, and a new key brings it back", async () => {
    h.fake.script.push({ statusCode: 401, body: "<error>Invalid AppId / Key Combination</error>" });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    expect(await rowOf(orderId)).toMatchObject({ status: "paused", endReason: "key_refused" });
    h.at(PAUSE_LIMIT_MS - 60_000);
    await h.worker.drain();
    expect((await rowOf(orderId)).status).toBe("paused");
    h.at(60_000);
    await h.worker.drain();
    expect(await rowOf(orderId)).toMatchObject({ status: "failed", endReason: "key_refused_7d", lastError: expect.stringContaining("refused the key for 7 days") });
    // A new key: the pause is cleared and the row goes out again.
    await h.t.db.transaction(async (tx) => {
      await tx.update(ontraportConfigs).set({ pausedAt: null, pausedReason: null }).where(eq(ontraportConfigs.merchantId, "M1"));
      expect(await resumeAfterNewKey(tx, "M1", h.now)).toBe(1);
    });
    await h.worker.drain();
    expect((await rowOf(orderId)).status).toBe("delivered");
  });

  it("counts 429s and fails after 24 hours of them without a break", async () => {
    const orderId = await placeOrder(h.t.db, "M1");
    const hours = THROTTLE_LIMIT_MS / 3600_000;
    for (let i = 0; i <= hours; i++) {
      h.fake.script.push({ statusCode: 429, body: "", rateLimitReset: 3600 });
      await h.worker.drain();
      h.at(3600_000);
    }
    const row = await rowOf(orderId);
    expect(row).toMatchObject({ status: "failed", endReason: "throttled_24h", rateLimited: hours + 1, retryStep: 0 });
    expect(row.lastError).toMatch(/24 hours/);
  });

  it("records a lease taken over as an unknown outcome, and fails the third", async () => {
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain(0);
    await h.t.db.execute(sql`select 1`);
    const { dispatchAll } = await import("./dispatch");
    await dispatchAll(h.t.db, { now: h.now });
    for (let i = 1; i <= 3; i++) {
      await h.t.db.update(transmissions).set({ status: "sending", lockedBy: "dead", leaseUntil: new Date(h.now.getTime() + 1000) }).where(eq(transmissions.orderId, orderId));
      h.at(3_000);
      await h.worker.drain(1);
      const row = await rowOf(orderId);
      if (i < 3) {
        // Taken over, then sent again with the same X-Transmission-Id: delivered.
        expect(row).toMatchObject({ takeovers: i, status: "delivered" });
        await h.t.db.update(transmissions).set({ status: "pending" }).where(eq(transmissions.id, row.id));
      } else {
        expect(row).toMatchObject({ status: "failed", endReason: "interrupted_3x", takeovers: 3, lastError: expect.stringContaining("interrupted 3 times") });
      }
    }
    const attempts = await attemptsOf((await rowOf(orderId)).id);
    expect(attempts.filter((a) => a.outcome === "unknown")).toHaveLength(3);
  });

  it("records a request written but unanswered as an unknown outcome, and retries it with the same X-Transmission-Id", async () => {
    h.fake.script.push({ statusCode: null, error: "No answer within 15 s (timeout)", written: true });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    let row = await rowOf(orderId);
    expect(row).toMatchObject({ status: "pending", outcomeUnknown: true, retryStep: 1 });
    expect(row.lastError).toMatch(/^Outcome unknown: No answer within 15 s/);
    const [first] = await attemptsOf(row.id);
    expect(first).toMatchObject({ outcome: "unknown" });
    h.at(5_000);
    await h.worker.drain();
    row = await rowOf(orderId);
    expect(row).toMatchObject({ status: "delivered", outcomeUnknown: false });
    expect(h.fake.requests.map((r) => r.transmissionId)).toEqual([row.id, row.id]);
    // Not written (connection refused): nothing reached ONTRAPORT, a plain transient failure.
    h.fake.script.push({ statusCode: null, error: "Connection error: ECONNREFUSED", written: false });
    const second = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    expect(await rowOf(second)).toMatchObject({ status: "pending", outcomeUnknown: false });
  });

  it("skips what is queued when the integration is turned off, and turning it on sends none of it", async () => {
    await h.t.db.insert((await import("@/lib/db/schema")).users).values({ id: "00000000-0000-4000-8000-000000000001", merchantId: "M1", email: "a@example.com", name: "A", passwordHash: "x", role: "admin" }).onConflictDoNothing();
    h.fake.script.push({ statusCode: 503, body: "busy" });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    expect((await rowOf(orderId)).status).toBe("pending");
    await setMethod(h.t.db, { merchantId: "M1", userId: "00000000-0000-4000-8000-000000000001", method: "off" });
    expect(await rowOf(orderId)).toMatchObject({ status: "skipped", endReason: "integration_off", lastError: expect.stringContaining("Integration turned off") });
    await setMethod(h.t.db, { merchantId: "M1", userId: "00000000-0000-4000-8000-000000000001", method: "api" });
    h.at(3600_000);
    const before = h.fake.requests.length;
    await h.worker.drain();
    expect(h.fake.requests.length).toBe(before);
    expect((await rowOf(orderId)).status).toBe("skipped");
  });

  it("skips a row that was in flight when the integration was turned off once its answer brings it back", async () => {
    await h.t.db.insert((await import("@/lib/db/schema")).users).values({ id: "00000000-0000-4000-8000-000000000002", merchantId: "M1", email: "b@example.com", name: "B", passwordHash: "x", role: "admin" }).onConflictDoNothing();
    const orderId = await placeOrder(h.t.db, "M1");
    let turnOff: () => Promise<void> = async () => {};
    const inFlight = h.newWorker({
      send: async () => {
        await turnOff();
        return { statusCode: 503, body: "busy", rateLimitReset: null, durationMs: 1, error: null };
      },
    });
    turnOff = async () => {
      await setMethod(h.t.db, { merchantId: "M1", userId: "00000000-0000-4000-8000-000000000002", method: "off" });
    };
    await inFlight.drain(1);
    turnOff = async () => {};
    // Answered 503 after the switch: back in the queue for a moment, then the sweep skips it.
    h.at(3_000);
    await inFlight.drain();
    expect(await rowOf(orderId)).toMatchObject({ status: "skipped", endReason: "integration_off" });
    await setMethod(h.t.db, { merchantId: "M1", userId: "00000000-0000-4000-8000-000000000002", method: "api" });
    h.at(3600_000);
    expect(await inFlight.drain()).toBe(0);
  });

  it("fails Sales queued while the key was refused for 7 days", async () => {
    h.fake.script.push({ statusCode: 401, body: "<error>Invalid AppId / Key Combination</error>" });
    await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    const later = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    expect((await rowOf(later)).status).toBe("pending");
    h.at(PAUSE_LIMIT_MS + 3_000);
    await h.worker.drain();
    expect(await rowOf(later)).toMatchObject({ status: "failed", endReason: "key_refused_7d" });
  });

  it("records a delivered answer that arrives after its lease was taken over, without sending it again", async () => {
    const orderId = await placeOrder(h.t.db, "M1");
    let takeOver: () => Promise<void> = async () => {};
    const slow = h.newWorker({
      send: async () => {
        await takeOver();
        return { statusCode: 200, body: "<result><status>Success</status></result>", rateLimitReset: null, durationMs: 1, error: null };
      },
    });
    takeOver = async () => {
      // The lease ran out while ONTRAPORT was answering: another worker took the row over.
      h.at(61_000);
      const { reclaimExpiredLeases } = await import("./worker");
      await reclaimExpiredLeases(h.t.db, h.now);
    };
    await slow.drain(1);
    const row = await rowOf(orderId);
    expect(row).toMatchObject({ status: "delivered", takeovers: 1 });
  });

  it("Resend failed leaves a failed Sale alone when the order was resent by hand since", async () => {
    h.fake.script.push({ statusCode: 400, body: "bad" });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    await enqueueManualResend(h.t.db, { merchantId: "M1", orderId, userId: null as unknown as string, requestId: "by-hand", now: h.now });
    h.at(60_000);
    await h.worker.drain();
    expect(await requeueFailed(h.t.db, { merchantId: "M1", from: new Date(0), to: new Date(h.now.getTime() + 1), now: h.now })).toBe(0);
    await h.worker.drain();
    expect(h.fake.requests.filter((r) => r.reqType === "sale")).toHaveLength(2);
  });

  it("sends a price adjustment as an <adjustment> and skips a shipping-only refund", async () => {
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    await refund(orderId, { code: "R-ADJ", merchandiseCents: 1000, taxCents: 80 });
    await h.worker.drain();
    const adj = await rowOf(orderId, "refund");
    expect(adj.status).toBe("delivered");
    expect(adj.payload).toContain("<adjustment>10.00</adjustment>");
    expect(adj.payload).not.toContain("<purchase");
    expect(adj.payload).toContain("<amount>10.80</amount>");
    const ship = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    await refund(ship, { code: "R-SHIP", merchandiseCents: 0, taxCents: 0, shippingHandlingCents: 500 });
    await h.worker.drain();
    expect(await rowOf(ship, "refund")).toMatchObject({ status: "skipped", endReason: "shipping_only", lastError: "Shipping and handling only; ONTRAPORT does not store it" });
    expect(sentTypes()).not.toContain(`refund ${ship}`);
  });

  it("does not queue a second copy of a Sale that is still waiting, and can send the waiting one now", async () => {
    h.fake.script.push({ statusCode: 503, body: "busy" });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    const waiting = await rowOf(orderId);
    expect(waiting.status).toBe("pending");
    const r = await enqueueManualResend(h.t.db, { merchantId: "M1", orderId, userId: null as unknown as string, requestId: "r1", now: h.now });
    expect(r).toMatchObject({ id: waiting.id, created: false, waiting: { status: "pending", merchantPaused: false } });
    expect(await h.t.db.select().from(transmissions).where(eq(transmissions.orderId, orderId))).toHaveLength(1);
    const now2 = await enqueueManualResend(h.t.db, { merchantId: "M1", orderId, userId: null as unknown as string, requestId: "r2", sendNow: true, now: h.now });
    expect(now2.waiting?.nextAttemptAt.getTime()).toBe(h.now.getTime());
    await h.worker.drain();
    expect((await rowOf(orderId)).status).toBe("delivered");
    expect(h.fake.requests.filter((q) => q.transmissionId === waiting.id)).toHaveLength(2);

    // Paused by a stale key: the waiting one goes out by itself after a new key; no second copy.
    h.fake.script.push({ statusCode: 403, body: "<error>Invalid AppId / Key Combination</error>" });
    const paused = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    const p = await enqueueManualResend(h.t.db, { merchantId: "M1", orderId: paused, userId: null as unknown as string, requestId: "r3", sendNow: true, now: h.now });
    expect(p).toMatchObject({ created: false, waiting: { status: "paused", merchantPaused: true } });
    expect(await h.t.db.select().from(transmissions).where(eq(transmissions.orderId, paused))).toHaveLength(1);
  });

  it("never lets stores with nothing due crowd out a store with work", async () => {
    // Six stores served long ago, with nothing to send, rank before M1 (served just now).
    for (let i = 0; i < 6; i++) {
      await apiMerchant(h.t.db, `Q${i}`);
      await h.t.db.insert(ontraportRateWindows).values({ merchantId: `Q${i}`, tokens: 3, refilledAt: new Date(h.now.getTime() - 3600_000) });
    }
    await h.t.db.insert(ontraportRateWindows).values({ merchantId: "M1", tokens: 3, refilledAt: h.now });
    const orderId = await placeOrder(h.t.db, "M1");
    const small = h.newWorker({ claimBatch: 1 });
    expect(await small.drain()).toBe(1);
    expect((await rowOf(orderId)).status).toBe("delivered");
  });

  it("keeps one request in flight per store: a store that does not answer holds one slot, never the others'", async () => {
    await apiMerchant(h.t.db, "M2");
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const inFlight = new Map<string, number>();
    let maxM1 = 0;
    const live = new OutboxWorker({
      db: h.t.db,
      endpoint: "http://ontraport.test/",
      resolveKey: resolveTestKey,
      listen: false,
      pollMs: 20,
      concurrency: 2,
      send: async (r) => {
        const m = r.apiKey === "key-one" ? "M1" : "M2";
        inFlight.set(m, (inFlight.get(m) ?? 0) + 1);
        if (m === "M1") {
          maxM1 = Math.max(maxM1, inFlight.get("M1")!);
          await gate;
        }
        inFlight.set(m, inFlight.get(m)! - 1);
        return { statusCode: 200, body: "<result><status>Success</status></result>", rateLimitReset: null, durationMs: 1, error: null };
      },
    });
    for (let i = 0; i < 3; i++) await placeOrder(h.t.db, "M1");
    await live.start();
    try {
      const b = [await placeOrder(h.t.db, "M2"), await placeOrder(h.t.db, "M2")];
      for (let i = 0; i < 300; i++) {
        const rows = await Promise.all(b.map((id) => rowOf(id)));
        if (rows.every((row) => row?.status === "delivered")) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await Promise.all(b.map((id) => rowOf(id)))).map((row) => row.status)).toEqual(["delivered", "delivered"]);
      expect(maxM1).toBe(1);
      const sending = await h.t.db.select().from(transmissions).where(and(eq(transmissions.merchantId, "M1"), eq(transmissions.status, "sending")));
      expect(sending).toHaveLength(1);
    } finally {
      release();
      await live.stop();
    }
  });
});
