import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { executeHot, rowsOf, type Db } from "@/lib/db/client";
import type { TransmissionType } from "@/lib/db/schema";
import { OUTBOX_CHANNEL } from "@/lib/orders/events";
import { decryptSecret } from "../config/crypto";
import { classify, deliver, DEFAULT_TIMEOUT_MS, redactedRequest, RETRY_SCHEDULE_MS, type DeliveryRequest, type DeliveryResponse, type Outcome, type ReqType } from "../xml/deliver";
import { dispatchAll } from "./dispatch";
import { outboxSignal } from "./outbox";
import { blockUntil, bucketSql, takeTokensSql } from "./rate-limit";

// The delivery worker: claims due transmissions (FOR UPDATE SKIP LOCKED, in batches, with a lease),
// sends them, and records each attempt, as soon as its answer arrives, in the same transaction that
// moves the transmission's status.
// Any number of workers, in any number of processes, can share one PostgreSQL.

export interface WorkerOptions {
  db: Db;
  /** ONTRAPORT_ENDPOINT: used when a merchant has no endpoint of its own. */
  endpoint: string;
  workerId?: string;
  kind?: "embedded" | "standalone";
  /**
   * Rows claimed per round trip (default 1). Every row of a batch is sent at once, so loops × batch is
   * how many requests can be in flight, and how many a SIGKILL can make ONTRAPORT receive twice.
   */
  batchSize?: number;
  /** Claim loops running side by side in this process (default 1: one request in flight, at most one duplicate per crash). */
  loops?: number;
  /** How long a claim holds a row; a crashed worker's rows are claimed again after it. Must exceed the timeout. */
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
  /** LISTEN for commits (default true). */
  listen?: boolean;
  log?: (msg: string) => void;
}

interface Claimed {
  id: string;
  merchant_id: string;
  type: TransmissionType;
  payload: string;
  attempts: number;
  retry_step: number;
  endpoint_url: string | null;
  api_key_ciphertext: string;
  key_status: "untested" | "valid" | "stale";
}

/** Recording statements a worker runs side by side: half its loops (at least one). */
export function maxFlushes(loops: number): number {
  return Math.max(1, Math.ceil(loops / 2));
}

/** Connections a standalone worker needs: one per claim loop, one per recording statement, and two for dispatch and heartbeats. */
export function workerPoolSize(loops: number): number {
  return loops + maxFlushes(loops) + 2;
}

const SENDABLE: ReadonlySet<string> = new Set(["sale", "refund", "auto_order_status", "affiliate"]);

export class OutboxWorker {
  readonly id: string;
  private readonly o: Required<Omit<WorkerOptions, "workerId" | "log">> & { log: (msg: string) => void };
  private running = false;
  private loopsDone: Promise<void>[] = [];
  private wakeWaiters: Array<() => void> = [];
  /** Counts wake-ups, so one that arrives during a cycle is not lost. */
  private wakeSeq = 0;
  private dispatchDirty = true;
  private dispatching: Promise<void> | null = null;
  private lastReap = 0;
  private keys = new Map<string, string>();
  private unlisten: (() => Promise<void>) | null = null;
  private timers: NodeJS.Timeout[] = [];
  private onSignal = () => this.wake();
  /** Deliveries finished by this worker (any outcome), for benchmarks. */
  finished = 0;
  private recordQueue: Array<{ r: AttemptResult; resolve: () => void; reject: (e: unknown) => void }> = [];
  /** Recording statements running now. */
  private flushing = 0;

  constructor(opts: WorkerOptions) {
    this.id = opts.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.o = {
      db: opts.db,
      endpoint: opts.endpoint,
      kind: opts.kind ?? "standalone",
      batchSize: opts.batchSize ?? 1,
      loops: opts.loops ?? 1,
      leaseMs: opts.leaseMs ?? 60_000,
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      pollMs: opts.pollMs ?? 1000,
      clock: opts.clock ?? (() => new Date()),
      resolveKey: opts.resolveKey ?? ((c) => decryptSecret(c)),
      send: opts.send ?? deliver,
      listen: opts.listen ?? true,
      log: opts.log ?? (() => {}),
    };
    if (this.o.leaseMs <= this.o.timeoutMs) throw new Error("leaseMs must be longer than timeoutMs, or a slow send could be claimed twice");
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    outboxSignal().on("wake", this.onSignal);
    if (this.o.listen) this.unlisten = await listen(this.o.db, () => this.wake());
    await this.heartbeat();
    this.timers.push(setInterval(() => void this.heartbeat().catch(() => {}), 5000));
    this.timers.push(setInterval(() => this.wake(), this.o.pollMs));
    for (let i = 0; i < this.o.loops; i++) this.loopsDone.push(this.loop());
  }

