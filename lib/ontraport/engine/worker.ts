import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { executeHot, rowsOf, type Db } from "@/lib/db/client";
import type { TransmissionType } from "@/lib/db/schema";
import { DEFAULT_WORKER_CONCURRENCY } from "@/lib/env";
import { OUTBOX_CHANNEL } from "@/lib/orders/events";
import { decryptSecret } from "../config/crypto";
import { classify, deliver, DEFAULT_TIMEOUT_MS, redactedRequest, type DeliveryRequest, type DeliveryResponse, type ReqType } from "../xml/deliver";
import { ONTRAPORT_REST_BASE_URL, type RestSend } from "../rest/http";
import { sendRest, storedStep, summarizeRest } from "./rest-delivery";
import { dispatchAll } from "./dispatch";
import { holdWaiting, releaseStranded } from "./held";
import { skipOffIntegrations } from "./integration-off";
import { outboxSignal } from "./outbox";
import { decide, describeOutcome, type Outcome } from "./outcome";
import { blockUntil, bucketSql, SERVE_TURNS, takeTokensSql } from "./rate-limit";
import { TAKEOVER_LIMIT } from "./retry";
import { failLongPaused, pausedReason } from "./stale-key";

// The delivery worker keeps a pool of requests in flight (`concurrency`, default 600), at most
// `perStore` (default 1) per store: ONTRAPORT counts requests per account, a store's transmissions go
// out in order, and a crash re-sends at most one request per store. A store whose calls time out holds
// its one slot, never the others'. Claims take stores least recently served first, so they take turns.
//
// Each claim is one statement: due rows (FOR UPDATE SKIP LOCKED) of stores with nothing in flight and a
// rate-limit token, moved to 'sending' under this worker's lease. One claim runs at a time by default,
// over every store: the stores freed while it runs wait for the next one, which then takes them
// together (up to `claimBatch`). Each answer is recorded as soon as it arrives (group commit: one
// recording statement at a time, which takes the answers that arrived while the one before ran, up to
// 200), in the same transaction that moves the transmission's status. Fewer, larger statements are what a busy machine needs: on 2 cores,
// two of each side by side delivered about a tenth less (docs/benchmarks.md). `claimLanes` and
// `recordings` raise them.
// Any number of workers, in any number of processes, can share one PostgreSQL.

export interface WorkerOptions {
  db: Db;
  /** ONTRAPORT_ENDPOINT: used when a merchant has no endpoint of its own. */
  endpoint: string;
  workerId?: string;
  kind?: "embedded" | "standalone";
  /** Requests in flight at most (default 600: 500 stores at 180 a minute with 300 ms answers need about 450). */
  concurrency?: number;
  /** Requests in flight per store at most (default 1). */
  perStore?: number;
  /** Rows one claim statement takes at most (default 100). */
  claimBatch?: number;
  /** Claim statements run side by side, each over its own share of the stores (default CLAIM_LANES, 1). */
  claimLanes?: number;
  /** Recording statements run side by side (default RECORDINGS, 1). */
  recordings?: number;
  /** How long a claim holds a row; a crashed worker's rows are taken over after it. Must exceed the timeout. */
  leaseMs?: number;
  timeoutMs?: number;
  /** Fallback poll when no NOTIFY arrives (retries that come due, missed notifications). */
  pollMs?: number;
  /** Injectable clock: tests move time instead of sleeping. */
  clock?: () => Date;
  /** Decrypts a stored key (default: CARTLINK_ENCRYPTION_KEY). */
  resolveKey?: (ciphertext: string) => string;
  /** Sends one request (default: HTTP). */
  send?: (r: DeliveryRequest) => Promise<DeliveryResponse>;
  /** REST protocol: the API's base URL (default https://api.ontraport.com/1; the demo and tests: the simulator's). */
  restBaseUrl?: string;
  /** REST protocol: sends one call (default: HTTP). */
  restSend?: RestSend;
  /** LISTEN for commits (default true). */
  listen?: boolean;
  log?: (msg: string) => void;
}

export const DEFAULT_CONCURRENCY = DEFAULT_WORKER_CONCURRENCY;

interface Claimed {
  id: string;
  merchant_id: string;
  type: TransmissionType;
  order_id: string | null;
  payload: string;
  attempts: number;
  retry_step: number;
  throttled_since: Date | string | null;
  outcome_unknown: boolean;
  endpoint_url: string | null;
  api_key_ciphertext: string;
  key_status: "untested" | "valid" | "stale";
  snapshot: unknown;
  rest_state: unknown;
  trigger: "automatic" | "manual";
  protocol: "rest" | "xml";
  app_id: string | null;
  /** The row's turn in its claim: each store's first row before any second, stores least recently served first. */
  turn_row: number | string;
  turn_store: number | string;
}

/**
 * Recording statements a worker runs side by side (default 1). One at a time commits the answers that
 * arrived while the one before ran (up to 200 a statement), so its groups grow with the load.
 */
export const RECORDINGS = 1;

/**
 * Claim statements a worker runs side by side (default 1: one claim over every store at a time). With
 * more, each claims only its own share of the stores (by a hash of the merchant id) while places are
 * spare, so two of them never claim for the same store: one request in flight per store holds, and a
 * store freed while one claim runs is taken by the next claim of its share instead of waiting for the
 * whole claim in progress.
 */
