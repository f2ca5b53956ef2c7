import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { transmissions, type TransmissionType } from "@/lib/db/schema";
import { NotFoundError, UserError } from "@/lib/errors";
import { OUTBOX_CHANNEL } from "@/lib/orders/events";
import { manualResendProblem } from "./eligibility";
import { buildSaleXml, describeSale } from "../xml/payload";
import { loadConfigFacts, loadOrder, loadSale } from "./snapshots";

// The outbox: transmissions are rows (the log is the queue). Anything that queues work ends with a
// NOTIFY on `cartlink_outbox`, delivered on commit, so workers in any process wake at once.

declare global {
  var __cartlinkOutboxSignal: EventEmitter | undefined;
}

/** In-process wake-up, for the embedded worker (a NOTIFY from the same process also arrives through LISTEN). */
export function outboxSignal(): EventEmitter {
  globalThis.__cartlinkOutboxSignal ??= new EventEmitter().setMaxListeners(100);
  return globalThis.__cartlinkOutboxSignal;
}

/** Wakes every worker (after the caller's transaction commits, when `db` is a transaction). */
export async function wakeOutbox(db: Db, merchantId: string): Promise<void> {
  await db.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, ${merchantId})`);
  outboxSignal().emit("wake", merchantId);
}

export interface NewTransmission {
  id?: string;
  merchantId: string;
  type: TransmissionType;
  orderId?: string | null;
  refundId?: string | null;
  autoOrderId?: string | null;
  affiliateId?: number | null;
  description: string;
  email?: string | null;
  payload: string;
  idempotencyKey: string;
  trigger?: "automatic" | "manual";
  triggeredBy?: string | null;
  resendOf?: string | null;
  /** Recorded as `skipped` with this reason instead of being queued. */
  skippedReason?: string;
  now?: Date;
}

/** Inserts a transmission unless one with the same idempotency key exists. Returns whether it was created. */
export async function insertTransmission(db: Db, t: NewTransmission): Promise<boolean> {
  const now = t.now ?? new Date();
  const rows = await db
    .insert(transmissions)
    .values({
      id: t.id ?? randomUUID(),
      merchantId: t.merchantId,
      type: t.type,
      direction: "outbound",
      orderId: t.orderId ?? null,
      refundId: t.refundId ?? null,
      autoOrderId: t.autoOrderId ?? null,
      affiliateId: t.affiliateId ?? null,
      description: t.description,
      email: t.email ?? null,
      payload: t.payload,
      status: t.skippedReason ? "skipped" : "pending",
      lastError: t.skippedReason ?? null,
      nextAttemptAt: now,
      idempotencyKey: t.idempotencyKey,
      trigger: t.trigger ?? "automatic",
      triggeredBy: t.triggeredBy ?? null,
      resendOf: t.resendOf ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: [transmissions.merchantId, transmissions.idempotencyKey] })
    .returning({ id: transmissions.id });
  return rows.length > 0;
}

/**
 * Queues a NEW Sale for a paid order, built from the order's current data and product mapping
 * (so a corrected mapping or address goes out). The request id makes a double click queue one.
 */
export async function enqueueManualResend(
  db: Db,
  input: { merchantId: string; orderId: string; userId: string; requestId: string; now?: Date },
): Promise<{ id: string; created: boolean }> {
  const now = input.now ?? new Date();
  const idempotencyKey = `sale:${input.orderId}:manual:${input.requestId}`;
  const result = await db.transaction(async (tx) => {
    const order = await loadOrder(tx, input.merchantId, input.orderId);
    if (!order) throw new NotFoundError("Order not found.");
    const problem = manualResendProblem(await loadConfigFacts(tx, input.merchantId), { stage: order.currentStage, paymentStatus: order.paymentStatus });
    if (problem) throw new UserError(problem, undefined, 409);
    const [existing] = await tx
      .select({ id: transmissions.id })
      .from(transmissions)
      .where(and(eq(transmissions.merchantId, input.merchantId), eq(transmissions.idempotencyKey, idempotencyKey)));
    if (existing) return { id: existing.id, created: false };
    const [latest] = await tx
      .select({ id: transmissions.id })
      .from(transmissions)
      .where(and(eq(transmissions.merchantId, input.merchantId), eq(transmissions.orderId, input.orderId), eq(transmissions.type, "sale")))
      .orderBy(desc(transmissions.seq))
      .limit(1);
    const id = randomUUID();
    const s = await loadSale(tx, { transmissionId: id, merchantId: input.merchantId, created: now }, order);
    const created = await insertTransmission(tx, {
      id,
      merchantId: input.merchantId,
      type: "sale",
      orderId: order.id,
      description: describeSale(s),
      email: order.email,
      payload: buildSaleXml(s),
      idempotencyKey,
      trigger: "manual",
      triggeredBy: input.userId,
      resendOf: latest?.id ?? null,
      now,
    });
    if (!created) {
      // A concurrent double click won the insert.
      const [winner] = await tx
        .select({ id: transmissions.id })
        .from(transmissions)
        .where(and(eq(transmissions.merchantId, input.merchantId), eq(transmissions.idempotencyKey, idempotencyKey)));
      return { id: winner!.id, created: false };
    }
    await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, ${input.merchantId})`);
    return { id, created: true };
  });
  if (result.created) outboxSignal().emit("wake", input.merchantId);
  return result;
}

/**
 * Puts failed transmissions created in [from, to) back in the queue, due now, with a fresh retry
 * schedule; their attempts are kept. Returns how many.
 */
export async function requeueFailed(db: Db, input: { merchantId: string; from: Date; to: Date; now?: Date }): Promise<number> {
  const now = input.now ?? new Date();
  const n = await db.transaction(async (tx) => {
    const rows = await tx
      .update(transmissions)
      .set({ status: "pending", nextAttemptAt: now, retryStep: 0, leaseUntil: null, lockedBy: null, updatedAt: now })
      .where(and(eq(transmissions.merchantId, input.merchantId), eq(transmissions.status, "failed"), eq(transmissions.direction, "outbound"), gte(transmissions.createdAt, input.from), lt(transmissions.createdAt, input.to)))
      .returning({ id: transmissions.id });
    if (rows.length) await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, ${input.merchantId})`);
    return rows.length;
  });
  if (n) outboxSignal().emit("wake", input.merchantId);
  return n;
}
