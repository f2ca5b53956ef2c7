import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { loginThrottle } from "@/lib/db/schema";

/** After this many failures inside the window, sign-in for that e-mail is refused until the lock ends. */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
export const LOCK_MS = 15 * 60_000;

export async function isLocked(db: Db, key: string, now = new Date()): Promise<Date | null> {
  const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.key, key));
  if (row?.lockedUntil && row.lockedUntil > now) return row.lockedUntil;
  return null;
}

export async function recordFailure(db: Db, key: string, now = new Date()): Promise<void> {
  // Dates inside sql`` must be passed as ISO text: postgres.js does not serialise Date parameters there.
  const windowStart = sql`${new Date(now.getTime() - WINDOW_MS).toISOString()}::timestamptz`;
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const lockedUntil = sql`${new Date(now.getTime() + LOCK_MS).toISOString()}::timestamptz`;
  await db
    .insert(loginThrottle)
    .values({ key, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`case when ${loginThrottle.windowStartedAt} < ${windowStart} then 1 else ${loginThrottle.failures} + 1 end`,
        windowStartedAt: sql`case when ${loginThrottle.windowStartedAt} < ${windowStart} then ${nowSql} else ${loginThrottle.windowStartedAt} end`,
        lockedUntil: sql`case when ${loginThrottle.windowStartedAt} >= ${windowStart} and ${loginThrottle.failures} + 1 >= ${MAX_FAILURES} then ${lockedUntil} else ${loginThrottle.lockedUntil} end`,
      },
    });
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
