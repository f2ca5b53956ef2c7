import { describe, expect, it } from "vitest";
import { RollingWindowLimiter } from "./rate-limit";

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe("RollingWindowLimiter", () => {
  it("admits `limit` requests per window and counts down Remaining", () => {
    const c = clock();
    const l = new RollingWindowLimiter(3, 60_000, c.now);
    expect(l.hit("k")).toEqual({ allowed: true, limit: 3, remaining: 2, resetSeconds: 0 });
    expect(l.hit("k").remaining).toBe(1);
    expect(l.hit("k").remaining).toBe(0);
    expect(l.hit("k")).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 60 });
  });

  it("is a rolling window: each slot frees exactly windowMs after it was taken", () => {
    const c = clock();
    const l = new RollingWindowLimiter(2, 60_000, c.now);
    l.hit("k"); // t=0
    c.advance(30_000);
    l.hit("k"); // t=30s
    c.advance(10_000); // t=40s
    expect(l.hit("k")).toMatchObject({ allowed: false, resetSeconds: 20 });
    c.advance(19_999); // t=59.999s: first slot frees at 60s
    expect(l.hit("k")).toMatchObject({ allowed: false, resetSeconds: 1 });
    c.advance(1); // t=60s
    expect(l.hit("k")).toMatchObject({ allowed: true, remaining: 0 });
    expect(l.hit("k")).toMatchObject({ allowed: false, resetSeconds: 30 });
  });

  it("never answers a Reset below 1 second and rounds up", () => {
    const c = clock();
    const l = new RollingWindowLimiter(1, 1_500, c.now);
    l.hit("k");
    c.advance(1_499);
    expect(l.hit("k").resetSeconds).toBe(1);
    const l2 = new RollingWindowLimiter(1, 60_000, c.now);
    l2.hit("k");
    c.advance(100);
    expect(l2.hit("k").resetSeconds).toBe(60);
  });

  it("refused requests do not take a slot", () => {
    const c = clock();
    const l = new RollingWindowLimiter(1, 1_000, c.now);
    l.hit("k");
    for (let i = 0; i < 10; i++) l.hit("k");
    c.advance(1_000);
    expect(l.hit("k").allowed).toBe(true);
  });

  it("keeps one window per key", () => {
    const l = new RollingWindowLimiter(1, 1_000, clock().now);
    expect(l.hit("a").allowed).toBe(true);
    expect(l.hit("b").allowed).toBe(true);
    expect(l.hit("a").allowed).toBe(false);
  });

  it("follows a lowered limit, telling when enough slots have freed", () => {
    const c = clock();
    const l = new RollingWindowLimiter(3, 10_000, c.now);
    l.hit("k"); // 0
    c.advance(2_000);
    l.hit("k"); // 2s
    c.advance(2_000);
    l.hit("k"); // 4s
    l.setLimit(1);
    // 3 in window, limit 1: admitted again once 3 have left (when the one at 4 s expires, at 14 s)
    expect(l.hit("k")).toMatchObject({ allowed: false, limit: 1, resetSeconds: 10 });
    c.advance(10_000);
    expect(l.hit("k")).toMatchObject({ allowed: true, limit: 1 });
  });

  it("handles many requests and clear()", () => {
    const c = clock();
    const l = new RollingWindowLimiter(5_000, 1_000, c.now);
    for (let i = 0; i < 20_000; i++) {
      expect(l.hit("k").allowed).toBe(true);
      c.advance(1);
    }
    l.clear();
    expect(l.hit("k").remaining).toBe(4_999);
  });

  it("refuses a non-positive configuration", () => {
    expect(() => new RollingWindowLimiter(0, 1_000)).toThrow(RangeError);
    expect(() => new RollingWindowLimiter(1, 0)).toThrow(RangeError);
    expect(() => new RollingWindowLimiter(1, 1_000).setLimit(1.5)).toThrow(RangeError);
  });
});
