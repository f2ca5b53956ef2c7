import { randomUUID } from "node:crypto";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/lib/db/client";
import { domainEvents, transmissions, type DomainEventType, type TransmissionType } from "@/lib/db/schema";
import { changeVerdict, refundVerdict, SHIPPING_ONLY_REASON, saleVerdict, type ApiConfigFacts, type Verdict } from "./eligibility";
import { buildAffiliateXml, buildAutoOrderStatusXml, buildRefundXml, buildSaleXml, describeAffiliate, describeAutoOrderStatus, describeRefund, describeSale } from "../xml/payload";
import { TYPE_LABELS } from "../log/words";
import { insertTransmission } from "./outbox";
import { loadAffiliate, loadAutoOrderStatus, loadConfigFacts, loadOrder, loadRefund, loadSale, loadSaleTags } from "./snapshots";
import { factsToJson } from "../rest/facts";

// Turns domain events (written by lib/orders in the change's own transaction) into transmissions.
// Idempotent: the idempotency key makes an event handled twice yield one transmission.

interface EventRow {
  id: number;
  merchant_id: string;
  type: DomainEventType;
  subject_id: string;
  payload: Record<string, unknown> | string;
  created_at: Date | string;
}

/** Serialises dispatchers across processes, so a refund never races ahead of its order's Sale being created. */
const DISPATCH_LOCK = 72707001;

export interface DispatchResult {
  events: number;
  created: number;
  /** Another process holds the dispatch lock and will handle the events. */
  busy: boolean;
}

