import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/client";

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

/** Turns one claim can hand out: served_seq is the claim's number × SERVE_TURNS + the turn (claimBatch stays below it). */
export const SERVE_TURNS = 1_000_000;

/**
 * The claim's token-taking step, as one INSERT ... ON CONFLICT DO UPDATE that a claim statement
 * uses as a CTE. `wanted` names a relation of (merchant_id, n): how many rows each merchant wants.
 * Returns (merchant_id, granted) per merchant: at most n, 0 while ONTRAPORT's 429 block lasts.
 * A merchant's first claim creates its bucket full. The bucket row is locked until the claim commits,
 * and rows are taken in merchant id order (as finishAttempts does), so two claims cannot deadlock.
 *
 * With `serve`, `wanted` also has `turn` (1, 2, ...: the merchant's turn in this claim), and each
 * merchant is marked served (served_seq): this claim's number from ontraport_serve_seq, then its turn,
 * so stores served by one claim keep their order in the next one.
 */
export function takeTokensSql(wanted: SQL, now: Date, opts: { serve?: boolean } = {}): SQL {
  const nowIso = now.toISOString();
  const { burst, perSecond } = bucketSql(sql`c.rate_limit_per_minute`);
  // granted never exceeds the burst, so a new row's `granted` (least(n, burst)) is also the want the
  // conflict branch needs: excluded.granted.
  // One number for the whole claim (an uncorrelated subquery runs once), then the merchant's turn in it.
  const served = opts.serve ? sql`(select nextval('ontraport_serve_seq')) * ${SERVE_TURNS}::bigint + wn.turn` : sql`null::bigint`;
  return sql`
    insert into ontraport_rate_windows as w (merchant_id, tokens, refilled_at, granted, served_seq)
    select wn.merchant_id, ${burst} - least(wn.n, ${burst}), ${nowIso}::timestamptz, least(wn.n, ${burst}), ${served}
    from ${wanted} wn join ontraport_configs c on c.merchant_id = wn.merchant_id
    order by wn.merchant_id
    on conflict (merchant_id) do update set (granted, tokens, served_seq, refilled_at) = (
      select x.g, x.avail - x.g, coalesce(excluded.served_seq, w.served_seq),
        -- Never move refilled_at backwards (another process's clock may be a little ahead).
        greatest(w.refilled_at, ${nowIso}::timestamptz)
      from (
        select a.avail, case when coalesce(w.blocked_until > ${nowIso}::timestamptz, false) then 0
          else greatest(0, least(excluded.granted, floor(a.avail)::int)) end as g
        from (
          select least(${burst}::float8, w.tokens + greatest(0, extract(epoch from (${nowIso}::timestamptz - w.refilled_at))::float8) * ${perSecond}) as avail
          from ontraport_configs c where c.merchant_id = excluded.merchant_id
        ) a
      ) x)
    returning w.merchant_id, w.granted`;
}

/** ONTRAPORT said 429: nothing goes out for this merchant before `until`. */
export async function blockUntil(tx: Db, merchantId: string, until: Date, now: Date): Promise<void> {
  const u = until.toISOString();
  await tx.execute(sql`insert into ontraport_rate_windows (merchant_id, tokens, refilled_at, blocked_until) values (${merchantId}, 0, ${now.toISOString()}::timestamptz, ${u}::timestamptz)
    on conflict (merchant_id) do update set tokens = 0, blocked_until = greatest(coalesce(ontraport_rate_windows.blocked_until, ${u}::timestamptz), ${u}::timestamptz)`);
}
