/**
 * Everything the simulator remembers: keys, pending faults, the bounded recordings and counters.
 * Pure data structures, no I/O, so they are cheap per request and easy to test.
 */
import { createHash } from "node:crypto";
import {
  NOTIFICATION_TYPES,
  type KeyInfo,
  type KeyState,
  type NotificationFilter,
  type NotificationRecord,
  type ParsedNotification,
  type PendingFault,
  type PixelFilter,
  type PixelRecord,
  type SimStats,
} from "./types";

/** First 12 hex digits of sha256(key): enough to tell keys apart, useless to recover one. */
export function keyFingerprint(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex").slice(0, 12);
}

/** The business fact a notification stands for, or null when it has none to compare. */
export function factKey(reqType: string, parsed: ParsedNotification | null, data: string): string | null {
  if (reqType === "sale") return parsed?.orderId === undefined ? null : `sale\u0000${parsed.orderId}`;
  if (reqType === "refund") return parsed?.refundId === undefined ? null : `refund\u0000${parsed.refundId}`;
  if (reqType === "auto_order_status" || reqType === "affiliate") {
    return `${reqType}\u0000${createHash("sha256").update(data, "utf8").digest("hex")}`;
  }
  return null;
}

/**
 * The `reqType` REST calls take faults under: a fault whose `reqTypes` include "rest", or that has
 * the default `reqTypes` (the four notification types), applies to REST calls too.
 */
export const REST_FAULT_TYPE = "rest";

function isDefaultScope(f: PendingFault): boolean {
  return f.reqTypes.length === NOTIFICATION_TYPES.length && NOTIFICATION_TYPES.every((t, i) => f.reqTypes[i] === t);
}

/** Fixed-capacity FIFO: pushing onto a full ring drops the oldest item. */
export class Ring<T> {
  private items: (T | undefined)[];
  private start = 0;
  private size = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
    this.items = [];
  }

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    if (this.size < this.capacity) {
      this.items[(this.start + this.size) % this.capacity] = item;
      this.size++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Items oldest first, optionally filtered. */
  toArray(keep?: (item: T) => boolean): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++) {
      const item = this.items[(this.start + i) % this.capacity] as T;
      if (keep === undefined || keep(item)) out.push(item);
    }
    return out;
  }

  clear(): void {
    this.items = [];
    this.start = 0;
    this.size = 0;
  }
}

/** An insertion-ordered set that forgets its oldest members beyond `capacity`. */
export class BoundedSet {
  private readonly set = new Set<string>();
  constructor(private readonly capacity: number) {}

  has(v: string): boolean {
    return this.set.has(v);
  }

  add(v: string): void {
    if (this.set.has(v)) return;
    this.set.add(v);
    if (this.set.size > this.capacity) {
      const oldest = this.set.values().next();
      if (!oldest.done) this.set.delete(oldest.value);
    }
  }

  clear(): void {
    this.set.clear();
  }
}

export function emptyStats(): SimStats {
  return {
    received: 0,
    delivered: 0,
    rejected: 0,
    rateLimited: 0,
    unauthorized: 0,
    badRequests: 0,
    faulted: 0,
    duplicates: 0,
    duplicateFacts: 0,
    keyReads: 0,
    pixels: 0,
  };
}

/** Check and normalise a fault posted to `/__sim/faults`; throws a readable Error when invalid. */
export function normalizeFault(input: unknown): PendingFault {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new Error("fault must be a JSON object");
  const o = input as Record<string, unknown>;
  const known = ["count", "status", "delayMs", "drop", "malformed", "reqTypes"];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new Error(`unknown fault field "${k}" (known: ${known.join(", ")})`);
  const count = o.count ?? 1;
  if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 1) throw new Error("count must be a positive integer");
  const fault: PendingFault = { count, reqTypes: [...NOTIFICATION_TYPES] };
  if (o.status !== undefined) {
    if (typeof o.status !== "number" || !Number.isInteger(o.status) || o.status < 200 || o.status > 599) {
      throw new Error("status must be an integer HTTP status from 200 to 599");
    }
    fault.status = o.status;
  }
  if (o.delayMs !== undefined) {
    if (typeof o.delayMs !== "number" || !Number.isInteger(o.delayMs) || o.delayMs < 0 || o.delayMs > 600_000) {
      throw new Error("delayMs must be an integer from 0 to 600000");
    }
    fault.delayMs = o.delayMs;
  }
  for (const flag of ["drop", "malformed"] as const) {
    const v = o[flag];
    if (v === undefined) continue;
    if (typeof v !== "boolean") throw new Error(`${flag} must be true or false`);
    if (v) fault[flag] = true;
  }
  const answers = [fault.status !== undefined, fault.drop === true, fault.malformed === true].filter(Boolean).length;
  if (answers > 1) throw new Error("status, drop and malformed exclude each other (delayMs combines with any)");
  if (answers === 0 && fault.delayMs === undefined) throw new Error("a fault needs one of status, delayMs, drop or malformed");
  if (o.reqTypes !== undefined) {
    if (!Array.isArray(o.reqTypes) || o.reqTypes.length === 0 || !o.reqTypes.every((t) => typeof t === "string")) {
      throw new Error("reqTypes must be a non-empty array of strings");
    }
    fault.reqTypes = [...(o.reqTypes as string[])];
  }
  return fault;
}

export interface StateOptions {
  keys: Iterable<string>;
  maxNotifications: number;
  maxPixels: number;
  /** How many delivered transmission ids are remembered for duplicate counting. */
  maxTransmissionIds: number;
}

