/**
 * Answer latency: a fixed base plus uniform jitter, for every request or per key (the XML `key`
 * form field, or the REST App ID), and a "never answer" setting to test a sender's timeouts.
 * Pure data, no timers: the server asks `delayFor(key)` when it is about to answer.
 */
import { keyFingerprint } from "./state";
import type { LatencyInfo, LatencySetting } from "./types";

export const MAX_LATENCY_MS = 600_000;

/** `delayFor` answers this when the request must never be answered. */
export const HANG = "hang" as const;

function isZero(s: LatencySetting): boolean {
  return s.baseMs === 0 && s.jitterMs === 0 && !s.hang;
}

/** Check the body of `POST /__sim/latency`; throws a readable Error when invalid. */
export function normalizeLatency(input: unknown): { key: string | undefined; setting: LatencySetting } {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new Error("latency must be a JSON object");
  const o = input as Record<string, unknown>;
  const known = ["baseMs", "jitterMs", "key", "hang"];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new Error(`unknown latency field "${k}" (known: ${known.join(", ")})`);
  const ms = (name: string): number => {
    const v = o[name] ?? 0;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > MAX_LATENCY_MS) {
      throw new Error(`${name} must be an integer from 0 to ${MAX_LATENCY_MS}`);
    }
    return v;
  };
  const hang = o.hang ?? false;
  if (typeof hang !== "boolean") throw new Error("hang must be true or false");
  if (o.key !== undefined && (typeof o.key !== "string" || o.key === "")) throw new Error("key must be a non-empty string");
  if (o.baseMs === undefined && o.jitterMs === undefined && o.hang === undefined) {
    throw new Error("latency needs baseMs and/or jitterMs, or hang");
  }
  return { key: o.key as string | undefined, setting: { baseMs: ms("baseMs"), jitterMs: ms("jitterMs"), hang } };
}

export class LatencySettings {
  private global: LatencySetting;
  private readonly perKey = new Map<string, LatencySetting>();

  constructor(
    private readonly initial: LatencySetting = { baseMs: 0, jitterMs: 0, hang: false },
    private readonly random: () => number = Math.random,
  ) {
    this.global = { ...initial };
  }

  /** Set the global setting, or one key's (which then overrides the global one); all zero clears. */
  set(key: string | undefined, setting: LatencySetting): void {
    if (key === undefined) this.global = { ...setting };
    else if (isZero(setting)) this.perKey.delete(key);
    else this.perKey.set(key, { ...setting });
  }

  /** Back to the start-up setting, no per-key settings. */
  reset(): void {
    this.global = { ...this.initial };
    this.perKey.clear();
  }

  /** No latency at all, not even the start-up one (`DELETE /__sim/latency`). */
  clear(): void {
    this.global = { baseMs: 0, jitterMs: 0, hang: false };
    this.perKey.clear();
  }

  /** True when no request is delayed at all (the hot path skips the lookup). */
  get idle(): boolean {
    return this.perKey.size === 0 && isZero(this.global);
  }

  /** Milliseconds to wait before answering a request of `key` (base ± jitter, never negative), or HANG. */
  delayFor(key: string | null | undefined): number | typeof HANG {
    if (this.idle) return 0;
    const s = (key !== null && key !== undefined ? this.perKey.get(key) : undefined) ?? this.global;
    if (s.hang) return HANG;
    if (s.jitterMs === 0) return s.baseMs;
    const ms = s.baseMs + (this.random() * 2 - 1) * s.jitterMs;
    return Math.max(0, Math.round(ms));
  }

  info(): LatencyInfo {
    return {
      global: { ...this.global },
      keys: [...this.perKey].map(([key, s]) => ({ fingerprint: keyFingerprint(key), ...s })),
    };
  }
}
