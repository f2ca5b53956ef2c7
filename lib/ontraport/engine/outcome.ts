import { nextRetry, THROTTLE_LIMIT_MS } from "./retry";

// What an attempt's outcome does to its transmission: pure, so every rule is tested without a
// database (outcome.test.ts). The protocols (xml/, later rest/) classify answers into an Outcome;
// the worker records the attempt and applies the Decision in one transaction.

export type Outcome =
  | { kind: "delivered" }
  /** ONTRAPORT read the request and refused its content: retrying cannot help. */
  | { kind: "rejected"; message: string }
  | { kind: "stale_key"; message: string }
  | { kind: "rate_limited"; resetSeconds: number }
  /** Nothing reached ONTRAPORT (connection refused, 5xx, 408): safe to send again. */
  | { kind: "transient"; message: string }
  /** The request was written but no answer came (timeout, connection lost): ONTRAPORT may have it. Reconcile before sending again. */
  | { kind: "unknown"; message: string }
  | { kind: "bad_request"; message: string };

export type OutcomeKind = Outcome["kind"];

/** Why a transmission ended (failed or skipped), paused or waits: stored as `end_reason`. */
export type EndReason =
  | "rejected"
  | "bad_request"
  | "retries_exhausted"
  | "key_refused"
  | "key_refused_7d"
  | "throttled_24h"
  | "interrupted_3x"
  | "integration_off"
  | "shipping_only"
  | "event_failed"
  | "held";

export interface AttemptState {
  retryStep: number;
  throttledSince: Date | null;
}

export type Decision =
  | { status: "delivered" }
  | { status: "failed"; endReason: EndReason; message: string; retryStep?: number }
  /** Pause the merchant (stale key); the row waits as paused until a new key is saved. */
  | { status: "paused"; message: string }
  | { status: "pending"; at: Date; message: string; retryStep?: number; unknown?: boolean; throttledSince?: Date; blockMerchantUntil?: Date };

export function describeOutcome(o: Outcome): string | null {
  switch (o.kind) {
    case "delivered":
      return null;
    case "rate_limited":
      return `Rate limited by ONTRAPORT: retry in ${o.resetSeconds} s`;
    case "unknown":
      return `Outcome unknown: ${o.message}`;
    default:
      return o.message;
  }
}

/** The response table, as a function of the outcome, the row's retry state and the time. */
export function decide(o: Outcome, s: AttemptState, now: Date): Decision {
  switch (o.kind) {
    case "delivered":
      return { status: "delivered" };
    case "rejected":
      return { status: "failed", endReason: "rejected", message: o.message };
    case "bad_request":
      return { status: "failed", endReason: "bad_request", message: o.message };
    case "stale_key":
      return { status: "paused", message: o.message };
    case "rate_limited": {
      const since = s.throttledSince ?? now;
      if (now.getTime() - since.getTime() >= THROTTLE_LIMIT_MS) {
        return { status: "failed", endReason: "throttled_24h", message: "ONTRAPORT answered 'too many requests' (429) for 24 hours without a break: resend it when the account is no longer over its limit" };
      }
      const until = new Date(now.getTime() + o.resetSeconds * 1000);
      return { status: "pending", at: until, message: `Rate limited by ONTRAPORT: retry in ${o.resetSeconds} s`, throttledSince: since, blockMerchantUntil: until };
    }
    case "transient":
    case "unknown": {
      const next = nextRetry(s.retryStep, now);
      const words = o.kind === "unknown" ? `Outcome unknown: ${o.message}` : o.message;
      if (!next) return { status: "failed", endReason: "retries_exhausted", message: `Gave up after ${s.retryStep + 1} attempts: ${words}`, retryStep: s.retryStep + 1 };
      return { status: "pending", at: next.at, message: words, retryStep: next.step, unknown: o.kind === "unknown" };
    }
  }
}
