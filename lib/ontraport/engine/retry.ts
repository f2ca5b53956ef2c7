// Retry: after a transient failure or an unknown outcome, the next attempt follows Svix's schedule;
// after the last step the transmission is failed for good and can be resent by hand.

/** Waits before attempts 2..8 (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
export const RETRY_SCHEDULE_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 5 * 3600_000, 10 * 3600_000, 10 * 3600_000] as const;

/** When the next try goes out after `retryStep` earlier transient failures, or null when the schedule is used up. */
export function nextRetry(retryStep: number, now: Date): { step: number; at: Date } | null {
  const step = retryStep + 1;
  if (step > RETRY_SCHEDULE_MS.length) return null;
  return { step, at: new Date(now.getTime() + RETRY_SCHEDULE_MS[step - 1]!) };
}

/** 24 hours of unbroken 429s end a transmission: something is wrong beyond a busy minute. */
export const THROTTLE_LIMIT_MS = 24 * 3600_000;

/** A lease taken over this many times (its worker stopped mid-send each time) ends the transmission. */
export const TAKEOVER_LIMIT = 3;
