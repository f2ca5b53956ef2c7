import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/lib/db/client";
import { ontraportConfigs, transmissions, type TransmissionType } from "@/lib/db/schema";
import { NotFoundError, UserError } from "@/lib/errors";
import { notifyOutbox } from "@/lib/orders/events";
import { manualResendProblem } from "./eligibility";
import { HELD_REASON, mustWaitSql, startStatus } from "./held";
import type { EndReason } from "./outcome";
import { buildSaleXml, describeSale } from "../xml/payload";
import { transmissionName } from "../log/words";
import { loadConfigFacts, loadOrder, loadSale, loadSaleTags } from "./snapshots";
import { factsToJson } from "../rest/facts";
import { recordAudit } from "@/lib/audit";

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
  await notifyOutbox(db, merchantId);
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
  /** The facts for protocols that build their calls at send time (REST): rest/facts.ts. */
  snapshot?: Record<string, unknown> | null;
  idempotencyKey: string;
  trigger?: "automatic" | "manual";
  triggeredBy?: string | null;
  resendOf?: string | null;
  /** Recorded as `skipped` with this reason instead of being queued. */
  skippedReason?: string;
  /** Recorded as `failed` with this reason (an event that could not become a transmission). */
  failedReason?: string;
  /** The reason's code (lib/ontraport/engine/outcome.ts), for a skipped or failed row. */
  endReason?: EndReason;
  now?: Date;
}

