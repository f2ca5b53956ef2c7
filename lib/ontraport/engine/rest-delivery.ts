import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/lib/db/client";
import type { TransmissionType } from "@/lib/db/schema";
import type { CacheKind, ProductCache } from "../rest/cache";
import { factsFromJson } from "../rest/facts";
import type { RestCallSpec, RestContext, RestSend, RestStep } from "../rest/http";
import { deliverAffiliate, deliverAutoOrderStatus, deliverRefund, deliverSale, emptyAffiliateState, emptyAutoOrderState, emptyRefundState, emptySaleState } from "../rest";
import type { Outcome } from "./outcome";
import { available, bucketFor, takeTokensSql } from "./rate-limit";

// A transmission delivered over ONTRAPORT's REST API (docs/ontraport-rest.md): one business fact,
// several calls. The engine claims the row (taking the first call's rate-limit token); every further
// call takes its own token from the merchant's database-held bucket and renews the lease, and a worker
// whose lease was taken over stops before its next call. What the calls taught (contact, products,
// invoice...) is kept with the row, so a retry resumes at the call that failed; an unknown outcome, or a
// resend by hand, makes the Sale look its transaction up before it could log it twice.

/** ONTRAPORT ids by name, per merchant, in `ontraport_object_ids`. */
export class DbProductCache implements ProductCache {
  constructor(
    private readonly db: Db,
    private readonly merchantId: string,
  ) {}

  async get(kind: CacheKind, name: string): Promise<string | null> {
    const [r] = rowsOf<{ id: string }>(
      await this.db.execute(sql`select ontraport_id as id from ontraport_object_ids where merchant_id = ${this.merchantId} and kind = ${kind} and name = ${name}`),
    );
    return r?.id ?? null;
  }

  async set(kind: CacheKind, name: string, id: string): Promise<void> {
    await this.db.execute(sql`insert into ontraport_object_ids (merchant_id, kind, name, ontraport_id) values (${this.merchantId}, ${kind}, ${name}, ${id})
      on conflict (merchant_id, kind, name) do update set ontraport_id = excluded.ontraport_id, updated_at = now()`);
  }

  async drop(kind: CacheKind, name: string): Promise<void> {
    await this.db.execute(sql`delete from ontraport_object_ids where merchant_id = ${this.merchantId} and kind = ${kind} and name = ${name}`);
  }
}

/** Forget the cached ids of these names (a mapping changed): the next Sale looks them up again. */
export async function dropCachedProducts(db: Db, merchantId: string, names: readonly string[]): Promise<void> {
  const list = names.filter((n) => n !== "");
  if (!list.length) return;
  await db.execute(sql`delete from ontraport_object_ids where merchant_id = ${merchantId} and kind = 'product' and name in ${sql`(${sql.join(
    list.map((n) => sql`${n}`),
    sql`, `,
  )})`}`);
}

export interface RestJob {
  id: string;
  merchantId: string;
  type: TransmissionType;
  orderId: string | null;
  snapshot: unknown;
  restState: unknown;
  /** The previous attempt's outcome is unknown. */
  outcomeUnknown: boolean;
  /** Queued by hand (a resend): look the Sale's transaction up before logging it. */
  manual: boolean;
  appId: string;
  apiKey: string;
}

export interface RestOptions {
  baseUrl: string;
  timeoutMs: number;
  leaseMs: number;
  workerId: string;
  clock: () => Date;
  send?: RestSend;
  /** How long a call may wait in-process for a rate-limit token before the attempt stops (default 5 s). */
  maxTokenWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RestAttempt {
  outcome: Outcome;
  steps: RestStep[];
  state: Record<string, unknown>;
  /** What happened beyond the calls, in words. */
  notes: string[];
}

class LeaseLost extends Error {}

const LEASE_LOST = "Stopped before the next call: this transmission's lease ran out and another worker took it over (it looks the outcome up before sending again)";

function stateOf<T extends object>(raw: unknown, empty: T): T {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw) ? { ...empty, ...(raw as Partial<T>) } : empty;
}

/** The order's contact and transaction ids as the Sale learned them. */
async function orderLink(db: Db, merchantId: string, orderId: string | null): Promise<{ contactId: string | null; invoiceId: string | null }> {
  if (orderId === null) return { contactId: null, invoiceId: null };
  const [r] = rowsOf<{ contact_id: string | null; invoice_id: string | null }>(
    await db.execute(sql`select contact_id, invoice_id from ontraport_order_links where merchant_id = ${merchantId} and order_id = ${orderId}`),
  );
  return { contactId: r?.contact_id ?? null, invoiceId: r?.invoice_id ?? null };
}

async function keepOrderLink(db: Db, merchantId: string, orderId: string, contactId: string | null, invoiceId: string | null): Promise<void> {
  if (contactId === null && invoiceId === null) return;
  await db.execute(sql`insert into ontraport_order_links (merchant_id, order_id, contact_id, invoice_id) values (${merchantId}, ${orderId}, ${contactId}, ${invoiceId})
    on conflict (merchant_id, order_id) do update set contact_id = coalesce(excluded.contact_id, ontraport_order_links.contact_id),
      invoice_id = coalesce(excluded.invoice_id, ontraport_order_links.invoice_id), updated_at = now()`);
}

/**
 * Before every call but the first (whose token the claim took): renew the lease, then take a token.
 * Waits in-process for a token up to `maxTokenWaitMs`; past that, answers the seconds to wait (the
 * attempt stops as rate limited and resumes later). Throws LeaseLost when another worker holds the row.
 */