export const CLAIM_LANES = 1;

/**
 * Connections a standalone worker needs: claims (housekeeping runs on a claim's turn), recording
 * statements, and four for dispatch, heartbeats and the REST protocol's own statements (a token and a
 * lease check for each call, the ids it learned), which its sends run. Pass the worker's `claimLanes`
 * and `recordings` when they are not the defaults.
 */
export function workerPoolSize(claimLanes = CLAIM_LANES, recordings = RECORDINGS): number {
  return atLeastOne(claimLanes, CLAIM_LANES) + atLeastOne(recordings, RECORDINGS) + 4;
}

/** A whole number of at least 1 (the default when `n` is not a finite number). */
export function atLeastOne(n: number | undefined, fallback: number): number {
  return Number.isFinite(n) ? Math.max(1, Math.floor(n!)) : fallback;
}

/** A claim lane: the stores whose merchant id hashes to `k` modulo `n`. */
interface Lane {
  k: number;
  n: number;
}

type RecordGroup = Array<{ r: AttemptResult; resolve: () => void; reject: (e: unknown) => void }>;

const SENDABLE: ReadonlySet<string> = new Set(["sale", "refund", "auto_order_status", "affiliate"]);

export class OutboxWorker {
  readonly id: string;
  private readonly o: Required<Omit<WorkerOptions, "workerId" | "log" | "restSend">> & { log: (msg: string) => void; restSend?: RestSend };
  private running = false;
  private pumpDone: Promise<void> | null = null;
  private wakeWaiters: Array<() => void> = [];
  /** Counts wake-ups, so one that arrives during a cycle is not lost. */
  private wakeSeq = 0;
  private dispatchDirty = true;
  private dispatching: Promise<void> | null = null;
  private lastReap = Number.NEGATIVE_INFINITY;
  private keys = new Map<string, string>();
  private unlisten: (() => Promise<void>) | null = null;
  private timers: NodeJS.Timeout[] = [];
  private onSignal = () => this.wake();
  /** Sends (and their recording) under way. */
  private inFlight = new Set<Promise<void>>();
  /** Deliveries finished by this worker (any outcome), for benchmarks. */
  finished = 0;
  private recordQueue: RecordGroup = [];
  /** Recording statements running now. */
  private flushing = 0;
  /** Free places that claims running now may fill. */
  private reserved = 0;
  /** Per lane: its last claim found fewer rows than places (see setSpare). */
  private laneShort: boolean[];
  /** Places are spare: every lane's last claim was short, so no store waits for a place. */
  private spare = false;
  /** Claim statements running now, whether one of them is over every store, and whether a lane waits for them. */
  private claiming = 0;
  private claimingAll = false;
  private claimWaiting = false;
  /** Per lane: wake-ups it gave the other lanes (see lane()). */
  private lanesWoken: number[];