/** Inserts a transmission unless one with the same idempotency key exists. Returns whether it was created. */
export async function insertTransmission(db: Db, t: NewTransmission): Promise<boolean> {
  const now = t.now ?? new Date();
  const status = t.failedReason ? "failed" : t.skippedReason ? "skipped" : await startStatus(db, t);
  const endReason: EndReason | null = t.endReason ?? (t.failedReason ? "event_failed" : status === "held" ? "held" : null);
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
      snapshot: t.snapshot ?? null,
      status,
      lastError: t.failedReason ?? t.skippedReason ?? (status === "held" ? HELD_REASON : null),
      endReason,
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

/** A Sale of the order that has not gone out yet and will by itself (queued, in flight, retrying or paused). */
export interface WaitingSale {
  id: string;
  status: "pending" | "sending" | "paused";
  nextAttemptAt: Date;
  lastError: string | null;
  /** The merchant's deliveries are paused (stale key): nothing can be sent before a new key is saved. */
  merchantPaused: boolean;
}

export type ManualResendResult = { id: string; created: boolean; waiting?: undefined } | { id: string; created: false; waiting: WaitingSale };

/**
 * Queues a NEW Sale for a paid order, built from the order's current data and product mapping
 * (so a corrected mapping or address goes out). The request id makes a double click queue one.
 * When a Sale of the order is still waiting to go out, no second copy is queued (ONTRAPORT would log
 * the sale twice): the waiting one is returned instead, and `sendNow` makes it due at once.
 */
export async function enqueueManualResend(
  db: Db,
  input: { merchantId: string; orderId: string; userId: string; requestId: string; sendNow?: boolean; now?: Date },
): Promise<ManualResendResult> {
  const now = input.now ?? new Date();
  const idempotencyKey = `sale:${input.orderId}:manual:${input.requestId}`;
  const result = await db.transaction(async (tx): Promise<ManualResendResult> => {
    const order = await loadOrder(tx, input.merchantId, input.orderId);
    if (!order) throw new NotFoundError("Order not found.");
    const problem = manualResendProblem(await loadConfigFacts(tx, input.merchantId), { stage: order.currentStage, paymentStatus: order.paymentStatus });
    if (problem) throw new UserError(problem, undefined, 409);
    const [existing] = await tx
      .select({ id: transmissions.id })
      .from(transmissions)
      .where(and(eq(transmissions.merchantId, input.merchantId), eq(transmissions.idempotencyKey, idempotencyKey)));
    if (existing) return { id: existing.id, created: false };
    const [waiting] = await tx
      .select({ id: transmissions.id, status: transmissions.status, nextAttemptAt: transmissions.nextAttemptAt, lastError: transmissions.lastError, pausedAt: ontraportConfigs.pausedAt })
      .from(transmissions)
      .innerJoin(ontraportConfigs, eq(ontraportConfigs.merchantId, transmissions.merchantId))
      .where(and(eq(transmissions.merchantId, input.merchantId), eq(transmissions.orderId, input.orderId), eq(transmissions.type, "sale"), inArray(transmissions.status, ["pending", "sending", "paused"])))
      .orderBy(desc(transmissions.seq))
      .limit(1)
      .for("update", { of: transmissions });
    if (waiting) {
      const w: WaitingSale = { id: waiting.id, status: waiting.status as WaitingSale["status"], nextAttemptAt: waiting.nextAttemptAt, lastError: waiting.lastError, merchantPaused: waiting.pausedAt !== null };
      if (input.sendNow && !w.merchantPaused && w.status !== "sending") {
        await tx.update(transmissions).set({ status: "pending", nextAttemptAt: now, updatedAt: now }).where(eq(transmissions.id, w.id));
        await recordAudit(tx, { merchantId: input.merchantId, userId: input.userId, action: "ontraport.send_now", target: `Sale ${input.orderId}`, detail: { transmissionId: w.id } });
        await notifyOutbox(tx, input.merchantId);
        return { id: w.id, created: false, waiting: { ...w, status: "pending", nextAttemptAt: now } };
      }
      return { id: w.id, created: false, waiting: w };
    }
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
      snapshot: factsToJson({ kind: "sale", sale: s, tags: await loadSaleTags(tx, input.merchantId, order.id), paidAt: order.paidAt }),
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
    await notifyOutbox(tx, input.merchantId);
    return { id, created: true };
  });
  if (result.created || result.waiting?.nextAttemptAt.getTime() === now.getTime()) outboxSignal().emit("wake", input.merchantId);
  return result;
}

/**
 * Puts failed transmissions created in [from, to) back in the queue, due now, with a fresh retry
 * schedule; their attempts are kept. Returns how many.
 */
export async function requeueFailed(db: Db, input: { merchantId: string; from: Date; to: Date; now?: Date }): Promise<number> {
  return (await requeueFailedIds(db, input)).length;
}

/**
 * `requeueFailed`, returning the ids it put back (the log follows them to delivery). `only`, when
 * given, is a condition on `transmissions` (unaliased) that picks the candidates: the log's filters,
 * a limit. Candidates the rules below exclude stay as they are.
 */
export async function requeueFailedIds(db: Db, input: { merchantId: string; from: Date; to: Date; now?: Date; only?: SQL }): Promise<string[]> {
  const now = input.now ?? new Date();
  const nowIso = now.toISOString();
  const only = input.only ? sql`and t.id in (select transmissions.id from transmissions where ${input.only})` : sql``;
  const ids = await db.transaction(async (tx) => {
    // A Refund or Auto Order Status whose Sale is not delivered goes back to held, not to the queue;
    // rows that can never be delivered (event failures, with no payload) stay failed.
    const rows = rowsOf<{ id: string }>(
      await tx.execute(sql`update transmissions t set
          status = (case when t.type in ('refund', 'auto_order_status') and t.order_id is not null and ${mustWaitSql(sql`t.merchant_id`, sql`t.order_id`)} then 'held' else 'pending' end)::transmission_status,
          end_reason = case when t.type in ('refund', 'auto_order_status') and t.order_id is not null and ${mustWaitSql(sql`t.merchant_id`, sql`t.order_id`)} then 'held' else null end,
          next_attempt_at = ${nowIso}::timestamptz, retry_step = 0, takeovers = 0, throttled_since = null, lease_until = null, locked_by = null, updated_at = ${nowIso}::timestamptz
        where t.merchant_id = ${input.merchantId} and t.status = 'failed' and t.direction = 'outbound' and t.payload <> ''
          -- A failed Sale whose order was resent by hand since (delivered or on its way) stays failed: a second copy would log the sale twice.
          and not (t.type = 'sale' and exists (select 1 from transmissions s2 where s2.merchant_id = t.merchant_id and s2.order_id = t.order_id
            and s2.type = 'sale' and s2.seq > t.seq and s2.status in ('delivered', 'pending', 'sending', 'paused')))
          and t.created_at >= ${input.from.toISOString()}::timestamptz and t.created_at < ${input.to.toISOString()}::timestamptz
          ${only}
        returning t.id`),
    );
    if (rows.length) await notifyOutbox(tx, input.merchantId);
    return rows.map((r) => r.id);
  });
  if (ids.length) outboxSignal().emit("wake", input.merchantId);
  return ids;
}

/** Types a person may resend from the Transmission Log (item fetches are inbound; a pixel is rendered, not sent). */
export const RESENDABLE_TYPES = ["sale", "refund", "auto_order_status", "affiliate"] as const satisfies readonly TransmissionType[];

/** What already waits to go out instead of a resend's copy: a Sale of the order, or this fact's own row or copy. */
export interface WaitingCopy {
  id: string;
  status: "pending" | "sending" | "paused" | "held";
  nextAttemptAt: Date;
  lastError: string | null;
  merchantPaused: boolean;
}

export type ResendResult = { id: string; created: boolean; status: "pending" | "held"; waiting?: undefined } | { id: string; created: false; status?: undefined; waiting: WaitingCopy };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOT_FOUND = "No such transmission in your store.";

/**
 * Resends one transmission from the Transmission Log: a NEW outbound row, a copy of the original
 * (same merchant, type, order, refund, auto order, affiliate, description and payload, its XML's
 * notification id set to the new row's id), marked manual with who asked and `resend_of` the original.
 * The engine's ordering holds: a Refund or Auto Order Status whose order's Sale is not delivered starts
 * `held`. When a Sale of the order (for a Sale) or this fact's own row or an earlier copy (for the
 * other types) is still waiting, no second copy is queued: the waiting one is returned, and `sendNow`
 * makes it due at once (not when paused by a stale key, sending or held). The request id makes a
 * double click queue one. Another merchant's id is "not found". Audited.
 */
export async function resendTransmission(
  db: Db,
  input: { merchantId: string; transmissionId: string; userId: string | null; requestId: string; sendNow?: boolean; now?: Date },
): Promise<ResendResult> {
  const now = input.now ?? new Date();
  const nowIso = now.toISOString();
  if (!UUID_RE.test(input.transmissionId)) throw new NotFoundError(NOT_FOUND);
  const idempotencyKey = `resend:${input.transmissionId.toLowerCase()}:${input.requestId}`;
  const result = await db.transaction(async (tx): Promise<ResendResult> => {
    const [orig] = await tx
      .select({ id: transmissions.id, type: transmissions.type, direction: transmissions.direction, orderId: transmissions.orderId, emptyPayload: sql<boolean>`(${transmissions.payload} = '')`, description: transmissions.description })
      .from(transmissions)
      .where(and(eq(transmissions.id, input.transmissionId.toLowerCase()), eq(transmissions.merchantId, input.merchantId)));
    if (!orig) throw new NotFoundError(NOT_FOUND);
    const label = transmissionName(orig);
    if (orig.direction !== "outbound" || !(RESENDABLE_TYPES as readonly string[]).includes(orig.type)) {
      throw new UserError(orig.type === "conversion_pixel" ? "A Conversion Pixel is rendered on the receipt by the shopper's browser; it cannot be resent." : "Item fetches are made by ONTRAPORT; they cannot be resent.", undefined, 409);
    }
    if (orig.emptyPayload) {
      throw new UserError("This transmission has no request to resend: it could not be prepared (see why in its View). Fix the cause; the next change to the order sends it again.", undefined, 409);
    }
    const config = await loadConfigFacts(tx, input.merchantId);
    if (orig.type === "sale" && orig.orderId) {
      const order = await loadOrder(tx, input.merchantId, orig.orderId);
      const problem = order ? manualResendProblem(config, { stage: order.currentStage, paymentStatus: order.paymentStatus }) : null;
      if (problem) throw new UserError(problem, undefined, 409);
    }
    if (!config || config.method !== "api" || !config.hasKey) throw new UserError("Resending needs the ONTRAPORT API method switched on with a key.", undefined, 409);

    const [existing] = await tx
      .select({ id: transmissions.id, status: transmissions.status })
      .from(transmissions)
      .where(and(eq(transmissions.merchantId, input.merchantId), eq(transmissions.idempotencyKey, idempotencyKey)));
    if (existing) return { id: existing.id, created: false, status: existing.status === "held" ? "held" : "pending" };

    // What already waits: for a Sale any Sale of the order (ONTRAPORT would log the sale twice); for
    // the others this row itself or an earlier copy of it.
    const waitingStatuses = ["pending", "sending", "paused", "held"] as const;
    const sameFact =
      orig.type === "sale" && orig.orderId
        ? and(eq(transmissions.orderId, orig.orderId), eq(transmissions.type, "sale"), inArray(transmissions.status, ["pending", "sending", "paused"]))
        : and(sql`(${transmissions.id} = ${orig.id} or ${transmissions.resendOf} = ${orig.id})`, inArray(transmissions.status, [...waitingStatuses]));
    const [waiting] = await tx
      .select({ id: transmissions.id, status: transmissions.status, nextAttemptAt: transmissions.nextAttemptAt, lastError: transmissions.lastError, pausedAt: ontraportConfigs.pausedAt })
      .from(transmissions)
      .innerJoin(ontraportConfigs, eq(ontraportConfigs.merchantId, transmissions.merchantId))
      .where(and(eq(transmissions.merchantId, input.merchantId), sameFact))
      .orderBy(desc(transmissions.seq))
      .limit(1)
      .for("update", { of: transmissions });
    if (waiting) {
      const w: WaitingCopy = { id: waiting.id, status: waiting.status as WaitingCopy["status"], nextAttemptAt: waiting.nextAttemptAt, lastError: waiting.lastError, merchantPaused: waiting.pausedAt !== null };
      if (input.sendNow && !w.merchantPaused && (w.status === "pending" || w.status === "paused")) {
        await tx.update(transmissions).set({ status: "pending", nextAttemptAt: now, updatedAt: now }).where(eq(transmissions.id, w.id));
        await recordAudit(tx, { merchantId: input.merchantId, userId: input.userId, action: "ontraport.send_now", target: label, detail: { transmissionId: w.id } });
        await notifyOutbox(tx, input.merchantId);
        return { id: w.id, created: false, waiting: { ...w, status: "pending", nextAttemptAt: now } };
      }
      return { id: w.id, created: false, waiting: w };
    }

    const status = await startStatus(tx, { merchantId: input.merchantId, type: orig.type, orderId: orig.orderId });
    const id = randomUUID();
    // A copy of every column that says what the transmission is; its delivery state starts afresh.
    const rows = rowsOf<{ id: string }>(
      // The REST facts (snapshot) travel with the copy; what the original's calls learned (rest_state) does
      // not: the copy, queued by hand, looks its transaction up before it could log it twice.
      await tx.execute(sql`insert into transmissions (id, merchant_id, type, direction, order_id, refund_id, auto_order_id, affiliate_id, description, email, payload, snapshot,
          status, last_error, end_reason, next_attempt_at, idempotency_key, trigger, triggered_by, resend_of, created_at, updated_at)
        select ${id}::uuid, o.merchant_id, o.type, o.direction, o.order_id, o.refund_id, o.auto_order_id, o.affiliate_id, o.description, o.email,
          replace(o.payload, 'id="' || o.id::text || '"', 'id="' || ${id} || '"'), o.snapshot,
          ${status}::transmission_status, ${status === "held" ? HELD_REASON : null}, ${status === "held" ? "held" : null}, ${nowIso}::timestamptz,
          ${idempotencyKey}, 'manual', ${input.userId}::uuid, o.id, ${nowIso}::timestamptz, ${nowIso}::timestamptz
        from transmissions o where o.id = ${orig.id}::uuid and o.merchant_id = ${input.merchantId}
        on conflict (merchant_id, idempotency_key) do nothing
        returning id`),
    );
    if (!rows.length) {
      // A concurrent double click won the insert.
      const [winner] = await tx
        .select({ id: transmissions.id, status: transmissions.status })
        .from(transmissions)
        .where(and(eq(transmissions.merchantId, input.merchantId), eq(transmissions.idempotencyKey, idempotencyKey)));
      return { id: winner!.id, created: false, status: winner!.status === "held" ? "held" : "pending" };
    }
    await recordAudit(tx, { merchantId: input.merchantId, userId: input.userId, action: "ontraport.resend", target: label, detail: { transmissionId: id, resendOf: orig.id, status } });
    if (status === "pending") await notifyOutbox(tx, input.merchantId);
    return { id, created: true, status };
  });
  if ((result.created && result.status === "pending") || result.waiting?.nextAttemptAt.getTime() === now.getTime()) outboxSignal().emit("wake", input.merchantId);
  return result;
}