function tokenGate(db: Db, job: RestJob, o: RestOptions): (call: RestCallSpec) => Promise<number | void> {
  let first = true;
  const maxWait = o.maxTokenWaitMs ?? 5_000;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return async () => {
    if (first) {
      first = false;
      return;
    }
    let waited = 0;
    for (;;) {
      const now = o.clock();
      const lease = new Date(now.getTime() + o.leaseMs).toISOString();
      const [r] = rowsOf<{ owned: number; granted: number }>(
        await db.execute(sql`
          with own as (
            update transmissions set lease_until = ${lease}::timestamptz
            where id = ${job.id}::uuid and status = 'sending' and locked_by = ${o.workerId}
            returning merchant_id
          ),
          wanted as (select merchant_id, 1::int as n from own),
          tokens as (${takeTokensSql(sql`wanted`, now)})
          select (select count(*) from own)::int as owned, coalesce((select granted from tokens), 0)::int as granted`),
      );
      if (!r || Number(r.owned) === 0) throw new LeaseLost(LEASE_LOST);
      if (Number(r.granted) >= 1) return;
      const [w] = rowsOf<{ tokens: number; refilled_at: Date | string; blocked_until: Date | string | null; limit: number }>(
        await db.execute(sql`select w.tokens, w.refilled_at, w.blocked_until, c.rate_limit_per_minute as limit
          from ontraport_rate_windows w join ontraport_configs c on c.merchant_id = w.merchant_id where w.merchant_id = ${job.merchantId}`),
      );
      let waitMs = 1000;
      if (w) {
        const blocked = w.blocked_until === null ? 0 : new Date(w.blocked_until).getTime() - now.getTime();
        if (blocked > 0) return Math.ceil(blocked / 1000);
        const shape = bucketFor(Number(w.limit));
        const have = available(shape, Number(w.tokens), new Date(w.refilled_at), now);
        waitMs = Math.max(20, Math.ceil(((1 - have) / shape.perSecond) * 1000));
      }
      if (waited + waitMs > maxWait) return Math.max(1, Math.ceil(waitMs / 1000));
      waited += waitMs;
      await sleep(waitMs);
    }
  };
}

/** One attempt at a REST transmission: never throws. */
export async function sendRest(db: Db, job: RestJob, o: RestOptions): Promise<RestAttempt> {
  const steps: RestStep[] = [];
  const ctx: RestContext = {
    baseUrl: o.baseUrl,
    appId: job.appId,
    apiKey: job.apiKey,
    timeoutMs: o.timeoutMs,
    send: o.send,
    beforeCall: tokenGate(db, job, o),
    onStep: (s) => steps.push(s),
  };
  let state: Record<string, unknown> = stateOf(job.restState, {});
  try {
    if (!job.appId) return { outcome: { kind: "stale_key", message: "No ONTRAPORT App ID is saved: enter the App ID with the API key" }, steps, state, notes: [] };
    if (job.snapshot == null) {
      return { outcome: { kind: "bad_request", message: "Queued before this store used the REST API, so it holds no facts for REST calls: resend the order's notification by hand" }, steps, state, notes: [] };
    }
    const facts = factsFromJson(job.snapshot);
    switch (facts.kind) {
      case "sale": {
        const r = await deliverSale(ctx, facts.sale, stateOf(job.restState, emptySaleState()), new DbProductCache(db, job.merchantId), {
          reconcile: job.outcomeUnknown || job.manual,
          tags: facts.tags,
          paidAt: facts.paidAt ?? undefined,
        });
        state = { ...r.state };
        if (job.orderId !== null) await keepOrderLink(db, job.merchantId, job.orderId, r.state.contactId, r.state.invoiceId);
        return { outcome: r.outcome, steps, state, notes: r.notes };
      }
      case "refund": {
        const link = await orderLink(db, job.merchantId, job.orderId);
        const r = await deliverRefund(ctx, facts.refund, stateOf(job.restState, emptyRefundState()), { invoiceId: link.invoiceId, contactId: link.contactId });
        state = { ...r.state };
        return { outcome: r.outcome, steps, state, notes: [r.explanation] };
      }
      case "auto_order_status": {
        const r = await deliverAutoOrderStatus(ctx, facts.autoOrder, stateOf(job.restState, emptyAutoOrderState()));
        state = { ...r.state };
        const notes = [`Tag added: "${r.added}"${r.removed ? `; tag removed: "${r.removed}"` : ""}.`];
        return { outcome: r.outcome, steps, state, notes };
      }
      case "affiliate": {
        const r = await deliverAffiliate(ctx, facts.affiliate, stateOf(job.restState, emptyAffiliateState()), facts.change === "signup" ? { wasApproved: false } : {});
        state = { ...r.state };
        return { outcome: r.outcome, steps, state, notes: [] };
      }
    }
  } catch (e) {
    if (e instanceof LeaseLost) return { outcome: { kind: "unknown", message: e.message }, steps, state, notes: [] };
    return { outcome: { kind: "bad_request", message: `Could not build the ONTRAPORT calls: ${e instanceof Error ? e.message : String(e)}` }, steps, state, notes: [] };
  }
}

/** The attempt's calls in one text (the attempt row's request column), never the key. */
export function summarizeRest(steps: readonly RestStep[], notes: readonly string[]): string {
  const lines = steps.map((s, i) => `${i + 1}. ${s.method} /1${s.path} -> ${s.status ?? s.error ?? "no answer"} (${s.durationMs} ms)`);
  return [`ONTRAPORT REST API: ${steps.length} call${steps.length === 1 ? "" : "s"}`, ...lines, ...notes.map((n) => `Note: ${n}`)].join("\n");
}

/** A step as stored with the attempt (the parsed answer is not kept twice). */
export function storedStep(s: RestStep): Record<string, unknown> {
  return {
    method: s.method,
    path: s.path,
    query: s.query,
    request: s.requestJson,
    status: s.status,
    response: s.responseBody,
    durationMs: s.durationMs,
    error: s.error,
  };
}