  /** Graceful stop: no new claims; sends in flight finish and are recorded. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    outboxSignal().off("wake", this.onSignal);
    this.wake();
    await Promise.all(this.loopsDone);
    this.loopsDone = [];
    if (this.unlisten) await this.unlisten().catch(() => {});
    this.unlisten = null;
    // A stopped worker is no longer counted by /api/health.
    await this.o.db.execute(sql`delete from worker_heartbeats where worker_id = ${this.id}`).catch(() => {});
  }

  /** New work may be there: wake the loops now. */
  wake(): void {
    this.dispatchDirty = true;
    this.wakeSeq += 1;
    const w = this.wakeWaiters;
    this.wakeWaiters = [];
    for (const f of w) f();
  }

  private waitForWake(): Promise<void> {
    return new Promise((resolve) => {
      this.wakeWaiters.push(resolve);
    });
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let n = 0;
      const seen = this.wakeSeq;
      try {
        n = await this.cycle();
      } catch (e) {
        this.o.log(`outbox worker: ${e instanceof Error ? e.message : String(e)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      if (n === 0 && this.running && seen === this.wakeSeq) await this.waitForWake();
    }
  }

  /** One round: dispatch new events, reclaim expired leases, claim and send one batch. Returns how many were sent. */
  async cycle(): Promise<number> {
    await this.dispatch();
    const now = this.o.clock();
    if (now.getTime() - this.lastReap > 2000 || this.lastReap > now.getTime()) {
      this.lastReap = now.getTime();
      await reclaimExpiredLeases(this.o.db, now);
    }
    const batch = await this.claim(now);
    if (!batch.length) return 0;
    // Each answer is recorded as soon as it arrives (not after the whole batch), so a crash can only
    // re-send what was still waiting for ONTRAPORT's answer or for its own commit.
    // allSettled: every send of the batch is recorded (or has failed to be) before the loop claims
    // again or stop() returns, even when one of them could not be recorded.
    const settled = await Promise.allSettled(batch.map(async (t) => this.record(await this.sendOne(t))));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    return batch.length;
  }

  /**
   * Group commit: an answer joins the queue and is committed at once when fewer than
   * `maxFlushes(loops)` recording statements are running; otherwise it shares the next one with
   * every answer queued by then. So an answer seldom waits behind another's commit, and a SIGKILL
   * re-sends as little as possible: only what was still waiting for ONTRAPORT's answer or for its own
   * commit. Resolves when this answer's attempt and status are committed.
   */
  private record(r: AttemptResult): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.recordQueue.push({ r, resolve, reject });
      this.flushRecords();
    });
  }

  private flushRecords(): void {
    while (this.flushing < maxFlushes(this.o.loops) && this.recordQueue.length) {
      const group = this.recordQueue.splice(0, 200);
      this.flushing += 1;
      void this.flushGroup(group).finally(() => {
        this.flushing -= 1;
        this.flushRecords();
      });
    }
  }

  private async flushGroup(group: Array<{ r: AttemptResult; resolve: () => void; reject: (e: unknown) => void }>): Promise<void> {
    try {
      await finishAttempts(this.o.db, group.map((g) => g.r), this.o.clock(), this.id);
      this.finished += group.length;
      for (const g of group) g.resolve();
      return;
    } catch (e) {
      if (group.length === 1) {
        // Not recorded: the row stays 'sending' until its lease runs out, then goes out again.
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

  /**
   * Claims a batch in one statement (no BEGIN/COMMIT round trips, so a merchant's bucket row is held
   * only while the statement runs): picks due rows with SKIP LOCKED, takes rate-limit tokens for them,
   * and moves the rows that got a token to 'sending' under this worker's lease.
   */
  private async claim(now: Date): Promise<Claimed[]> {
    const nowIso = now.toISOString();
    const leaseIso = new Date(now.getTime() + this.o.leaseMs).toISOString();
    const { burst, perSecond } = bucketSql(sql`c.rate_limit_per_minute`);
    return executeHot<Claimed>(
      this.o.db,
      sql`
        with eligible as (
          select c.merchant_id from ontraport_configs c
          left join ontraport_rate_windows w on w.merchant_id = c.merchant_id
          where c.method = 'api' and c.api_key_ciphertext is not null and c.paused_at is null
            and (w.merchant_id is null or (
              (w.blocked_until is null or w.blocked_until <= ${nowIso}::timestamptz)
              and least(${burst}, w.tokens + greatest(0, extract(epoch from (${nowIso}::timestamptz - w.refilled_at))) * ${perSecond}) >= 1))
        ),
        -- Per merchant, the oldest due rows straight off the partial index (no lock yet), ranked so a
        -- batch takes turns between merchants instead of draining the biggest backlog first.
        cand as (
          select d.id, d.next_attempt_at, d.seq,
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
            limit ${this.o.batchSize * 4}
          ) d
        ),
        picked as (
          select t.id, t.merchant_id, cand.rn, cand.next_attempt_at, cand.seq from transmissions t
          join cand on cand.id = t.id
          where t.status = 'pending'
          order by cand.rn, cand.next_attempt_at, cand.seq
          limit ${this.o.batchSize}
          for update of t skip locked
        ),
        wanted as (select merchant_id, count(*)::int as n from picked group by merchant_id),
        tokens as (${takeTokensSql(sql`wanted`, now)}),
        granted as (
          select r.id from (
            select p.id, p.merchant_id, row_number() over (partition by p.merchant_id order by p.rn, p.next_attempt_at, p.seq) as k from picked p
          ) r join tokens k on k.merchant_id = r.merchant_id
          where r.k <= k.granted
        )
        update transmissions t set status = 'sending', lease_until = ${leaseIso}::timestamptz, locked_by = ${this.id}, updated_at = ${nowIso}::timestamptz
        from granted g, ontraport_configs c
        where t.id = g.id and c.merchant_id = t.merchant_id
        returning t.id, t.merchant_id, t.type, t.payload, t.attempts, t.retry_step, c.endpoint_url, c.api_key_ciphertext, c.key_status`,
    );
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

  private async sendOne(t: Claimed): Promise<AttemptResult> {
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
      response = { statusCode: null, body: "", rateLimitReset: null, durationMs: 0, error: `Could not send: ${e instanceof Error ? e.message : String(e)}` };
    }
    // Whatever the endpoint answered must fit in PostgreSQL text (no NUL), or the attempt could not be recorded.
    response = { ...response, body: storableText(response.body), error: response.error === null ? null : storableText(response.error) };
    const outcome: Outcome = SENDABLE.has(t.type) ? classify(response) : { kind: "bad_request", message: `${t.type} is not sent to ONTRAPORT` };
    return { t, request, response, outcome, startedAt };
  }

  private async heartbeat(): Promise<void> {
    await this.o.db.execute(sql`insert into worker_heartbeats (worker_id, pid, kind, delivered) values (${this.id}, ${process.pid}, ${this.o.kind}, ${this.finished})
      on conflict (worker_id) do update set beat_at = now(), delivered = excluded.delivered`);
  }
}

/** Rows whose lease ran out (their worker died mid-send) go back to pending; the same X-Transmission-Id lets ONTRAPORT spot a repeat. */
export async function reclaimExpiredLeases(db: Db, now: Date): Promise<number> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`update transmissions set status = 'pending', lease_until = null, locked_by = null, next_attempt_at = ${now.toISOString()}::timestamptz
      where status = 'sending' and lease_until < ${now.toISOString()}::timestamptz returning id`),
  );
  return rows.length;
}

export interface AttemptResult {
  t: Claimed;
  request: DeliveryRequest;
  response: DeliveryResponse;
  outcome: Outcome;
  startedAt: Date;
}

/**
 * Records the attempts and moves each transmission per the response table, in one transaction.
 * Only rows this worker still holds are moved (a row whose lease ran out belongs to someone else now).
 */
export async function finishAttempts(db: Db, unordered: AttemptResult[], now: Date, workerId: string): Promise<void> {
  if (!unordered.length) return;
  const results = [...unordered].sort((a, b) => (a.t.merchant_id < b.t.merchant_id ? -1 : a.t.merchant_id > b.t.merchant_id ? 1 : 0));
  const nowIso = now.toISOString();
  // Every attempt row, and the delivered rows' new status, in one statement: the values travel as one
  // JSON parameter, so the text is the same whatever the group's size (one prepared statement).
  const rows = JSON.stringify(
    results.map(({ t, request, response, outcome, startedAt }) => ({
      id: t.id,
      merchant_id: t.merchant_id,
      attempt_no: t.attempts + 1,
      started_at: startedAt.toISOString(),
      duration_ms: Math.round(response.durationMs),
      status_code: response.statusCode,
      // The stored request is the redacted form followed by the XML, which the row already holds:
      // only the part before the XML travels (and the XML itself if it is not the row's payload).
      request_head: storableText(redactedRequest({ ...request, xml: "" })),
      xml: request.xml === t.payload ? null : storableText(request.xml),
      body: response.body ? storableText(response.body) : null,
      error: outcome.kind === "delivered" ? null : storableText(outcome.kind === "rate_limited" ? `Rate limited: retry in ${outcome.resetSeconds} s` : outcome.message),
      delivered: outcome.kind === "delivered",
    })),
  );
  const recordAll = sql`
    with v as (
      select * from json_to_recordset(${rows}::json) as v(id uuid, merchant_id text, attempt_no int, started_at timestamptz, duration_ms int,
        status_code int, request_head text, xml text, body text, error text, delivered boolean)
    ),
    attempts as (
      insert into transmission_attempts (transmission_id, merchant_id, attempt_no, started_at, duration_ms, status_code, request_payload, response_body, error)
      select v.id, v.merchant_id, v.attempt_no, v.started_at, v.duration_ms, v.status_code, v.request_head || coalesce(v.xml, t.payload), v.body, v.error
      from v join transmissions t on t.id = v.id
    )
    update transmissions t set status = 'delivered', delivered_at = ${nowIso}::timestamptz, last_error = null, attempts = t.attempts + 1,
      last_status_code = v.status_code, last_response_body = v.body, lease_until = null, locked_by = null, updated_at = ${nowIso}::timestamptz
    from v
    -- Rows this worker still holds. "is true" keeps the planner on the primary key, row by row: given
    -- a plain status test it scans every 'sending' row and compares each with every answer.
    where v.delivered and t.id = v.id and (t.status = 'sending') is true and t.locked_by = ${workerId}`;
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

async function applyOutcome(tx: Db, r: AttemptResult, now: Date, workerId: string): Promise<void> {
  const { t, response, outcome } = r;
  const nowIso = now.toISOString();
  const body = response.body || null;
  const mine = sql`id = ${t.id}::uuid and status = 'sending' and locked_by = ${workerId}`;
  const common = sql`attempts = attempts + 1, last_status_code = ${response.statusCode}, last_response_body = ${body}, lease_until = null, locked_by = null, updated_at = ${nowIso}::timestamptz`;
  switch (outcome.kind) {
    case "delivered":
      return;
    case "rejected":
    case "bad_request":
      await tx.execute(sql`update transmissions set status = 'failed', last_error = ${outcome.message}, ${common} where ${mine}`);
      return;
    case "stale_key": {
      // Pause only if the key that was refused is still the saved one; a key replaced meanwhile is tried at once.
      const paused = rowsOf<{ merchant_id: string }>(
        await tx.execute(sql`update ontraport_configs set key_status = 'stale', key_status_at = ${nowIso}::timestamptz, key_status_code = ${response.statusCode},
          paused_at = coalesce(paused_at, ${nowIso}::timestamptz), paused_reason = coalesce(paused_reason, ${`ONTRAPORT refused the API key (${response.statusCode}): save a new key to resume`})
          where merchant_id = ${t.merchant_id} and api_key_ciphertext = ${t.api_key_ciphertext} returning merchant_id`),
      );
      const status = paused.length ? "paused" : "pending";
      await tx.execute(sql`update transmissions set status = ${status}::transmission_status, next_attempt_at = ${nowIso}::timestamptz, last_error = ${outcome.message}, ${common} where ${mine}`);
      return;
    }
    case "rate_limited": {
      const until = new Date(now.getTime() + outcome.resetSeconds * 1000);
      await blockUntil(tx, t.merchant_id, until, now);
      await tx.execute(sql`update transmissions set status = 'pending', next_attempt_at = ${until.toISOString()}::timestamptz, last_error = ${`Rate limited by ONTRAPORT: retry in ${outcome.resetSeconds} s`}, ${common} where ${mine}`);
      return;
    }
    case "transient": {
      const step = t.retry_step + 1;
      if (step > RETRY_SCHEDULE_MS.length) {
        await tx.execute(sql`update transmissions set status = 'failed', retry_step = ${step}, last_error = ${`Gave up after ${step} attempts: ${outcome.message}`}, ${common} where ${mine}`);
        return;
      }
      const next = new Date(now.getTime() + RETRY_SCHEDULE_MS[step - 1]!);
      await tx.execute(sql`update transmissions set status = 'pending', retry_step = ${step}, next_attempt_at = ${next.toISOString()}::timestamptz, last_error = ${outcome.message}, ${common} where ${mine}`);
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
