import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/lib/db/client";

// The per-account rate limit, held in the database so every worker process shares it.
// ONTRAPORT counts a rolling minute, so a fixed per-minute counter could let through twice the limit
// around a window boundary. A token bucket with a burst of B refilling at (L - B - margin) per minute
// never puts more than L - margin into any rolling minute, and drains at about 97% of L.

export interface BucketShape {
  /** Tokens the bucket holds at most (the burst). */
  burst: number;
  /** Tokens added per second. */
  perSecond: number;
}

export function bucketFor(limitPerMinute: number): BucketShape {
  const limit = Math.max(1, Math.floor(limitPerMinute));
  const burst = Math.max(1, Math.floor(limit / 60));
  // Slack for the time between taking a token and ONTRAPORT receiving the request.
  const margin = limit >= 3 ? Math.max(1, Math.floor(limit / 90)) : 0;
  return { burst, perSecond: Math.max(limit - burst - margin, 1) / 60 };
}

/** SQL for the same shape, given the column holding the per-minute limit (used in the claim query). */
export function bucketSql(limit: SQL): { burst: SQL; perSecond: SQL } {
  const l = sql`greatest(1, floor(${limit}))`;
  const burst = sql`greatest(1, floor(${l} / 60))`;
  const margin = sql`(case when ${l} >= 3 then greatest(1, floor(${l} / 90)) else 0 end)`;
  return { burst, perSecond: sql`(greatest(${l} - ${burst} - ${margin}, 1)::float8 / 60)` };
}

/** Tokens available now, from the stored state. */
export function available(shape: BucketShape, tokens: number, refilledAt: Date, now: Date): number {
  const elapsed = Math.max(0, (now.getTime() - refilledAt.getTime()) / 1000);
  return Math.min(shape.burst, tokens + elapsed * shape.perSecond);
}

/**
 * Takes up to `want` tokens for a merchant, inside the caller's transaction (the bucket row stays
 * locked until it commits). Returns how many were granted: 0 while ONTRAPORT's 429 block lasts.
 * One statement in the common case: claims are on the hot path.
 */
export async function takeTokens(tx: Db, merchantId: string, want: number, limitPerMinute: number, now: Date): Promise<number> {
  const shape = bucketFor(limitPerMinute);
  const nowIso = now.toISOString();
  const take = async () =>
    rowsOf<{ granted: number }>(
      await tx.execute(sql`
        with cur as (select tokens, refilled_at, blocked_until from ontraport_rate_windows where merchant_id = ${merchantId} for update),
        g as (
          select refilled_at,
            least(${shape.burst}::float8, tokens + greatest(0, extract(epoch from (${nowIso}::timestamptz - refilled_at))::float8) * ${shape.perSecond}::float8) as avail,
            coalesce(blocked_until > ${nowIso}::timestamptz, false) as blocked
          from cur),
        n as (select refilled_at, avail, case when blocked then 0 else greatest(0, least(${want}::int, floor(avail)::int)) end as granted from g)
        update ontraport_rate_windows w
          -- Never move refilled_at backwards (another process's clock may be a little ahead).
          set tokens = n.avail - n.granted, refilled_at = greatest(n.refilled_at, ${nowIso}::timestamptz)
        from n where w.merchant_id = ${merchantId}
        returning n.granted`),
    );
  let rows = await take();
  if (!rows.length) {
    await tx.execute(sql`insert into ontraport_rate_windows (merchant_id, tokens, refilled_at) values (${merchantId}, ${shape.burst}, ${nowIso}::timestamptz) on conflict (merchant_id) do nothing`);
    rows = await take();
  }
  return Number(rows[0]?.granted ?? 0);
}

/** ONTRAPORT said 429: nothing goes out for this merchant before `until`. */
export async function blockUntil(tx: Db, merchantId: string, until: Date, now: Date): Promise<void> {
  const u = until.toISOString();
  await tx.execute(sql`insert into ontraport_rate_windows (merchant_id, tokens, refilled_at, blocked_until) values (${merchantId}, 0, ${now.toISOString()}::timestamptz, ${u}::timestamptz)
    on conflict (merchant_id) do update set tokens = 0, blocked_until = greatest(coalesce(ontraport_rate_windows.blocked_until, ${u}::timestamptz), ${u}::timestamptz)`);
}
