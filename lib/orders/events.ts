import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { domainEvents, type DomainEventType } from "@/lib/db/schema";

/** The channel on which the outbox is woken when events commit (NOTIFY is delivered only on commit). */
export const OUTBOX_CHANNEL = "cartlink_outbox";

/**
 * Records a fact about an order, refund, auto order or affiliate. Call it with the transaction that
 * makes the change, so the change and its event commit together or not at all. lib/orders knows
 * nothing of ONTRAPORT: lib/ontraport turns these events into transmissions.
 */
export async function recordEvent(
  tx: Db,
  event: { merchantId: string; type: DomainEventType; subjectId: string; payload?: Record<string, unknown> },
): Promise<void> {
  await tx.insert(domainEvents).values({ merchantId: event.merchantId, type: event.type, subjectId: event.subjectId, payload: event.payload ?? {} });
  await notifyOutbox(tx, event.merchantId);
}

/** Wakes every delivery worker listening on the outbox channel, when `tx` commits (the one place that NOTIFYs). */
export async function notifyOutbox(tx: Db, merchantId: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, ${merchantId})`);
}