export class SimState {
  private readonly initialKeys: string[];
  private readonly keys = new Map<string, KeyState>();
  private readonly fingerprints = new Map<string, string>();
  private faults: PendingFault[] = [];
  readonly notifications: Ring<NotificationRecord>;
  readonly pixels: Ring<PixelRecord>;
  private readonly delivered: BoundedSet;
  private readonly facts: BoundedSet;
  stats: SimStats = emptyStats();
  private notificationSeq = 0;
  private pixelSeq = 0;
  private resultSeq = 0;

  constructor(opts: StateOptions) {
    this.initialKeys = [...opts.keys];
    for (const k of this.initialKeys) this.keys.set(k, "valid");
    this.notifications = new Ring(opts.maxNotifications);
    this.pixels = new Ring(opts.maxPixels);
    this.delivered = new BoundedSet(opts.maxTransmissionIds);
    this.facts = new BoundedSet(opts.maxTransmissionIds);
  }

  // --- keys -----------------------------------------------------------------------------------

  keyState(key: string): KeyState | undefined {
    return this.keys.get(key);
  }

  setKey(key: string, state: KeyState): void {
    this.keys.set(key, state);
  }

  listKeys(): KeyInfo[] {
    return [...this.keys].map(([key, state]) => ({ fingerprint: this.fingerprint(key), state }));
  }

  /** Fingerprint, cached for known keys so the hot path does not hash every time. */
  fingerprint(key: string): string {
    let fp = this.fingerprints.get(key);
    if (fp === undefined) {
      fp = keyFingerprint(key);
      if (this.keys.has(key) && this.fingerprints.size < 10_000) this.fingerprints.set(key, fp);
    }
    return fp;
  }

  // --- faults ---------------------------------------------------------------------------------

  addFault(fault: PendingFault): void {
    this.faults.push(fault);
  }

  pendingFaults(): PendingFault[] {
    return this.faults.map((f) => ({ ...f, reqTypes: [...f.reqTypes] }));
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Take one use of the first pending fault that applies to `reqType`, if any. */
  takeFault(reqType: string): Omit<PendingFault, "count" | "reqTypes"> | undefined {
    if (this.faults.length === 0) return undefined;
    const i = this.faults.findIndex((f) => f.reqTypes.includes(reqType) || (reqType === REST_FAULT_TYPE && isDefaultScope(f)));
    if (i < 0) return undefined;
    const f = this.faults[i] as PendingFault;
    f.count--;
    if (f.count <= 0) this.faults.splice(i, 1);
    const { count: _count, reqTypes: _reqTypes, ...answer } = f;
    return answer;
  }

  // --- recording ------------------------------------------------------------------------------

  nextNotificationSeq(): number {
    return ++this.notificationSeq;
  }

  nextResultId(): string {
    return String(++this.resultSeq);
  }

  /** Remember a delivered transmission id; true when it had been delivered before. */
  markDelivered(transmissionId: string | null): boolean {
    if (transmissionId === null) return false;
    if (this.delivered.has(transmissionId)) return true;
    this.delivered.add(transmissionId);
    return false;
  }

  /**
   * Remember the business fact of an accepted notification (one not already counted as a
   * same-id duplicate); true when that fact had already been accepted, i.e. under another
   * transmission id. A sale is its order id, a refund its refund id, the other types their exact
   * `data`.
   */
  markFact(reqType: string, parsed: ParsedNotification | null, data: string): boolean {
    const key = factKey(reqType, parsed, data);
    if (key === null) return false;
    if (this.facts.has(key)) return true;
    this.facts.add(key);
    return false;
  }

  record(rec: NotificationRecord): void {
    this.notifications.push(rec);
  }

  recordPixel(receivedAt: string, rawQuery: string): void {
    const query: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(rawQuery)) query[k] = v;
    this.pixels.push({ seq: ++this.pixelSeq, receivedAt, query, rawQuery });
    this.stats.pixels++;
  }

  listNotifications(filter: NotificationFilter = {}): NotificationRecord[] {
    const { reqType, orderId, transmissionId, outcome, accepted, limit } = filter;
    const all =
      reqType === undefined && orderId === undefined && transmissionId === undefined && outcome === undefined && accepted === undefined
        ? this.notifications.toArray()
        : this.matching(reqType, orderId, transmissionId, outcome, accepted);
    return limit !== undefined && limit < all.length ? all.slice(all.length - limit) : all;
  }

  private matching(
    reqType: string | undefined,
    orderId: string | undefined,
    transmissionId: string | undefined,
    outcome: string | undefined,
    accepted: boolean | undefined,
  ): NotificationRecord[] {
    return this.notifications.toArray(
      (r) =>
        (accepted === undefined || (r.outcome === "delivered") === accepted) &&
        (reqType === undefined || r.reqType === reqType) &&
        (orderId === undefined || r.parsed?.orderId === orderId) &&
        (transmissionId === undefined || r.transmissionId === transmissionId) &&
        (outcome === undefined || r.outcome === outcome),
    );
  }

  listPixels(filter: PixelFilter = {}): PixelRecord[] {
    const { orderId } = filter;
    return orderId === undefined ? this.pixels.toArray() : this.pixels.toArray((p) => p.query.order_id === orderId);
  }

  /**
   * Forget everything received (recordings, counters, duplicate memory) and every pending fault.
   * With `keys`, also restore the key list given at start-up.
   */
  reset(opts: { keys?: boolean } = {}): void {
    this.notifications.clear();
    this.pixels.clear();
    this.delivered.clear();
    this.facts.clear();
    this.faults = [];
    this.stats = emptyStats();
    this.notificationSeq = 0;
    this.pixelSeq = 0;
    this.resultSeq = 0;
    if (opts.keys) {
      this.keys.clear();
      this.fingerprints.clear();
      for (const k of this.initialKeys) this.keys.set(k, "valid");
    }
  }
}
