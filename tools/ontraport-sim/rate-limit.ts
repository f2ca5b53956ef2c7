/**
 * Rolling-window rate limiter, one window per key (ONTRAPORT limits per account; the simulator
 * uses the key as the account).
 *
 * A request is admitted when fewer than `limit` requests were admitted for that key in the last
 * `windowMs` milliseconds. Refused requests (429) do not take a slot. The clock is injectable so
 * tests never sleep through a real minute.
 */

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Slots left in the window after this decision (0 when refused). */
  remaining: number;
  /** Whole seconds until a slot frees (>= 1) when refused; 0 when allowed. */
  resetSeconds: number;
}

/** Timestamps of admitted requests for one key, oldest first (a queue with a moving head). */
class Window {
  private times: number[] = [];
  private head = 0;

  count(): number {
    return this.times.length - this.head;
  }

  /** The n-th oldest admitted time (0 = oldest). */
  nth(n: number): number | undefined {
    return this.times[this.head + n];
  }

  evictBefore(cutoff: number): void {
    const times = this.times;
    let head = this.head;
    while (head < times.length && (times[head] as number) <= cutoff) head++;
    this.head = head;
    // Compact now and then so the array does not grow forever.
    if (head > 1024 && head * 2 > times.length) {
      this.times = times.slice(head);
      this.head = 0;
    }
  }

  push(t: number): void {
    this.times.push(t);
  }
}

export class RollingWindowLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private limit: number,
    private windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    assertPositiveInt("limit", limit);
    assertPositiveInt("windowMs", windowMs);
  }

  get config(): { limit: number; windowMs: number } {
    return { limit: this.limit, windowMs: this.windowMs };
  }

  setLimit(limit: number): void {
    assertPositiveInt("limit", limit);
    this.limit = limit;
  }

  setWindowMs(windowMs: number): void {
    assertPositiveInt("windowMs", windowMs);
    this.windowMs = windowMs;
  }

  /** Decide on one request for `id` and, when admitted, take a slot. */
  hit(id: string): RateDecision {
    const now = this.now();
    let w = this.windows.get(id);
    if (w === undefined) {
      w = new Window();
      this.windows.set(id, w);
    }
    w.evictBefore(now - this.windowMs);
    const used = w.count();
    if (used < this.limit) {
      w.push(now);
      return { allowed: true, limit: this.limit, remaining: this.limit - used - 1, resetSeconds: 0 };
    }
    // Full: a request is admitted again once `used - limit + 1` slots have left the window, i.e.
    // when the one `used - limit` places after the oldest expires (the oldest itself while the
    // limit is unchanged; later ones when the limit was lowered).
    const freesAt = (w.nth(used - this.limit) ?? now) + this.windowMs;
    const waitMs = freesAt - now;
    return {
      allowed: false,
      limit: this.limit,
      remaining: 0,
      resetSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
    };
  }

  /**
   * The window of `id` without taking a slot: slots left, and whole seconds until the oldest
   * admitted request leaves the window (0 when the window is empty).
   */
  peek(id: string): { limit: number; remaining: number; resetSeconds: number } {
    const now = this.now();
    const w = this.windows.get(id);
    if (w === undefined) return { limit: this.limit, remaining: this.limit, resetSeconds: 0 };
    w.evictBefore(now - this.windowMs);
    const used = w.count();
    const oldest = w.nth(0);
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - used),
      resetSeconds: oldest === undefined ? 0 : Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000)),
    };
  }

  /** Forget every window. */
  clear(): void {
    this.windows.clear();
  }
}

function assertPositiveInt(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
}
