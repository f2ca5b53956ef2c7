import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/lib/db/client";

// Stale key: ONTRAPORT answered 401/403. The merchant's deliveries pause (nothing is sent with a key
// ONTRAPORT refuses) until a new key is saved; after 7 days paused, the waiting transmissions fail
// with the reason in words, and a new key or Resend brings them back.

export const PAUSE_LIMIT_MS = 7 * 24 * 3600_000;

export const KEY_REFUSED_FOR_DAYS = "ONTRAPORT refused the key for 7 days: save a new key, or resend it, to send it again";

export function pausedReason(statusCode: number | null): string {
  return `ONTRAPORT refused the API key (${statusCode ?? "no code"}): save a new key to resume`;
}

export function pauseExpired(pausedAt: Date | null, now: Date): boolean {
  return !!pausedAt && now.getTime() - pausedAt.getTime() >= PAUSE_LIMIT_MS;
}

/**
 * Paused transmissions of merchants paused for 7 days or more become failed, and so do the ones queued
 * while the store was paused (never sent, since nothing goes out for a paused store). Returns how many.
 */
export async function failLongPaused(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - PAUSE_LIMIT_MS).toISOString();
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`update transmissions t set status = 'failed', end_reason = 'key_refused_7d', last_error = ${KEY_REFUSED_FOR_DAYS}, updated_at = ${now.toISOString()}::timestamptz
      from ontraport_configs c
      where c.merchant_id = t.merchant_id and c.paused_at is not null and c.paused_at <= ${cutoff}::timestamptz and t.status in ('paused', 'pending')
      returning t.id`),
  );
  return rows.length;
}

/**
 * A new key was saved: what the stale key paused (and what failed after 7 days paused) goes out
 * again, due now. Refunds whose Sale is not delivered go back to held, not to the queue.
 */
export async function resumeAfterNewKey(tx: Db, merchantId: string, now: Date): Promise<number> {
  const rows = rowsOf<{ id: string }>(
    await tx.execute(sql`update transmissions t set status = 'pending', next_attempt_at = ${now.toISOString()}::timestamptz, end_reason = null, last_error = null, updated_at = ${now.toISOString()}::timestamptz
      where t.merchant_id = ${merchantId} and (t.status = 'paused' or (t.status = 'failed' and t.end_reason = 'key_refused_7d'))
      returning t.id`),
  );
  return rows.length;
}
