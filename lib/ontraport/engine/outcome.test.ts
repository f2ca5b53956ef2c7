import { describe, expect, it } from "vitest";
import { decide } from "./outcome";
import { RETRY_SCHEDULE_MS, THROTTLE_LIMIT_MS } from "./retry";
import { PAUSE_LIMIT_MS, pauseExpired } from "./stale-key";
import { waitsForSale } from "./held";

// The outcome rules as pure functions: what each answer does to a transmission.

const now = new Date("2026-11-30T12:00:00Z");
const fresh = { retryStep: 0, throttledSince: null };

describe("decide", () => {
  it("delivers, fails content and bad requests at once, and pauses on a refused key", () => {
    expect(decide({ kind: "delivered" }, fresh, now)).toEqual({ status: "delivered" });
    expect(decide({ kind: "rejected", message: "Invalid product" }, fresh, now)).toEqual({ status: "failed", endReason: "rejected", message: "Invalid product" });
    expect(decide({ kind: "bad_request", message: "400" }, fresh, now)).toMatchObject({ status: "failed", endReason: "bad_request" });
    expect(decide({ kind: "stale_key", message: "bad key" }, fresh, now)).toEqual({ status: "paused", message: "bad key" });
  });

  it("retries transient failures and unknown outcomes on the schedule, then gives up", () => {
    for (const [i, wait] of RETRY_SCHEDULE_MS.entries()) {
      const d = decide({ kind: "transient", message: "503" }, { retryStep: i, throttledSince: null }, now);
      expect(d).toMatchObject({ status: "pending", retryStep: i + 1, unknown: false });
      if (d.status === "pending") expect(d.at.getTime() - now.getTime()).toBe(wait);
    }
    const unknown = decide({ kind: "unknown", message: "No answer within 15 s" }, fresh, now);
    expect(unknown).toMatchObject({ status: "pending", unknown: true, message: "Outcome unknown: No answer within 15 s" });
    const last = decide({ kind: "unknown", message: "timeout" }, { retryStep: RETRY_SCHEDULE_MS.length, throttledSince: null }, now);
    expect(last).toMatchObject({ status: "failed", endReason: "retries_exhausted", retryStep: RETRY_SCHEDULE_MS.length + 1 });
    if (last.status === "failed") expect(last.message).toMatch(/^Gave up after 8 attempts: Outcome unknown/);
  });

  it("waits out a 429 without a retry step, and fails after 24 hours of unbroken 429s", () => {
    const first = decide({ kind: "rate_limited", resetSeconds: 30 }, fresh, now);
    expect(first).toMatchObject({ status: "pending", throttledSince: now });
    if (first.status === "pending") {
      expect(first.retryStep).toBeUndefined();
      expect(first.at.getTime() - now.getTime()).toBe(30_000);
      expect(first.blockMerchantUntil).toEqual(first.at);
    }
    const since = new Date(now.getTime() - THROTTLE_LIMIT_MS + 1000);
    expect(decide({ kind: "rate_limited", resetSeconds: 30 }, { retryStep: 0, throttledSince: since }, now)).toMatchObject({ status: "pending", throttledSince: since });
    const long = decide({ kind: "rate_limited", resetSeconds: 30 }, { retryStep: 0, throttledSince: new Date(now.getTime() - THROTTLE_LIMIT_MS) }, now);
    expect(long).toMatchObject({ status: "failed", endReason: "throttled_24h" });
  });
});

describe("stale key and held rules", () => {
  it("ends a pause after 7 days", () => {
    expect(pauseExpired(null, now)).toBe(false);
    expect(pauseExpired(new Date(now.getTime() - PAUSE_LIMIT_MS + 1), now)).toBe(false);
    expect(pauseExpired(new Date(now.getTime() - PAUSE_LIMIT_MS), now)).toBe(true);
  });

  it("holds refunds and auto order statuses of an order, never Sales, Affiliates or order-less rows", () => {
    expect(waitsForSale("refund", "DEMO-1")).toBe(true);
    expect(waitsForSale("auto_order_status", "DEMO-1")).toBe(true);
    expect(waitsForSale("sale", "DEMO-1")).toBe(false);
    expect(waitsForSale("affiliate", null)).toBe(false);
    expect(waitsForSale("refund", null)).toBe(false);
  });
});
