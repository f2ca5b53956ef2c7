import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, refunds, transmissions } from "@/lib/db/schema";
import { recordEvent } from "@/lib/orders/events";
import { testBackends } from "@/tools/testing/db";
import { requeueFailedIds, resendTransmission } from "./outbox";
import { useEngineHarness } from "@/tools/testing/engine";
import { apiMerchant, placeOrder } from "@/tools/testing/ontraport";

// Resend from the Transmission Log: a new row that copies the original, one per request id, in the
// engine's order (a Refund waits for its Sale), never a second Sale while one waits, tenant-safe.

describe.each(testBackends())("resendTransmission on %s", (kind) => {
  const h = useEngineHarness(kind);

  const rowOf = async (orderId: string, type: "sale" | "refund" = "sale") => {
    const rows = await h.t.db.select().from(transmissions).where(and(eq(transmissions.orderId, orderId), eq(transmissions.type, type))).orderBy(transmissions.seq);
    return rows[0]!;
  };
  const rowsOf = (orderId: string, type: "sale" | "refund") => h.t.db.select().from(transmissions).where(and(eq(transmissions.orderId, orderId), eq(transmissions.type, type))).orderBy(transmissions.seq);
  const refund = (orderId: string, code: string) =>
    h.t.db.transaction(async (tx) => {
      const [r] = await tx.insert(refunds).values({ orderId, merchantId: "M1", full: false, reason: "Price match", amountCents: 2155, code, merchandiseCents: 1995, taxCents: 160 }).returning();
      await recordEvent(tx, { merchantId: "M1", type: "order.refunded", subjectId: r!.id, payload: { orderId } });
      return r!.id;
    });
  const resend = (transmissionId: string, extra: { requestId?: string; sendNow?: boolean; merchantId?: string } = {}) =>
    resendTransmission(h.t.db, { merchantId: extra.merchantId ?? "M1", transmissionId, userId: null, requestId: extra.requestId ?? randomUUID(), sendNow: extra.sendNow, now: h.now });

  it("copies a delivered Sale as a new manual row with the original's payload, audited, and delivers it", async () => {
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    const original = await rowOf(orderId);
    expect(original.status).toBe("delivered");
    const r = await resend(original.id);
    expect(r).toMatchObject({ created: true, status: "pending" });
    const [copy] = await h.t.db.select().from(transmissions).where(eq(transmissions.id, r.id));
    expect(copy).toMatchObject({ type: "sale", orderId, merchantId: "M1", trigger: "manual", resendOf: original.id, direction: "outbound", attempts: 0, email: original.email, description: original.description });
    // The same notification, under the new row's id (the XML's id and X-Transmission-Id agree).
    expect(copy!.payload).toBe(original.payload.replace(`id="${original.id}"`, `id="${copy!.id}"`));
    expect(copy!.payload).not.toBe(original.payload);
    const audits = await h.t.db.select().from(auditLog).where(eq(auditLog.action, "ontraport.resend"));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.detail).toMatchObject({ transmissionId: r.id, resendOf: original.id });
    h.at(1_000);
    await h.worker.drain();
    expect((await h.t.db.select().from(transmissions).where(eq(transmissions.id, r.id)))[0]!.status).toBe("delivered");
    expect(h.fake.requests.filter((q) => q.reqType === "sale")).toHaveLength(2);
  });

  it("queues a resent Refund as held while its order's Sale is not delivered, and sends it after the Sale", async () => {
    h.fake.script.push({ statusCode: 200, body: "<error>Invalid product</error>" });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    expect((await rowOf(orderId)).status).toBe("failed");
    await refund(orderId, "R-1");
    await h.worker.drain();
    const original = await rowOf(orderId, "refund");
    expect(original.status).toBe("held");
    // As when the integration was turned off meanwhile: the held refund ended skipped.
    await h.t.db.update(transmissions).set({ status: "skipped", lastError: "integration turned off" }).where(eq(transmissions.id, original.id));
    const r = await resend(original.id);
    expect(r).toMatchObject({ created: true, status: "held" });
    const [copy] = await h.t.db.select().from(transmissions).where(eq(transmissions.id, r.id));
    expect(copy).toMatchObject({ status: "held", lastError: "Held: waiting for the Sale", refundId: original.refundId, resendOf: original.id });
    h.at(1_000);
    await h.worker.drain();
    expect(h.fake.requests.filter((q) => q.reqType === "refund")).toHaveLength(0);
    // The Sale goes out (resent by hand); the held copy follows it.
    await resend((await rowOf(orderId)).id);
    h.at(1_000);
    await h.worker.drain();
    expect((await h.t.db.select().from(transmissions).where(eq(transmissions.id, r.id)))[0]!.status).toBe("delivered");
    expect(h.fake.requests.map((q) => q.reqType)).toEqual(["sale", "sale", "refund"]);
  });

  it("queues no second Sale while one of the order waits, and Send it now makes that one due", async () => {
    h.fake.script.push({ statusCode: 503, body: "down" });
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    const waiting = await rowOf(orderId);
    expect(waiting.status).toBe("pending");
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(h.now.getTime());
    const r = await resend(waiting.id);
    expect(r).toMatchObject({ created: false, id: waiting.id, waiting: { status: "pending", merchantPaused: false } });
    expect(await rowsOf(orderId, "sale")).toHaveLength(1);
    const now2 = await resend(waiting.id, { sendNow: true });
    expect(now2.waiting?.nextAttemptAt.getTime()).toBe(h.now.getTime());
    expect(await rowsOf(orderId, "sale")).toHaveLength(1);
    await h.worker.drain();
    expect((await rowOf(orderId)).status).toBe("delivered");
  });

  it("queues one copy for a double click (the same request id), even when both clicks race", async () => {
    const orderId = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    const original = await rowOf(orderId);
    const requestId = randomUUID();
    const [a, b] = await Promise.all([resend(original.id, { requestId }), resend(original.id, { requestId })]);
    expect(a.id).toBe(b.id);
    // A late second click, after the copy was already delivered: still that one copy.
    h.at(1_000);
    await h.worker.drain();
    const c = await resend(original.id, { requestId });
    expect(c).toMatchObject({ id: a.id, created: false });
    expect(await rowsOf(orderId, "sale")).toHaveLength(2);
    expect(await h.t.db.select().from(auditLog).where(eq(auditLog.action, "ontraport.resend"))).toHaveLength(1);
  });

  it("answers not found for another merchant's transmission, and for an id that is no transmission", async () => {
    await apiMerchant(h.t.db, "M2");
    const orderId = await placeOrder(h.t.db, "M2");
    await h.worker.drain();
    const theirs = await rowOf(orderId);
    await expect(resend(theirs.id)).rejects.toThrow("No such transmission in your store.");
    await expect(resend(randomUUID())).rejects.toThrow("No such transmission in your store.");
    await expect(resend("not-a-uuid")).rejects.toThrow("No such transmission in your store.");
    expect(await rowsOf(orderId, "sale")).toHaveLength(1);
  });

  it("refuses rows with an empty payload (events that could not be prepared), inbound rows and pixels", async () => {
    const base = { merchantId: "M1", description: "x", status: "failed" as const };
    const [empty] = await h.t.db.insert(transmissions).values({ ...base, type: "auto_order_status", payload: "", idempotencyKey: "event-failed:1" }).returning();
    const [inbound] = await h.t.db.insert(transmissions).values({ ...base, type: "fetch_items", direction: "inbound", payload: "GET /api/ontraport/items", idempotencyKey: "fetch:1" }).returning();
    const [pixel] = await h.t.db.insert(transmissions).values({ ...base, status: "delivered", type: "conversion_pixel", payload: "https://x.test/p?order_id=1", idempotencyKey: "pixel:1" }).returning();
    await expect(resend(empty!.id)).rejects.toThrow(/no request to resend/);
    await expect(resend(inbound!.id)).rejects.toThrow(/cannot be resent/);
    await expect(resend(pixel!.id)).rejects.toThrow(/cannot be resent/);
    expect(await h.t.db.select().from(transmissions)).toHaveLength(3);
  });

  it("requeueFailedIds keeps to the given condition and returns the ids it put back", async () => {
    h.fake.script.push({ statusCode: 400, body: "bad" }, { statusCode: 400, body: "bad" });
    const a = await placeOrder(h.t.db, "M1");
    const b = await placeOrder(h.t.db, "M1");
    await h.worker.drain();
    const ra = await rowOf(a);
    expect((await rowOf(b)).status).toBe("failed");
    const ids = await requeueFailedIds(h.t.db, { merchantId: "M1", from: new Date(0), to: new Date(h.now.getTime() + 1), now: h.now, only: eq(transmissions.orderId, a) });
    expect(ids).toEqual([ra.id]);
    expect((await rowOf(b)).status).toBe("failed");
  });
});
