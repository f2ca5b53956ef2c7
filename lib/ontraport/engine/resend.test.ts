import { randomBytes, randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, refunds, transmissions } from "@/lib/db/schema";
import { recordEvent } from "@/lib/orders/events";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { requeueFailedIds, resendTransmission } from "./outbox";
import { apiMerchant, FakeOntraport, placeOrder, resolveTestKey } from "@/tools/testing/ontraport";
import { OutboxWorker } from "./worker";

// Resend from the Transmission Log: a new row that copies the original, one per request id, in the
// engine's order (a Refund waits for its Sale), never a second Sale while one waits, tenant-safe.

describe.each(testBackends())("resendTransmission on %s", (kind) => {
  let t: TestDatabase;
  let fake: FakeOntraport;
  let now: Date;
  let worker: OutboxWorker;
  const at = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  beforeAll(async () => {
    process.env.CARTLINK_ENCRYPTION_KEY ??= randomBytes(32).toString("hex");
    t = await openTestDatabase(kind);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.db.execute(sql`truncate audit_log, transmission_attempts, transmissions, domain_events, ontraport_rate_windows, ontraport_configs, order_stage_history, refund_lines, refunds, order_lines, orders, merchants cascade`);
    now = new Date();
    fake = new FakeOntraport();
    worker = new OutboxWorker({ db: t.db, endpoint: "http://ontraport.test/", clock: () => now, resolveKey: resolveTestKey, send: fake.send, listen: false });
    await apiMerchant(t.db, "M1", { key: "key-one" });
  });

  const rowOf = async (orderId: string, type: "sale" | "refund" = "sale") => {
    const rows = await t.db.select().from(transmissions).where(and(eq(transmissions.orderId, orderId), eq(transmissions.type, type))).orderBy(transmissions.seq);
    return rows[0]!;
  };
  const rowsOf = (orderId: string, type: "sale" | "refund") => t.db.select().from(transmissions).where(and(eq(transmissions.orderId, orderId), eq(transmissions.type, type))).orderBy(transmissions.seq);
  const refund = (orderId: string, code: string) =>
    t.db.transaction(async (tx) => {
      const [r] = await tx.insert(refunds).values({ orderId, merchantId: "M1", full: false, reason: "Price match", amountCents: 2155, code, merchandiseCents: 1995, taxCents: 160 }).returning();
      await recordEvent(tx, { merchantId: "M1", type: "order.refunded", subjectId: r!.id, payload: { orderId } });
      return r!.id;
    });
  const resend = (transmissionId: string, extra: { requestId?: string; sendNow?: boolean; merchantId?: string } = {}) =>
    resendTransmission(t.db, { merchantId: extra.merchantId ?? "M1", transmissionId, userId: null, requestId: extra.requestId ?? randomUUID(), sendNow: extra.sendNow, now });

  it("copies a delivered Sale as a new manual row with the original's payload, audited, and delivers it", async () => {
    const orderId = await placeOrder(t.db, "M1");
    await worker.drain();
    const original = await rowOf(orderId);
    expect(original.status).toBe("delivered");
    const r = await resend(original.id);
    expect(r).toMatchObject({ created: true, status: "pending" });
    const [copy] = await t.db.select().from(transmissions).where(eq(transmissions.id, r.id));
    expect(copy).toMatchObject({ type: "sale", orderId, merchantId: "M1", trigger: "manual", resendOf: original.id, direction: "outbound", attempts: 0, email: original.email, description: original.description });
    // The same notification, under the new row's id (the XML's id and X-Transmission-Id agree).
    expect(copy!.payload).toBe(original.payload.replace(`id="${original.id}"`, `id="${copy!.id}"`));
    expect(copy!.payload).not.toBe(original.payload);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.action, "ontraport.resend"));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.detail).toMatchObject({ transmissionId: r.id, resendOf: original.id });
    at(1_000);
    await worker.drain();
    expect((await t.db.select().from(transmissions).where(eq(transmissions.id, r.id)))[0]!.status).toBe("delivered");
    expect(fake.requests.filter((q) => q.reqType === "sale")).toHaveLength(2);
  });

  it("queues a resent Refund as held while its order's Sale is not delivered, and sends it after the Sale", async () => {
    fake.script.push({ statusCode: 200, body: "<error>Invalid product</error>" });
    const orderId = await placeOrder(t.db, "M1");
    await worker.drain();
    expect((await rowOf(orderId)).status).toBe("failed");
    await refund(orderId, "R-1");
    await worker.drain();
    const original = await rowOf(orderId, "refund");
    expect(original.status).toBe("held");
    // As when the integration was turned off meanwhile: the held refund ended skipped.
    await t.db.update(transmissions).set({ status: "skipped", lastError: "integration turned off" }).where(eq(transmissions.id, original.id));
    const r = await resend(original.id);
    expect(r).toMatchObject({ created: true, status: "held" });
    const [copy] = await t.db.select().from(transmissions).where(eq(transmissions.id, r.id));
    expect(copy).toMatchObject({ status: "held", lastError: "Held: waiting for the Sale", refundId: original.refundId, resendOf: original.id });
    at(1_000);
    await worker.drain();
    expect(fake.requests.filter((q) => q.reqType === "refund")).toHaveLength(0);
    // The Sale goes out (resent by hand); the held copy follows it.
    await resend((await rowOf(orderId)).id);
    at(1_000);
    await worker.drain();
    expect((await t.db.select().from(transmissions).where(eq(transmissions.id, r.id)))[0]!.status).toBe("delivered");
    expect(fake.requests.map((q) => q.reqType)).toEqual(["sale", "sale", "refund"]);
  });

  it("queues no second Sale while one of the order waits, and Send it now makes that one due", async () => {
    fake.script.push({ statusCode: 503, body: "down" });
    const orderId = await placeOrder(t.db, "M1");
    await worker.drain();
    const waiting = await rowOf(orderId);
    expect(waiting.status).toBe("pending");
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(now.getTime());
    const r = await resend(waiting.id);
    expect(r).toMatchObject({ created: false, id: waiting.id, waiting: { status: "pending", merchantPaused: false } });
    expect(await rowsOf(orderId, "sale")).toHaveLength(1);
    const now2 = await resend(waiting.id, { sendNow: true });
    expect(now2.waiting?.nextAttemptAt.getTime()).toBe(now.getTime());
    expect(await rowsOf(orderId, "sale")).toHaveLength(1);
    await worker.drain();
    expect((await rowOf(orderId)).status).toBe("delivered");
  });

  it("queues one copy for a double click (the same request id), even when both clicks race", async () => {
    const orderId = await placeOrder(t.db, "M1");
    await worker.drain();
    const original = await rowOf(orderId);
    const requestId = randomUUID();
    const [a, b] = await Promise.all([resend(original.id, { requestId }), resend(original.id, { requestId })]);
    expect(a.id).toBe(b.id);
    // A late second click, after the copy was already delivered: still that one copy.
    at(1_000);
    await worker.drain();
    const c = await resend(original.id, { requestId });
    expect(c).toMatchObject({ id: a.id, created: false });
    expect(await rowsOf(orderId, "sale")).toHaveLength(2);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "ontraport.resend"))).toHaveLength(1);
  });

  it("answers not found for another merchant's transmission, and for an id that is no transmission", async () => {
    await apiMerchant(t.db, "M2");
    const orderId = await placeOrder(t.db, "M2");
    await worker.drain();
    const theirs = await rowOf(orderId);
    await expect(resend(theirs.id)).rejects.toThrow("No such transmission in your store.");
    await expect(resend(randomUUID())).rejects.toThrow("No such transmission in your store.");
    await expect(resend("not-a-uuid")).rejects.toThrow("No such transmission in your store.");
    expect(await rowsOf(orderId, "sale")).toHaveLength(1);
  });

  it("refuses rows with an empty payload (events that could not be prepared), inbound rows and pixels", async () => {
    const base = { merchantId: "M1", description: "x", status: "failed" as const };
    const [empty] = await t.db.insert(transmissions).values({ ...base, type: "auto_order_status", payload: "", idempotencyKey: "event-failed:1" }).returning();
    const [inbound] = await t.db.insert(transmissions).values({ ...base, type: "fetch_items", direction: "inbound", payload: "GET /api/ontraport/items", idempotencyKey: "fetch:1" }).returning();
    const [pixel] = await t.db.insert(transmissions).values({ ...base, status: "delivered", type: "conversion_pixel", payload: "https://x.test/p?order_id=1", idempotencyKey: "pixel:1" }).returning();
    await expect(resend(empty!.id)).rejects.toThrow(/no request to resend/);
    await expect(resend(inbound!.id)).rejects.toThrow(/cannot be resent/);
    await expect(resend(pixel!.id)).rejects.toThrow(/cannot be resent/);
    expect(await t.db.select().from(transmissions)).toHaveLength(3);
  });

  it("requeueFailedIds keeps to the given condition and returns the ids it put back", async () => {
    fake.script.push({ statusCode: 400, body: "bad" }, { statusCode: 400, body: "bad" });
    const a = await placeOrder(t.db, "M1");
    const b = await placeOrder(t.db, "M1");
    await worker.drain();
    const ra = await rowOf(a);
    expect((await rowOf(b)).status).toBe("failed");
    const ids = await requeueFailedIds(t.db, { merchantId: "M1", from: new Date(0), to: new Date(now.getTime() + 1), now, only: eq(transmissions.orderId, a) });
    expect(ids).toEqual([ra.id]);
    expect((await rowOf(b)).status).toBe("failed");
  });
});