  constructor(opts: WorkerOptions) {
    this.id = opts.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.o = {
      db: opts.db,
      endpoint: opts.endpoint,
      kind: opts.kind ?? "standalone",
      concurrency: Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY),
      perStore: Math.max(1, opts.perStore ?? 1),
      // Below SERVE_TURNS: a claim numbers its stores' turns within that (rate-limit.ts).
      claimBatch: Math.min(SERVE_TURNS - 1, Math.max(1, opts.claimBatch ?? 100)),
      claimLanes: atLeastOne(opts.claimLanes, CLAIM_LANES),
      recordings: atLeastOne(opts.recordings, RECORDINGS),
      leaseMs: opts.leaseMs ?? 60_000,
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      pollMs: opts.pollMs ?? 1000,
      clock: opts.clock ?? (() => new Date()),
      resolveKey: opts.resolveKey ?? ((c) => decryptSecret(c)),
      send: opts.send ?? deliver,
      restBaseUrl: opts.restBaseUrl ?? ONTRAPORT_REST_BASE_URL,
      restSend: opts.restSend,
      listen: opts.listen ?? true,
      log: opts.log ?? (() => {}),
    };
    this.laneShort = Array.from({ length: this.o.claimLanes }, () => false);
    this.lanesWoken = Array.from({ length: this.o.claimLanes }, () => 0);
    if (this.o.leaseMs <= this.o.timeoutMs) throw new Error("leaseMs must be longer than timeoutMs, or a slow send could be claimed twice");
  }

  /** Requests in flight now. */
  get busy(): number {
    return this.inFlight.size;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    outboxSignal().on("wake", this.onSignal);
    if (this.o.listen) this.unlisten = await listen(this.o.db, () => this.wake());
    await this.heartbeat();
    await holdWaiting(this.o.db, this.o.clock()).catch((e) => this.o.log(`outbox worker: ${errorText(e)}`));
    this.timers.push(setInterval(() => void this.heartbeat().catch(() => {}), 5000));
    this.timers.push(setInterval(() => this.wake(), this.o.pollMs));
    this.pumpDone = this.pump();
  }

  /** Graceful stop: no new claims; sends in flight finish and are recorded. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    outboxSignal().off("wake", this.onSignal);
    this.wake();
    await this.pumpDone;
    this.pumpDone = null;
    if (this.unlisten) await this.unlisten().catch(() => {});
    this.unlisten = null;
    // A stopped worker is no longer counted by /api/health.
    await this.o.db.execute(sql`delete from worker_heartbeats where worker_id = ${this.id}`).catch(() => {});
  }

  /** New work may be there: dispatch and claim now. */
  wake(): void {
    this.dispatchDirty = true;
    this.nudge();
  }

  /** A slot freed or a claim may find more: run the pump again (without dispatching). */
  private nudge(): void {
    this.wakeSeq += 1;
    const w = this.wakeWaiters;
    this.wakeWaiters = [];
    for (const f of w) f();
  }

  /** Wakes the lanes on behalf of one lane, which itself does not run again for it. */
  private wakeOtherLanes(from: Lane | undefined): void {
    this.lanesWoken[from?.k ?? 0]! += 1;
    this.nudge();
  }

  private waitForWake(): Promise<void> {
    return new Promise((resolve) => {
      this.wakeWaiters.push(resolve);
    });
  }

  /** Claims while slots are free, in `claimLanes` lanes side by side; each send runs on its own and frees its slot when recorded. */
  private async pump(): Promise<void> {
    const n = this.o.claimLanes;
    await Promise.all(Array.from({ length: n }, (_, k) => this.lane(n > 1 ? { k, n } : undefined)));
    await Promise.allSettled([...this.inFlight]);
  }

  private async lane(lane: Lane | undefined): Promise<void> {
    while (this.running) {
      const seen = this.wakeSeq;
      const self = lane?.k ?? 0;
      const own = this.lanesWoken[self]!;
      let more = false;
      try {
        more = await this.fill(lane);
      } catch (e) {
        this.o.log(`outbox worker: ${errorText(e)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      // Sleep unless something woke the pump meanwhile; wake-ups this lane gave the others do not count
      // (two lanes would otherwise wake each other for ever).
      if (!more && this.running && this.wakeSeq - seen === this.lanesWoken[self]! - own) await this.waitForWake();
    }
  }

  /**
   * Housekeeping, then one claim into the free slots, which it reserves while it runs so that lanes
   * together never claim more than the slots. While places are spare each lane claims its own stores;
   * while they are scarce only the first lane claims, over every store, so stores take turns strictly
   * least recently served first. Returns whether another claim right away may find more.
   */
  private async fill(lane?: Lane): Promise<boolean> {
    const now = await this.housekeeping();
    if (lane && lane.k > 0 && !this.spare) return false;
    const available = this.o.concurrency - this.inFlight.size;
    if (available <= 0) {
      // Every place taken: stores may be waiting for one.
      this.setSpare(undefined, false, lane);
      return false;
    }
    const claimLane = this.spare ? lane : undefined;
    // A claim over every store never runs beside another claim: both could pick the same store.
    if (this.claimingAll || (!claimLane && this.claiming > 0)) {
      this.claimWaiting = true;
      return false;
    }
    // A lane claims its share of the places, so one lane's claim never leaves the other none.
    const share = claimLane ? Math.ceil(available / claimLane.n) : available;
    const places = Math.min(share, available - this.reserved);
    if (places <= 0) {
      // The other lane's claim holds the free places: it wakes this one when it is done.
      this.claimWaiting = true;
      return false;
    }
    const want = Math.min(places, this.o.claimBatch);
    this.reserved += want;
    this.claiming += 1;
    this.claimingAll = !claimLane;
    let rows: Claimed[];
    try {
      rows = await this.claim(now, want, claimLane);
    } finally {
      this.reserved -= want;
      this.claiming -= 1;
      this.claimingAll = false;
      if (this.claimWaiting) {
        this.claimWaiting = false;
        this.wakeOtherLanes(lane);
      }
    }
    // Places are scarce only when the claim filled every place it had (a full batch with places left
    // over just claims again at once).
    this.setSpare(claimLane, rows.length < places, lane);
    // RETURNING gives the rows in no particular order: send them in their turn.
    for (const t of inTurn(rows)) this.launch(t);
    return rows.length === want && this.inFlight.size < this.o.concurrency;
  }

  /**
   * Records whether a claim found fewer rows than it had places for (of one lane's stores, or of all).
   * Places are spare when every lane's last claim was short: then no store waits for a place.
   */
  private setSpare(lane: Lane | undefined, short: boolean, from: Lane | undefined): void {
    const was = this.spare;
    if (lane) this.laneShort[lane.k] = short;
    else this.laneShort.fill(short);
    this.spare = this.laneShort.every(Boolean);
    // Spare: the other lanes sat out while places were scarce. Scarce: the first lane may be asleep
    // after a short claim of its own half, and must now claim over every store. Either way, wake them.
    if (this.spare !== was) this.wakeOtherLanes(from);
  }

  private launch(t: Claimed): Promise<void> {
    const p: Promise<void> = this.sendOne(t)
      .then((r) => this.record(r))
      .catch((e) => this.o.log(`outbox worker: ${errorText(e)}`))
      .finally(() => {
        this.inFlight.delete(p);
        this.nudge();
      });
    this.inFlight.add(p);
    return p;
  }

  private async housekeeping(): Promise<Date> {
    await this.dispatch();
    const now = this.o.clock();
    if (now.getTime() - this.lastReap > 2000 || this.lastReap > now.getTime()) {
      this.lastReap = now.getTime();
      await reclaimExpiredLeases(this.o.db, now);
      await failLongPaused(this.o.db, now);
      await releaseStranded(this.o.db, now);
      await skipOffIntegrations(this.o.db, now);
    }
    return now;
  }

  /**
   * One round for tests and benchmarks: dispatch, housekeeping, one claim into the free slots, and
   * every send of it finished and recorded. Returns how many were sent.
   */
  async cycle(): Promise<number> {
    // A started worker's lanes reserve places for their claims; a cycle beside them could overfill.
    if (this.running) throw new Error("cycle() and drain() are for a worker that is not started");
    const now = await this.housekeeping();
    const free = this.o.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const rows = await this.claim(now, Math.min(free, this.o.claimBatch));
    await Promise.all(inTurn(rows).map((t) => this.launch(t)));
    return rows.length;
  }

  /**
   * Group commit: an answer joins the queue and is committed at once when fewer than `recordings`
   * recording statements are running; otherwise it shares the next one with every answer queued by
   * then. A SIGKILL re-sends only what was still waiting for ONTRAPORT's answer or for its own commit.
   * Resolves when this answer's attempt and status are committed.
   */
  private record(r: AttemptResult): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.recordQueue.push({ r, resolve, reject });
      this.flushRecords();
    });
  }

  private flushRecords(): void {
    while (this.flushing < this.o.recordings && this.recordQueue.length) {
      const group = this.recordQueue.splice(0, 200);
      this.flushing += 1;
      void this.flushGroup(group).finally(() => {
        this.flushing -= 1;
        this.flushRecords();
      });
    }
  }

  private async flushGroup(group: RecordGroup): Promise<void> {
    try {
      await finishAttempts(this.o.db, group.map((g) => g.r), this.o.clock(), this.id);
      this.finished += group.length;
      for (const g of group) g.resolve();
      return;
    } catch (e) {
      if (group.length === 1) {
        // Not recorded: the row stays 'sending' until its lease runs out, then is taken over (outcome unknown).
        group[0]!.reject(e);
        return;
      }
    }
    // One answer that cannot be recorded must not take the others with it: record them one by one.
    for (const g of group) {
      try {
        await finishAttempts(this.o.db, [g.r], this.o.clock(), this.id);
        this.finished += 1;
        g.resolve();
      } catch (err) {
        g.reject(err);
      }
    }
  }

  /** Runs cycles until nothing is due (tests and benchmarks; the clock decides what is due). */
  async drain(maxCycles = 10_000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxCycles; i++) {
      this.dispatchDirty = true;
      const n = await this.cycle();
      total += n;
      if (n === 0) return total;
    }
    return total;
  }

  private async dispatch(): Promise<void> {
    if (this.dispatching) return this.dispatching;
    if (!this.dispatchDirty) return;
    this.dispatchDirty = false;
    this.dispatching = dispatchAll(this.o.db, { now: this.o.clock() })
      .then(() => undefined)
      .finally(() => {
        this.dispatching = null;
      });
    return this.dispatching;
  }

  /** One claim statement (claimStatement, below) into `want` free places, of all stores or of one lane's. */
  private async claim(now: Date, want: number, lane?: Lane): Promise<Claimed[]> {
    return executeHot<Claimed>(this.o.db, claimStatement({ now, want, perStore: this.o.perStore, leaseMs: this.o.leaseMs, workerId: this.id, lane }));
  }

  private key(ciphertext: string): string {
    let k = this.keys.get(ciphertext);
    if (k === undefined) {
      k = this.o.resolveKey(ciphertext);
      if (this.keys.size > 1000) this.keys.clear();
      this.keys.set(ciphertext, k);
    }
    return k;
  }

  /**
   * Sends one transmission. After an unknown outcome the protocol reconciles before anything new goes
   * out; for the XML protocol that is the same request with the same X-Transmission-Id, which the
   * endpoint drops when it already has it, so reconciling and resending are one request.
   */
  private async sendOne(t: Claimed): Promise<AttemptResult> {
    if (t.protocol === "rest") return this.sendOneRest(t);
    const startedAt = this.o.clock();
    const request: DeliveryRequest = {
      endpoint: t.endpoint_url || this.o.endpoint,
      apiKey: "",
      reqType: (SENDABLE.has(t.type) ? t.type : "sale") as ReqType,
      xml: t.payload,
      transmissionId: t.id,
      timeoutMs: this.o.timeoutMs,
    };
    let response: DeliveryResponse;
    try {
      request.apiKey = this.key(t.api_key_ciphertext);
      response = await this.o.send(request);
    } catch (e) {
      response = { statusCode: null, body: "", rateLimitReset: null, durationMs: 0, error: `Could not send: ${errorText(e)}` };
    }
    // Whatever the endpoint answered must fit in PostgreSQL text (no NUL), or the attempt could not be recorded.
    response = { ...response, body: storableText(response.body), error: response.error === null ? null : storableText(response.error) };
    const outcome: Outcome = SENDABLE.has(t.type) ? classify(response) : { kind: "bad_request", message: `${t.type} is not sent to ONTRAPORT` };
    return { t, request, response, outcome, startedAt };
  }

  /** REST: several calls, each with its own rate-limit token and lease check (rest-delivery.ts). */
  private async sendOneRest(t: Claimed): Promise<AttemptResult> {
    const startedAt = this.o.clock();
    const started = performance.now();
    let apiKey = "";
    let keyError: string | null = null;
    try {
      apiKey = this.key(t.api_key_ciphertext);
    } catch (e) {
      keyError = `Could not read the stored API key: ${errorText(e)}`;
    }
    const r = keyError
      ? { outcome: { kind: "bad_request", message: keyError } as Outcome, steps: [], state: {}, notes: [] }
      : await sendRest(
          this.o.db,
          {
            id: t.id,
            merchantId: t.merchant_id,
            type: t.type,
            orderId: t.order_id,
            snapshot: t.snapshot,
            restState: t.rest_state,
            outcomeUnknown: t.outcome_unknown,
            manual: t.trigger === "manual",
            appId: t.app_id ?? "",
            apiKey,
          },
          { baseUrl: this.o.restBaseUrl, timeoutMs: this.o.timeoutMs, leaseMs: this.o.leaseMs, workerId: this.id, clock: this.o.clock, send: this.o.restSend },
        );
    const last = r.steps.at(-1);
    const outcome: Outcome = SENDABLE.has(t.type) ? r.outcome : { kind: "bad_request", message: `${t.type} is not sent to ONTRAPORT` };
    return {
      t,
      request: { endpoint: this.o.restBaseUrl, apiKey: "", reqType: "sale", xml: "", transmissionId: t.id, timeoutMs: this.o.timeoutMs },
      response: {
        statusCode: last?.status ?? null,
        body: storableText(last?.responseBody ?? ""),
        rateLimitReset: last?.rateLimitReset ?? null,
        durationMs: performance.now() - started,
        error: last?.error ? storableText(last.error) : null,
      },
      outcome,
      startedAt,
      rest: { summary: storableText(summarizeRest(r.steps, r.notes)), steps: r.steps.map(storedStep), state: r.state },
    };
  }

  private async heartbeat(): Promise<void> {
    await this.o.db.execute(sql`insert into worker_heartbeats (worker_id, pid, kind, delivered) values (${this.id}, ${process.pid}, ${this.o.kind}, ${this.finished})
      on conflict (worker_id) do update set beat_at = now(), delivered = excluded.delivered`);
  }
}

/**
 * The claim, in one statement (no BEGIN/COMMIT round trips, so a store's bucket row is held only while
 * the statement runs). Stores qualify when they are on the API method with a key, not paused, not
 * blocked by a 429, have something due, a rate-limit token and fewer than `perStore` requests in
 * flight; the least recently served come first. Each gives its oldest due rows that do not wait behind
 * an earlier transmission of the same order; the rows that get a token move to 'sending' under the lease.
 */
export function claimStatement(o: { now: Date; want: number; perStore: number; leaseMs: number; workerId: string; lane?: Lane }) {
  const { now, want, perStore } = o;
  const nowIso = now.toISOString();
  const leaseIso = new Date(now.getTime() + o.leaseMs).toISOString();
  const { burst, perSecond } = bucketSql(sql`c.rate_limit_per_minute`);
  return sql`
        with ranked as (
          -- Stores in turn, least recently served first. The ranking reads only the small config and
          -- rate-window tables ("offset 0" keeps the checks below out of it); the checks that probe
          -- transmissions (room for another request, something due) then run store by store in that
          -- order, as lateral subqueries (so even a generic plan of the prepared statement runs them
          -- per store instead of joining every pending row), and stop once the claim has enough
          -- stores. Stores in flight were served last, so they come last and are rarely probed at all.
          select c.merchant_id, w.served_seq
          from ontraport_configs c
          left join ontraport_rate_windows w on w.merchant_id = c.merchant_id
          where c.method = 'api' and c.api_key_ciphertext is not null and c.paused_at is null
            -- This lane's share of the stores (every store when the claim has no lane).
            and (hashtext(c.merchant_id) & 2147483647) % ${o.lane?.n ?? 1}::int = ${o.lane?.k ?? 0}::int
            and (w.merchant_id is null or (
              (w.blocked_until is null or w.blocked_until <= ${nowIso}::timestamptz)
              and least(${burst}, w.tokens + greatest(0, extract(epoch from (${nowIso}::timestamptz - w.refilled_at))) * ${perSecond}) >= 1))
          order by w.served_seq nulls first, c.merchant_id
          offset 0
        ),
        eligible as (
          select r.merchant_id, f.room, row_number() over (order by r.served_seq nulls first, r.merchant_id) as ord
          from ranked r
          -- Room for more requests: this store's rows in flight, off the small partial index of 'sending'
          -- rows. The LIMIT (no store has more than perStore) keeps every plan on that index: without
          -- it a generic plan was seen bitmap-scanning all of a store's open rows, once per store.
          cross join lateral (select ${perStore}::int - count(*)::int as room from (
            select 1 from transmissions s where s.merchant_id = r.merchant_id and s.status = 'sending' limit ${perStore}) s) f
          -- Only stores with something due (off the partial index): a store with nothing to send must
          -- never take a place that a store with work could have.
          cross join lateral (select 1 from transmissions d where d.merchant_id = r.merchant_id and d.status = 'pending' and d.next_attempt_at <= ${nowIso}::timestamptz
            order by d.next_attempt_at, d.seq limit 1) due
          where f.room > 0
          order by r.served_seq nulls first, r.merchant_id
          -- Four times the places wanted: a store whose due rows all wait behind an earlier row of the
          -- same order yields nothing, and must not leave the claim empty.
          limit ${want * 4}
        ),
        -- Per store, its oldest due rows straight off the partial index (no lock yet), ranked so a
        -- claim takes one row of each store before a second of any.
        cand as (
          select d.id, d.next_attempt_at, d.seq, e.ord,
            row_number() over (partition by e.merchant_id order by d.next_attempt_at, d.seq) as rn
          from eligible e
          cross join lateral (
            select t.id, t.next_attempt_at, t.seq from transmissions t
            where t.merchant_id = e.merchant_id and t.status = 'pending' and t.next_attempt_at <= ${nowIso}::timestamptz
              -- A refund or status change waits for the same order's earlier transmissions.
              and (t.type = 'sale' or t.order_id is null or not exists (
                select 1 from transmissions p
                where p.merchant_id = t.merchant_id and p.order_id = t.order_id and p.seq < t.seq
                  and p.status in ('pending', 'sending', 'paused')))
            order by t.next_attempt_at, t.seq
            limit e.room
          ) d
        ),
        picked as (
          select t.id, t.merchant_id, cand.rn, cand.ord, cand.next_attempt_at, cand.seq from transmissions t
          join cand on cand.id = t.id
          where t.status = 'pending'
          order by cand.rn, cand.ord
          limit ${want}
          for update of t skip locked
        ),
        -- Each store's turn in this claim, which the next claims go by (least recently served first).
        wanted as (select merchant_id, count(*)::int as n, row_number() over (order by min(ord)) as turn from picked group by merchant_id),
        tokens as (${takeTokensSql(sql`wanted`, now, { serve: true })}),
        granted as (
          select r.id, r.rn, r.ord from (
            select p.id, p.merchant_id, p.rn, p.ord, row_number() over (partition by p.merchant_id order by p.rn) as k from picked p
          ) r join tokens k on k.merchant_id = r.merchant_id
          where r.k <= k.granted
        )
        update transmissions t set status = 'sending', lease_until = ${leaseIso}::timestamptz, locked_by = ${o.workerId}, updated_at = ${nowIso}::timestamptz
        from granted g, ontraport_configs c
        where t.id = g.id and c.merchant_id = t.merchant_id
        -- The store's turn in this claim (its nth row, then the store's rank): rows are sent in that order.
        returning g.rn as turn_row, g.ord as turn_store, t.id, t.merchant_id, t.type, t.order_id, t.payload, t.attempts, t.retry_step, t.throttled_since, t.outcome_unknown,
          c.endpoint_url, c.api_key_ciphertext, c.key_status, t.trigger, c.protocol, c.app_id,
          -- Only REST builds its calls from the facts and resumes from what it learned: XML rows leave them in the table.
          case when c.protocol = 'rest' then t.snapshot end as snapshot, case when c.protocol = 'rest' then t.rest_state end as rest_state`;
}

/** Claimed rows in their turn (UPDATE ... RETURNING keeps no order). */
function inTurn(rows: Claimed[]): Claimed[] {
  return rows.toSorted((a, b) => Number(a.turn_row) - Number(b.turn_row) || Number(a.turn_store) - Number(b.turn_store));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export const INTERRUPTED = "Sending was interrupted (the worker stopped before ONTRAPORT's answer was recorded): outcome unknown; the next attempt carries the same X-Transmission-Id";
export const INTERRUPTED_FOR_GOOD = `Sending was interrupted ${TAKEOVER_LIMIT} times: check whether ONTRAPORT has it, then resend it if not`;

/**
 * Rows whose lease ran out (their worker died mid-send) are taken over: the attempt is recorded with
 * an unknown outcome, and the row goes back to the queue, due now; the third takeover fails it.
 */
export async function reclaimExpiredLeases(db: Db, now: Date): Promise<number> {
  const nowIso = now.toISOString();
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      with r as (
        update transmissions set
          status = (case when takeovers + 1 >= ${TAKEOVER_LIMIT} then 'failed' else 'pending' end)::transmission_status,
          end_reason = case when takeovers + 1 >= ${TAKEOVER_LIMIT} then 'interrupted_3x' else end_reason end,
          last_error = case when takeovers + 1 >= ${TAKEOVER_LIMIT} then ${INTERRUPTED_FOR_GOOD} else ${INTERRUPTED} end,
          takeovers = takeovers + 1, attempts = attempts + 1, outcome_unknown = true,
          lease_until = null, locked_by = null, next_attempt_at = ${nowIso}::timestamptz, updated_at = ${nowIso}::timestamptz
        where status = 'sending' and lease_until < ${nowIso}::timestamptz
        returning id, merchant_id, attempts, last_error
      )
      insert into transmission_attempts (transmission_id, merchant_id, attempt_no, started_at, duration_ms, status_code, request_payload, response_body, error, outcome)
      select r.id, r.merchant_id, r.attempts, ${nowIso}::timestamptz, 0, null, '(taken over after the lease ran out: the request may or may not have reached ONTRAPORT)', null, r.last_error, 'unknown' from r
      returning transmission_id as id`),
  );
  return rows.length;
}