/** Dispatches one batch of undispatched events in one transaction. Call until `events < batchSize`. */
export async function dispatchBatch(db: Db, opts: { batchSize?: number; now?: Date } = {}): Promise<DispatchResult> {
  const batchSize = opts.batchSize ?? 100;
  return db.transaction(async (tx) => {
    const [lock] = rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${DISPATCH_LOCK}) as ok`));
    if (!lock?.ok) return { events: 0, created: 0, busy: true };
    const events = rowsOf<EventRow>(
      await tx.execute(sql`select id, merchant_id, type, subject_id, payload, created_at from domain_events
        where dispatched_at is null and failed_at is null order by id limit ${batchSize} for update skip locked`),
    );
    if (!events.length) return { events: 0, created: 0, busy: false };
    const now = opts.now ?? new Date();
    const configs = new Map<string, ApiConfigFacts | null>();
    let created = 0;
    const done: number[] = [];
    for (const e of events) {
      // Each event in a savepoint of its own: one that cannot become a transmission is set aside with
      // its error instead of rolling back the batch (and every later batch) for every store.
      try {
        const made = await tx.transaction(async (sp) => {
          let config = configs.get(e.merchant_id);
          if (config === undefined) {
            config = await loadConfigFacts(sp, e.merchant_id);
            configs.set(e.merchant_id, config);
          }
          return handleEvent(sp, e, config, now);
        });
        if (made) created += 1;
        done.push(Number(e.id));
      } catch (err) {
        configs.delete(e.merchant_id);
        await setAside(tx, e, err, now);
      }
    }
    if (done.length) await tx.update(domainEvents).set({ dispatchedAt: now }).where(inArray(domainEvents.id, done));
    return { events: events.length, created, busy: false };
  });
}

/** Dispatches until no undispatched event is left (or another process is dispatching). */
export async function dispatchAll(db: Db, opts: { batchSize?: number; now?: Date } = {}): Promise<number> {
  let created = 0;
  for (;;) {
    const r = await dispatchBatch(db, opts);
    created += r.created;
    if (r.busy || r.events < (opts.batchSize ?? 100)) return created;
  }
}

const EVENT_TYPES: Partial<Record<DomainEventType, TransmissionType>> = {
  "order.paid": "sale",
  "order.refunded": "refund",
  "auto_order.status_changed": "auto_order_status",
  "affiliate.changed": "affiliate",
};

/**
 * Marks a poison event failed with its error, and puts a failed transmission in the log that says,
 * in words, what could not be sent and why (so the merchant sees it and /api/health counts it).
 */
async function setAside(tx: Db, e: EventRow, err: unknown, now: Date): Promise<void> {
  // The database's own words (drizzle wraps them in "Failed query: <the SQL>", which says nothing to a merchant).
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const message = (cause instanceof Error ? cause.message : String(cause)).replaceAll("\u0000", "\uFFFD").slice(0, 500);
  await tx.update(domainEvents).set({ failedAt: now, dispatchError: message }).where(eq(domainEvents.id, Number(e.id)));
  const type = EVENT_TYPES[e.type];
  if (!type) return;
  const what = TYPE_LABELS[type];
  try {
    await tx.transaction(async (sp) => {
      await insertTransmission(sp, {
        merchantId: e.merchant_id,
        type,
        orderId: null,
        description: `${what} of ${SUBJECT_WORDS[type]} ${String(e.subject_id).slice(0, 80)} could not be prepared`,
        payload: "",
        idempotencyKey: `event-failed:${e.id}`,
        failedReason: `Could not prepare this ${what} (event ${e.id}): ${message}`,
        now,
      });
    });
  } catch {
    // The event stays failed and counted by /api/health even if its log row cannot be written.
  }
}

const SUBJECT_WORDS: Record<TransmissionType, string> = {
  sale: "order",
  refund: "refund",
  auto_order_status: "auto order",
  affiliate: "affiliate",
  fetch_items: "request",
  conversion_pixel: "order",
};


async function handleEvent(tx: Db, e: EventRow, config: ApiConfigFacts | null, now: Date): Promise<boolean> {
  const merchantId = e.merchant_id;
  const payload = typeof e.payload === "string" ? (JSON.parse(e.payload) as Record<string, unknown>) : (e.payload ?? {});
  const at = new Date(e.created_at);
  const header = { transmissionId: randomUUID(), merchantId, created: now };
  const skip = (v: Verdict) => !v.send && !v.log;

  switch (e.type) {
    case "order.paid": {
      const order = await loadOrder(tx, merchantId, e.subject_id);
      if (!order) return false;
      const v = saleVerdict(config, { stage: order.currentStage, paymentStatus: order.paymentStatus, paidAt: order.paidAt });
      if (!v.send) return false;
      const s = await loadSale(tx, header, order);
      const snapshot = factsToJson({ kind: "sale", sale: s, tags: await loadSaleTags(tx, merchantId, order.id), paidAt: order.paidAt });
      return insertTransmission(tx, { id: header.transmissionId, merchantId, type: "sale", orderId: order.id, description: describeSale(s), email: order.email, payload: buildSaleXml(s), snapshot, idempotencyKey: `sale:${order.id}`, now });
    }
    case "order.refunded": {
      const loaded = await loadRefund(tx, header, e.subject_id);
      if (!loaded) return false;
      const { snapshot, order } = loaded;
      const [sale] = await tx
        .select({ id: transmissions.id })
        .from(transmissions)
        .where(and(eq(transmissions.merchantId, merchantId), eq(transmissions.orderId, order.id), eq(transmissions.type, "sale"), ne(transmissions.status, "skipped")))
        .limit(1);
      const v = refundVerdict(config, { saleExists: !!sale, shippingOnly: snapshot.refund.merchandiseCents === 0 && snapshot.refund.taxCents === 0 });
      if (skip(v)) return false;
      return insertTransmission(tx, {
        id: header.transmissionId,
        merchantId,
        type: "refund",
        orderId: order.id,
        refundId: e.subject_id,
        description: describeRefund(snapshot),
        email: order.email,
        payload: buildRefundXml(snapshot),
        snapshot: factsToJson({ kind: "refund", refund: snapshot }),
        idempotencyKey: `refund:${e.subject_id}`,
        skippedReason: v.send ? undefined : v.reason,
        endReason: v.send ? undefined : v.reason === SHIPPING_ONLY_REASON ? "shipping_only" : undefined,
        now,
      });
    }
    case "auto_order.status_changed": {
      if (!changeVerdict(config, at).send) return false;
      const loaded = await loadAutoOrderStatus(tx, header, e.subject_id, { status: payload.status, previousStatus: payload.previousStatus, at });
      if (!loaded) return false;
      const { snapshot, order } = loaded;
      return insertTransmission(tx, {
        id: header.transmissionId,
        merchantId,
        type: "auto_order_status",
        // The original order is the ordering key: a status change never overtakes that order's Sale.
        orderId: order.id,
        autoOrderId: e.subject_id,
        description: describeAutoOrderStatus(snapshot),
        email: order.email,
        payload: buildAutoOrderStatusXml(snapshot),
        snapshot: factsToJson({ kind: "auto_order_status", autoOrder: snapshot }),
        idempotencyKey: `auto_order_status:${e.subject_id}:${e.id}`,
        now,
      });
    }
    case "affiliate.changed": {
      if (!changeVerdict(config, at).send) return false;
      const affiliateId = Number(e.subject_id);
      if (!Number.isInteger(affiliateId)) return false;
      const s = await loadAffiliate(tx, header, affiliateId);
      if (!s) return false;
      const change = payload.change === "approval" ? "approval" : "signup";
      return insertTransmission(tx, {
        id: header.transmissionId,
        merchantId,
        type: "affiliate",
        affiliateId,
        description: describeAffiliate(s, change),
        email: s.affiliate.contact.email,
        payload: buildAffiliateXml(s),
        snapshot: factsToJson({ kind: "affiliate", affiliate: s, change }),
        idempotencyKey: `affiliate:${affiliateId}:${e.id}`,
        now,
      });
    }
    default:
      return false;
  }
}
