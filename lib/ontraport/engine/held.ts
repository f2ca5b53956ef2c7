import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/lib/db/client";
import type { TransmissionType } from "@/lib/db/schema";

// Held: a Refund (full, partial or price adjustment) or an Auto Order Status of an order goes out only
// after that order's Sale was delivered. Until then it is `held` (never claimed) and the log says
// "Held: waiting for the Sale" with a link to it. Delivering the Sale (automatic, requeued or resent
// by hand) releases the order's held rows, which then go out in the order they were created. Holds are
// per order, never wider: other orders and other stores are not affected.

export const HELD_REASON = "Held: waiting for the Sale";

/** Types that wait for their order's Sale. */
export function waitsForSale(type: TransmissionType, orderId: string | null | undefined): boolean {
  return !!orderId && (type === "refund" || type === "auto_order_status");
}

/**
 * SQL: the order has a Sale on its way to ONTRAPORT (queued, sending, paused, retrying or failed) and
 * none delivered yet. An order ONTRAPORT was never going to hear of (paid before the integration was
 * on, or its Sale skipped) holds nothing: its auto order's status changes go out on their own.
 */
export function mustWaitSql(merchantId: SQL, orderId: SQL): SQL {
  return sql`(exists (select 1 from transmissions s where s.merchant_id = ${merchantId} and s.order_id = ${orderId} and s.type = 'sale' and s.status <> 'skipped')
    and not exists (select 1 from transmissions s where s.merchant_id = ${merchantId} and s.order_id = ${orderId} and s.type = 'sale' and s.status = 'delivered'))`;
}

/** The status a new or requeued transmission starts in: held while its order's Sale is not delivered. */
export async function startStatus(db: Db, t: { merchantId: string; type: TransmissionType; orderId?: string | null }): Promise<"pending" | "held"> {
  if (!waitsForSale(t.type, t.orderId)) return "pending";
  const [row] = rowsOf<{ wait: boolean }>(await db.execute(sql`select ${mustWaitSql(sql`${t.merchantId}`, sql`${t.orderId}`)} as wait`));
  return row?.wait ? "held" : "pending";
}

/** The Sale of these orders was delivered: their held rows are due now. Returns how many. */
export async function releaseHeld(db: Db, merchantId: string, orderIds: string[], now: Date): Promise<number> {
  if (!orderIds.length) return 0;
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`update transmissions set status = 'pending', next_attempt_at = ${now.toISOString()}::timestamptz, last_error = null, end_reason = null, updated_at = ${now.toISOString()}::timestamptz
      where merchant_id = ${merchantId} and order_id = any(${orderIds}::text[]) and status = 'held' returning id`),
  );
  return rows.length;
}

/**
 * Rows queued before holds existed (or by any path that did not hold them): pending Refunds and Auto
 * Order Statuses whose Sale is not delivered become held. Run when a worker starts.
 */
export async function holdWaiting(db: Db, now: Date): Promise<number> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`update transmissions t set status = 'held', end_reason = 'held', last_error = ${HELD_REASON}, updated_at = ${now.toISOString()}::timestamptz
      where t.status = 'pending' and t.type in ('refund', 'auto_order_status') and t.order_id is not null
        and ${mustWaitSql(sql`t.merchant_id`, sql`t.order_id`)}
      returning t.id`),
  );
  return rows.length;
}

/**
 * Held rows whose Sale was delivered meanwhile go out. Delivering a Sale releases its order's held rows
 * in the same statement, but a Refund dispatched while its Sale was still on the wire can commit as
 * held just after that statement looked: this sweep (run by every worker every few seconds) closes
 * the gap, so nothing stays held behind a delivered Sale. Returns how many.
 */
export async function releaseStranded(db: Db, now: Date): Promise<number> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`update transmissions t set status = 'pending', next_attempt_at = ${now.toISOString()}::timestamptz, last_error = null, end_reason = null, updated_at = ${now.toISOString()}::timestamptz
      where t.status = 'held' and not ${mustWaitSql(sql`t.merchant_id`, sql`t.order_id`)}
      returning t.id`),
  );
  return rows.length;
}