export interface AttemptResult {
  t: Claimed;
  request: DeliveryRequest;
  response: DeliveryResponse;
  outcome: Outcome;
  startedAt: Date;
  /** REST: the attempt's calls in words and as JSON, and what was learned (the row keeps it for the retry). */
  rest?: { summary: string; steps: Array<Record<string, unknown>>; state: Record<string, unknown> };
}

/**
 * Records the attempts and moves each transmission per the response table, in one transaction.
 * Only rows this worker still holds are moved (a row whose lease ran out belongs to someone else now).
 * A delivered Sale releases its order's held transmissions in the same statement.
 */
export async function finishAttempts(db: Db, unordered: AttemptResult[], now: Date, workerId: string): Promise<void> {
  if (!unordered.length) return;
  const results = [...unordered].sort((a, b) => (a.t.merchant_id < b.t.merchant_id ? -1 : a.t.merchant_id > b.t.merchant_id ? 1 : 0));
  const nowIso = now.toISOString();
  // Every attempt row, and the delivered rows' new status, in one statement: the values travel as one
  // JSON parameter, so the text is the same whatever the group's size (one prepared statement).
  const rows = JSON.stringify(
    results.map(({ t, request, response, outcome, startedAt, rest }) => ({
      id: t.id,
      merchant_id: t.merchant_id,
      order_id: t.type === "sale" ? t.order_id : null,
      attempt_no: t.attempts + 1,
      started_at: startedAt.toISOString(),
      duration_ms: Math.round(response.durationMs),
      status_code: response.statusCode,
      // The stored request is the redacted form followed by the XML, which the row already holds:
      // only the part before the XML travels (and the XML itself if it is not the row's payload).
      request_head: rest ? rest.summary : storableText(redactedRequest({ ...request, xml: "" })),
      xml: rest ? "" : request.xml === t.payload ? null : storableText(request.xml),
      steps: rest ? rest.steps : null,
      rest_state: rest ? rest.state : null,
      protocol: rest ? "rest" : "xml",
      body: response.body ? storableText(response.body) : null,
      error: storableOrNull(describeOutcome(outcome)),
      outcome: outcome.kind,
      delivered: outcome.kind === "delivered",
    })),
  );
  const recordAll = sql`
    with v as (
      select * from json_to_recordset(${rows}::json) as v(id uuid, merchant_id text, order_id text, attempt_no int, started_at timestamptz, duration_ms int,
        status_code int, request_head text, xml text, body text, error text, outcome text, delivered boolean, steps jsonb, rest_state jsonb, protocol text)
    ),
    attempts as (
      insert into transmission_attempts (transmission_id, merchant_id, attempt_no, started_at, duration_ms, status_code, request_payload, response_body, error, outcome, steps)
      select v.id, v.merchant_id, v.attempt_no, v.started_at, v.duration_ms, v.status_code, v.request_head || coalesce(v.xml, t.payload), v.body, v.error, v.outcome, v.steps
      from v join transmissions t on t.id = v.id
    ),
    -- A delivered Sale releases its order's held Refunds and Auto Order Statuses (lib/ontraport/engine/held.ts).
    released as (
      update transmissions h set status = 'pending', next_attempt_at = ${nowIso}::timestamptz, last_error = null, end_reason = null, updated_at = ${nowIso}::timestamptz
      from (select distinct merchant_id, order_id from v where v.delivered and v.order_id is not null) s
      where h.merchant_id = s.merchant_id and h.order_id = s.order_id and h.status = 'held'
    )
    update transmissions t set status = 'delivered', delivered_at = ${nowIso}::timestamptz, last_error = null, end_reason = null, attempts = t.attempts + 1,
      outcome_unknown = false, throttled_since = null, rest_state = coalesce(v.rest_state, t.rest_state), protocol = v.protocol::ontraport_protocol,
      last_status_code = v.status_code, last_response_body = v.body, lease_until = null, locked_by = null, updated_at = ${nowIso}::timestamptz
    from v
    -- Rows this worker still holds. "is true" keeps the planner on the primary key, row by row: given
    -- a plain status test it scans every 'sending' row and compares each with every answer.
    -- A row taken over meanwhile (its lease ran out while this answer was on the way) and not yet sent
    -- again is delivered all the same: ONTRAPORT has it.
    where v.delivered and t.id = v.id and ((t.status = 'sending' and t.locked_by = ${workerId}) or (t.status = 'pending' and t.outcome_unknown)) is true`;
  // A key proved good, or any answer other than delivered, also moves the merchant's config or rate
  // window: then everything goes in one transaction.
  const keys = new Map<string, AttemptResult>();
  for (const r of results) if (r.outcome.kind === "delivered" && r.t.key_status !== "valid") keys.set(`${r.t.merchant_id}\n${r.t.api_key_ciphertext}`, r);
  const others = results.filter((r) => r.outcome.kind !== "delivered");
  if (!keys.size && !others.length) {
    await executeHot(db, recordAll);
    return;
  }
  // Merchant by merchant, and within a merchant its config row before its rate-window row, so two
  // recording transactions always take these locks in the same order.
  const rank = (r: AttemptResult) => (r.outcome.kind === "delivered" || r.outcome.kind === "stale_key" ? 0 : r.outcome.kind === "rate_limited" ? 1 : 2);
  const steps = [...keys.values(), ...others].sort((a, b) => (a.t.merchant_id < b.t.merchant_id ? -1 : a.t.merchant_id > b.t.merchant_id ? 1 : rank(a) - rank(b)));
  await db.transaction(async (tx) => {
    await tx.execute(recordAll);
    for (const r of steps)
      if (r.outcome.kind === "delivered")
        await tx.execute(sql`update ontraport_configs set key_status = 'valid', key_status_at = ${nowIso}::timestamptz, key_status_code = ${r.response.statusCode}
          where merchant_id = ${r.t.merchant_id} and api_key_ciphertext = ${r.t.api_key_ciphertext}`);
      else await applyOutcome(tx, r, now, workerId);
  });
}

