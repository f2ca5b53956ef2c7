import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { loginThrottle } from "@/lib/db/schema";

// Abuse limits kept in the database (table login_throttle), so every process shares them.
// A rule lets `free` failures through inside its window; each failure after that makes the next
// attempt wait, twice as long each time up to `maxMs`. Nothing is ever locked for long: the wait
// starts small, so a stranger who types wrong passwords for someone else's account only delays it.

export interface LimitRule {
  scope: string;
  free: number;
  baseMs: number;
  maxMs: number;
  windowMs: number;
}

const MINUTE = 60_000;
export const LIMITS = {
  /** Wrong passwords for one account, from anywhere. Short waits: the owner is never shut out for long. */
  signInAccount: { scope: "signin:account", free: 5, baseMs: 2_000, maxMs: MINUTE, windowMs: 15 * MINUTE },
  /** Wrong passwords from one client address, for any accounts. */
  signInClient: { scope: "signin:client", free: 10, baseMs: 2_000, maxMs: 15 * MINUTE, windowMs: 60 * MINUTE },
  /** Declined or invalid cards at checkout from one client address (card testing). */
  checkoutClient: { scope: "checkout:client", free: 3, baseMs: 5_000, maxMs: 15 * MINUTE, windowMs: 60 * MINUTE },
  /** Declined or invalid cards at one store, from anywhere. */
  checkoutStore: { scope: "checkout:store", free: 25, baseMs: 2_000, maxMs: 5 * MINUTE, windowMs: 60 * MINUTE },
  /** Wrong polling keys on the item poll from one client address. */
  itemPollClient: { scope: "itempoll:client", free: 5, baseMs: 2_000, maxMs: 15 * MINUTE, windowMs: 60 * MINUTE },
} as const satisfies Record<string, LimitRule>;

function keyOf(rule: LimitRule, id: string): string {
  return `${rule.scope}:${id}`;
}

/** Seconds to wait before the next attempt, or null when it may go ahead now. */
export async function waitSeconds(db: Db, rule: LimitRule, id: string, now = new Date()): Promise<number | null> {
  const [row] = await db.select({ until: loginThrottle.lockedUntil }).from(loginThrottle).where(eq(loginThrottle.key, keyOf(rule, id)));
  if (!row?.until || row.until <= now) return null;
  return Math.max(1, Math.ceil((row.until.getTime() - now.getTime()) / 1000));
}

/** The longest wait among several rules (null when none applies). */
export async function longestWait(db: Db, checks: Array<[LimitRule, string]>, now = new Date()): Promise<number | null> {
  let longest: number | null = null;
  for (const [rule, id] of checks) {
    const w = await waitSeconds(db, rule, id, now);
    if (w !== null && (longest === null || w > longest)) longest = w;
  }
  return longest;
}

/** Counts a failure; past the free ones, the next attempt waits base × 2^(n − free − 1), at most maxMs. */
export async function recordFailure(db: Db, rule: LimitRule, id: string, now = new Date()): Promise<void> {
  // Dates inside sql`` travel as ISO text: postgres.js does not serialise Date parameters there.
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const windowStart = sql`${new Date(now.getTime() - rule.windowMs).toISOString()}::timestamptz`;
  const fresh = sql`${loginThrottle.windowStartedAt} < ${windowStart}`;
  const failures = sql`(case when ${fresh} then 1 else ${loginThrottle.failures} + 1 end)`;
  const wait = sql`least(${rule.maxMs}::float8, ${rule.baseMs}::float8 * power(2::float8, greatest(0, ${failures} - ${rule.free} - 1)))`;
  await db
    .insert(loginThrottle)
    .values({ key: keyOf(rule, id), failures: 1, windowStartedAt: now, lockedUntil: rule.free === 0 ? new Date(now.getTime() + rule.baseMs) : null })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures,
        windowStartedAt: sql`case when ${fresh} then ${nowSql} else ${loginThrottle.windowStartedAt} end`,
        lockedUntil: sql`case when ${failures} > ${rule.free} then ${nowSql} + make_interval(secs => ${wait} / 1000.0) else null end`,
      },
    });
}

export async function clearFailures(db: Db, rule: LimitRule, id: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, keyOf(rule, id)));
}

/** "30 seconds", "2 minutes". */
export function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const m = Math.ceil(seconds / 60);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

/** Thrown when a limit applies; `message` is for the user. */
export class TooManyAttempts extends Error {
  readonly status = 429;
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
  }
}

/** 429 with Retry-After and the message (plain text unless a body is given). */
export function tooManyResponse(e: TooManyAttempts, body?: { text: string; contentType: string }): Response {
  return new Response(body?.text ?? e.message, {
    status: 429,
    headers: { "Retry-After": String(e.retryAfterSeconds), "Content-Type": body?.contentType ?? "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/**
 * The client's address as the nearest proxy saw it: the last `X-Forwarded-For` entry (a load
 * balancer appends the address it saw; Next.js sets it from the socket when absent), else `X-Real-IP`.
 */
export function clientAddress(headers: Headers): string {
  const xff = headers.get("x-forwarded-for");
  const last = xff?.split(",").map((s) => s.trim()).filter(Boolean).pop();
  return (last ?? headers.get("x-real-ip") ?? "unknown").slice(0, 64);
}

// ---------------------------------------------------------------------------------------------------
// Sign-in: by account and by client address.

export async function signInWait(db: Db, { email, client }: { email: string; client: string }, now = new Date()): Promise<number | null> {
  return longestWait(
    db,
    [
      [LIMITS.signInAccount, email.trim().toLowerCase()],
      [LIMITS.signInClient, client],
    ],
    now,
  );
}

export async function signInFailed(db: Db, { email, client }: { email: string; client: string }, now = new Date()): Promise<void> {
  await recordFailure(db, LIMITS.signInAccount, email.trim().toLowerCase(), now);
  await recordFailure(db, LIMITS.signInClient, client, now);
}

export async function signInSucceeded(db: Db, { email }: { email: string }): Promise<void> {
  await clearFailures(db, LIMITS.signInAccount, email.trim().toLowerCase());
}

export function signInWaitMessage(seconds: number): string {
  return `Too many failed sign-ins. Wait ${describeWait(seconds)}, then try again.`;
}
