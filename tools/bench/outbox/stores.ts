import { sql } from "drizzle-orm";
import { openDatabase, rowsOf } from "@/lib/db/client";
import { OutboxWorker } from "@/lib/ontraport/engine/worker";
import { placeOrder, resolveTestKey } from "@/tools/testing/ontraport";
import { openTestDatabase } from "@/tools/testing/db";
import type { BenchContext, BenchResult, Benchmark, Metric } from "../types";
import { percentile, sleep } from "./fixture";
import { benchWorkerStatements, cpuMsOf, createStores, insertBacklogs, loadAvg, rateBetween, sampleDelivered, startSimProcess, storeId, storeKey } from "./stores-fixture";

// Many stores at once, each at its own account's rate limit, against a simulator that answers in
// 250 ± 50 ms: does ONE worker with the default settings keep every store at its allowed rate?
// Each store may send 175 a minute (the token bucket for a limit of 180), so 500 stores need
// 500 x 175 = 87,500 a minute (about 1,460 a second, about 365 requests in flight at 250 ms).

const LIMIT = 180;
/** What the bucket lets one store send in a steady minute (lib/ontraport/engine/rate-limit.ts). */
const ALLOWED_PER_STORE = 175;

export interface StoresOptions {
  stores: number;
  salesPerStore: number;
  /** Stores whose endpoint never answers (the simulator hangs their key). */
  hangStores: number;
  /** New Sales of idle stores, placed while the backlog drains (0: none). */
  probes: number;
  /** The steady window starts this long after the worker starts... */
  warmupMs: number;
  /** ...and ends here at the latest (or when 90% of the backlog is delivered, if sooner). */
  maxMs: number;
}