function storableOrNull(s: string | null): string | null {
  return s === null ? null : storableText(s);
}

async function applyOutcome(tx: Db, r: AttemptResult, now: Date, workerId: string): Promise<void> {
  const { t, response, outcome } = r;
  const nowIso = now.toISOString();
  const body = response.body || null;
  const mine = sql`id = ${t.id}::uuid and status = 'sending' and locked_by = ${workerId}`;
  const throttledSince = t.throttled_since === null ? null : new Date(t.throttled_since);
  const d = decide(outcome, { retryStep: t.retry_step, throttledSince }, now);
  const rateLimited = outcome.kind === "rate_limited" ? 1 : 0;
  const restState = r.rest ? JSON.stringify(r.rest.state) : null;
  const common = sql`attempts = attempts + 1, rate_limited = rate_limited + ${rateLimited}, last_status_code = ${response.statusCode}, last_response_body = ${body},
    rest_state = coalesce(${restState}::jsonb, rest_state), protocol = ${r.rest ? "rest" : "xml"}::ontraport_protocol,
    lease_until = null, locked_by = null, updated_at = ${nowIso}::timestamptz`;
  switch (d.status) {
    case "delivered":
      return;
    case "failed":
      await tx.execute(sql`update transmissions set status = 'failed', end_reason = ${d.endReason}, last_error = ${storableText(d.message)}, retry_step = coalesce(${d.retryStep ?? null}::int, retry_step),
        outcome_unknown = ${outcome.kind === "unknown"}, ${common} where ${mine}`);
      return;
    case "paused": {
      // Pause only if the key that was refused is still the saved one; a key replaced meanwhile is tried at once.
      const paused = rowsOf<{ merchant_id: string }>(
        await tx.execute(sql`update ontraport_configs set key_status = 'stale', key_status_at = ${nowIso}::timestamptz, key_status_code = ${response.statusCode},
          paused_at = coalesce(paused_at, ${nowIso}::timestamptz), paused_reason = coalesce(paused_reason, ${pausedReason(response.statusCode)})
          where merchant_id = ${t.merchant_id} and api_key_ciphertext = ${t.api_key_ciphertext} returning merchant_id`),
      );
      const status = paused.length ? "paused" : "pending";
      await tx.execute(sql`update transmissions set status = ${status}::transmission_status, end_reason = ${paused.length ? "key_refused" : null}, next_attempt_at = ${nowIso}::timestamptz,
        last_error = ${storableText(d.message)}, throttled_since = null, ${common} where ${mine}`);
      return;
    }
    case "pending": {
      if (d.blockMerchantUntil) await blockUntil(tx, t.merchant_id, d.blockMerchantUntil, now);
      await tx.execute(sql`update transmissions set status = 'pending', next_attempt_at = ${d.at.toISOString()}::timestamptz, last_error = ${storableText(d.message)},
        retry_step = coalesce(${d.retryStep ?? null}::int, retry_step), outcome_unknown = ${!!d.unknown},
        throttled_since = ${d.throttledSince ? d.throttledSince.toISOString() : null}::timestamptz, ${common} where ${mine}`);
      return;
    }
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text PostgreSQL can store, however it travels: NUL, and half of a surrogate pair (an answer cut in
 * the middle of an emoji), become U+FFFD. JSON would carry a lone surrogate as `\ud83d`, which
 * PostgreSQL refuses, and the answer could never be recorded.
 */
export function storableText(s: string): string {
  const noNul = s.includes("\u0000") ? s.replaceAll("\u0000", "\uFFFD") : s;
  return noNul.replace(LONE_SURROGATE, "\uFFFD");
}

type Unlisten = () => Promise<void>;

/**
 * LISTEN on the outbox channel with whichever driver `db` uses: postgres.js (`sql.listen`, its own
 * connection) or PGlite (`pg.listen`, same process). Returns how to stop listening.
 */
export async function listen(db: Db, onNotify: (merchantId: string) => void): Promise<Unlisten | null> {
  const client = (db as unknown as { $client?: { listen?: (channel: string, cb: (payload: string) => void) => Promise<unknown> } }).$client;
  if (!client?.listen) return null;
  const handle = await client.listen(OUTBOX_CHANNEL, (payload) => onNotify(payload));
  if (typeof handle === "function") return handle as Unlisten;
  const h = handle as { unlisten?: () => Promise<void> };
  return h.unlisten ? () => h.unlisten!() : null;
}