export async function runStores(ctx: BenchContext, o: StoresOptions): Promise<{ metrics: Metric[]; notes: string[] }> {
  process.env.TEST_DATABASE_URL = ctx.postgresUrl;
  const t = await openTestDatabase("postgres");
  const good = Array.from({ length: o.stores }, (_, i) => storeId("S", i));
  const hung = Array.from({ length: o.hangStores }, (_, i) => storeId("HANG", i));
  const idle = o.probes ? Array.from({ length: 5 }, (_, i) => storeId("IDLE", i)) : [];
  const sim = await startSimProcess({ keys: [...good, ...hung, ...idle].map(storeKey), rateLimit: LIMIT, latencyMs: 250, jitterMs: 50 });
  const statements = benchWorkerStatements();
  const workerDb = await openDatabase({ databaseUrl: t.location, max: statements.pool });
  let worker: OutboxWorker | undefined;
  try {
    ctx.log(`stores: ${o.stores} stores x ${o.salesPerStore} Sales${o.hangStores ? `, ${o.hangStores} stores that never answer` : ""}${o.probes ? `, ${o.probes} new Sales of idle stores` : ""} ...`);
    await createStores(t.db, [...good, ...hung, ...idle], LIMIT);
    const backlog = await insertBacklogs(t.db, good, o.salesPerStore);
    if (hung.length) await insertBacklogs(t.db, hung, o.salesPerStore);
    for (const id of hung) await sim.client.setLatency({ hang: true, key: storeKey(id) });
    const errors: string[] = [];
    worker = new OutboxWorker({ db: workerDb.db, endpoint: sim.endpoint, resolveKey: resolveTestKey, timeoutMs: 15_000, claimLanes: statements.claimLanes, recordings: statements.recordings, log: (m) => errors.push(m) });
    const loadStart = loadAvg();
    const cpuStart = process.cpuUsage();
    const simCpuStart = cpuMsOf(sim.child.pid);
    const t0 = Date.now();
    await worker.start();

    // New Sales of idle stores, spaced over the steady window, one store after the other.
    const committedAt = new Map<string, number>();
    const probing = (async () => {
      if (!o.probes) return;
      const spacing = (o.maxMs - o.warmupMs) / o.probes;
      for (let i = 0; i < o.probes; i++) {
        const due = t0 + o.warmupMs + i * spacing;
        if (due > Date.now()) await sleep(due - Date.now());
        const id = await placeOrder(t.db, idle[i % idle.length]!);
        committedAt.set(id, Date.now());
      }
    })();

    const ninety = Math.floor(backlog * 0.9);
    // Stop at the end of the window, at 90%, or when nothing has arrived for 8 s (a stalled worker).
    let moved = { at: 0, delivered: -1 };
    let stalled = false;
    const busy: number[] = [];
    // What the worker's connections are doing, once a second: a claim, a recording, or waiting for work.
    const pgActivity = { claim: 0, record: 0, other: 0, samples: 0 };
    const samples = await sampleDelivered(sim.client, t0, async (s) => {
      if (s.at >= o.warmupMs) {
        busy.push(worker!.busy);
        const rows = rowsOf<{ q: string }>(
          await t.db.execute(sql`select left(query, 60) as q from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`),
        );
        pgActivity.samples += 1;
        for (const r of rows) {
          if (r.q.includes("with ranked as")) pgActivity.claim += 1;
          else if (r.q.includes("with v as")) pgActivity.record += 1;
          else pgActivity.other += 1;
        }
      }
      if (s.delivered !== moved.delivered) moved = s;
      else if (s.at - moved.at >= 8000) stalled = true;
      return stalled || s.at >= o.maxMs || s.delivered >= ninety;
    });
    await probing;
    const cpu = process.cpuUsage(cpuStart);
    const simCpu = cpuMsOf(sim.child.pid) - simCpuStart;
    const wall = Date.now() - t0;
    const loadEnd = loadAvg();
    const last = samples.at(-1)!;
    const window = rateBetween(samples, o.warmupMs, Math.min(o.maxMs, stalled ? moved.at : last.at));
    const [pending] = rowsOf<{ n: number; stores: number }>(
      await t.db.execute(sql`select count(*)::int as n, count(distinct merchant_id)::int as stores from transmissions where status = 'pending' and merchant_id like 'S%'`),
    );
    // Let the last probes arrive (an idle store's Sale is due at once).
    if (o.probes) await sleep(3000);
    const stats = await sim.client.stats();
    const target = o.stores * ALLOWED_PER_STORE;
    const metrics: Metric[] = [
      { label: "stores", value: o.stores, unit: `x ${o.salesPerStore} Sales waiting (${backlog})` },
      { label: "steady window", value: `${(window.from.at / 1000).toFixed(0)}-${(window.to.at / 1000).toFixed(0)}`, unit: "s after the worker started" },
      { label: "delivered in the window", value: window.to.delivered - window.from.delivered },
      { label: "Sales delivered a minute", value: Math.round(window.perMinute), unit: `/min (allowed ${o.stores} x ${ALLOWED_PER_STORE} = ${target}/min)` },
      { label: "ratio to the allowed rate", value: +(window.perMinute / target).toFixed(3), target: ">= 0.95" },
      { label: "delivered when stopped", value: last.delivered, unit: `of ${backlog} after ${(last.at / 1000).toFixed(1)} s` },
      { label: "still waiting when stopped", value: Number(pending?.n ?? 0), unit: `Sales of ${Number(pending?.stores ?? 0)} stores${stalled ? " (STALLED: nothing delivered for 8 s)" : ""}` },
      { label: "requests in flight (mean in the window)", value: Math.round(busy.reduce((a, b) => a + b, 0) / Math.max(1, busy.length)), unit: `(max ${Math.max(0, ...busy)}; about ${Math.round((target / 60) * 0.25)} needed at 250 ms)` },
      {
        label: "PostgreSQL: statements running (mean)",
        value: `claim ${(pgActivity.claim / Math.max(1, pgActivity.samples)).toFixed(2)}, recording ${(pgActivity.record / Math.max(1, pgActivity.samples)).toFixed(2)}, other ${(pgActivity.other / Math.max(1, pgActivity.samples)).toFixed(2)}`,
        unit: "(pg_stat_activity once a second; 1.00 = always one running)",
      },
      { label: "429 answers", value: stats.rateLimited, target: "0" },
      { label: "duplicates (same id re-sent)", value: stats.duplicates },
      { label: "duplicateFacts (same Sale, another id)", value: stats.duplicateFacts, target: "0" },
      { label: "simulator process CPU", value: +((simCpu / wall) * 100).toFixed(0), unit: "% of one core" },
      { label: "worker process CPU", value: +(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(0), unit: "% of one core (bench process: worker + sampling)" },
    ];
    if (o.probes) {
      // Each probe's first receipt, looked up by its order id. One that never arrived counts as the
      // time from its commit to now (so a p99 is never flattered by leaving it out).
      const checkedAt = Date.now();
      const lat: number[] = [];
      let arrived = 0;
      for (const [id, c] of committedAt) {
        const [first] = await sim.client.notifications({ orderId: id });
        if (first) arrived += 1;
        lat.push(first ? Date.parse(first.receivedAt) - c : checkedAt - c);
      }
      lat.sort((a, b) => a - b);
      metrics.push(
        { label: "idle stores' new Sales", value: `${arrived} of ${committedAt.size} arrived`, unit: arrived < committedAt.size ? "(the missing ones count as commit-to-end in the percentiles)" : "" },
        { label: "commit to receipt p50", value: percentile(lat, 50), unit: "ms" },
        { label: "commit to receipt p99", value: percentile(lat, 99), unit: "ms", target: "< 2000 ms" },
        { label: "commit to receipt max", value: lat.at(-1) ?? NaN, unit: "ms" },
      );
    }
    const notes = [
      `load average at the start ${loadStart}, at the end ${loadEnd} (2 cores shared with other work)`,
      `one OutboxWorker with default settings (concurrency 600, perStore 1, poll 1 s, timeout 15 s${statements.changed.map((c) => `; ${c}`).join("")}) in the bench process with its own pool of ${statements.pool} connections; the simulator in its own process (scripts/sim.ts, latency 250 ± 50 ms, 180/min per key); PostgreSQL beside them`,
      `rate: the simulator's delivered counter sampled each second; the window starts ${o.warmupMs / 1000} s in (after the first bursts) and ends at ${o.maxMs / 1000} s or when 90% of the backlog is delivered`,
    ];
    if (o.hangStores) notes.push(`the ${o.hangStores} hanging stores each hold their one slot until the 15 s timeout; their requests count as received (and their re-sends as duplicates) at the simulator`);
    if (errors.length) notes.push(`worker log (${errors.length} lines), last: ${errors.slice(-3).join(" | ")}`);
    return { metrics, notes };
  } finally {
    await sim.close();
    await worker?.stop().catch(() => {});
    await workerDb.close();
    await t.close();
  }
}

function storeCounts(quick: boolean): number[] {
  const env = process.env.BENCH_STORES;
  if (env) return env.split(",").map((s) => Number(s.trim()));
  return quick ? [50] : [500, 1000];
}

const salesPerStore = (quick: boolean) => Number(process.env.BENCH_STORES_SALES ?? (quick ? 40 : 100));

export const storesBenchmark: Benchmark = {
  name: "stores",
  description: "500 then 1,000 stores with 100 Sales each, 180/min per account, 250 ± 50 ms answers, one default worker: delivered a minute vs 175/min per store",
  async run(ctx): Promise<BenchResult> {
    const metrics: Metric[] = [];
    const notes: string[] = [];
    for (const stores of storeCounts(ctx.quick)) {
      const r = await runStores(ctx, { stores, salesPerStore: salesPerStore(ctx.quick), hangStores: 0, probes: 0, warmupMs: ctx.quick ? 5000 : 10_000, maxMs: ctx.quick ? 20_000 : 60_000 });
      metrics.push(...r.metrics.map((m) => ({ ...m, label: `[${stores}] ${m.label}` })));
      notes.push(...r.notes.map((n) => `[${stores}] ${n}`));
    }
    return { metrics, notes };
  },
};

export const slowStoresBenchmark: Benchmark = {
  name: "slow-stores",
  description: "The 500 stores plus 5 whose endpoint never answers (15 s timeout): the 500 still drain, and an idle store's new Sale arrives at once",
  async run(ctx): Promise<BenchResult> {
    const stores = Number(process.env.BENCH_STORES?.split(",")[0] ?? (ctx.quick ? 50 : 500));
    return runStores(ctx, { stores, salesPerStore: salesPerStore(ctx.quick), hangStores: 5, probes: ctx.quick ? 20 : 50, warmupMs: ctx.quick ? 5000 : 10_000, maxMs: ctx.quick ? 20_000 : 45_000 });
  },
};
