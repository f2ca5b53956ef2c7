import os from "node:os";
import { sql } from "drizzle-orm";
import { PgBoss } from "pg-boss";
import { executeHot, openDatabase, rowsOf, type Db } from "@/lib/db/client";
import { classify, deliver, redactedRequest, type DeliveryRequest, type DeliveryResponse } from "@/lib/ontraport/xml/deliver";
import { DEFAULT_CONCURRENCY, OutboxWorker } from "@/lib/ontraport/engine/worker";
import { resolveTestKey } from "@/tools/testing/ontraport";
import type { Benchmark } from "../types";
import { BENCH_KEY, openFixture, sleep } from "./fixture";
import { startReceiver } from "./receiver";
import { benchWorkerStatements, createStores, insertBacklogs, loadAvg, machineCpuMs, postgresCpu, postgresCpuSince, storeId } from "./stores-fixture";

/** CPU time so far (ms): the whole machine, this process (the worker, or pg-boss's client) and PostgreSQL. */
function cpuNow() {
  const self = process.cpuUsage();
  return { machine: machineCpuMs(), self: (self.user + self.system) / 1000, postgres: postgresCpu() };
}

/** A run's CPU per delivery (ms): all of it, and the part of this process and of PostgreSQL. */
function cpuSince(before: ReturnType<typeof cpuNow>, deliveries: number, seconds: number) {
  const self = process.cpuUsage();
  const machine = machineCpuMs() - before.machine;
  return {
    cpuPerDelivery: machine / deliveries,
    selfPerDelivery: ((self.user + self.system) / 1000 - before.self) / deliveries,
    postgresPerDelivery: postgresCpuSince(before.postgres) / deliveries,
    busy: machine / 1000 / seconds,
  };
}

/**
 * Before a timed run: a checkpoint, so neither side pays for writing out the pages the other dirtied (a
 * checkpoint falling inside one run slows that run, whichever it is). Returns false when the role may
 * not run one (it needs superuser or pg_checkpoint); the runs then go on without it.
 */
async function settleDatabase(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`checkpoint`);
    return true;
  } catch {
    return false;
  }
}

/** pg-boss's side of "the same deliveries": each answer's attempt row and the transmission's new status, in one statement, as the worker's recording does. */
async function recordLikeCartlink(db: Db, answers: Array<{ request: DeliveryRequest; startedAt: Date; response: DeliveryResponse }>): Promise<void> {
  const rows = JSON.stringify(
    answers.map(({ request, startedAt, response }) => ({
      id: request.transmissionId,
      started_at: startedAt.toISOString(),
      duration_ms: response.durationMs,
      status_code: response.statusCode,
      request_head: redactedRequest({ ...request, xml: "" }),
      body: response.body || null,
      delivered: classify(response).kind === "delivered",
    })),
  );
  await executeHot(
    db,
    sql`
    with v as (
      select * from json_to_recordset(${rows}::json) as v(id uuid, started_at timestamptz, duration_ms int, status_code int, request_head text, body text, delivered boolean)
    ),
    attempts as (
      insert into transmission_attempts (transmission_id, merchant_id, attempt_no, started_at, duration_ms, status_code, request_payload, response_body)
      select v.id, t.merchant_id, t.attempts + 1, v.started_at, v.duration_ms, v.status_code, v.request_head || t.payload, v.body
      from v join transmissions t on t.id = v.id
    )
    update transmissions t set status = 'delivered', delivered_at = now(), attempts = t.attempts + 1, last_status_code = v.status_code, last_response_body = v.body, updated_at = now()
    from v where v.delivered and t.id = v.id`,
  );
}

/**
 * Deliveries a second with the limit lifted: cartlink's worker (default settings: up to 600 requests in
 * flight, one per store) beside the same deliveries driven by pg-boss with the same total concurrency,
 * several rounds in the same run. The deliveries are spread over many stores, since one store has one
 * request in flight at a time.
 */
export const throughputBenchmark: Benchmark = {
  name: "throughput",
  description: "Deliveries per second with the rate limit lifted, spread over 200 stores: the default worker vs pg-boss at the same concurrency (bare receiver)",
  async run(ctx) {
    const storeCount = Number(process.env.BENCH_THROUGHPUT_STORES ?? 200);
    const perStore = Math.ceil((ctx.quick ? 4000 : Number(process.env.BENCH_THROUGHPUT_N ?? 20_000)) / storeCount);
    const n = perStore * storeCount;
    const rounds = ctx.quick ? 1 : Number(process.env.BENCH_THROUGHPUT_RUNS ?? 3);
    // The worker's requests in flight at most: min(concurrency, stores x perStore); pg-boss gets as many.
    const inFlight = Math.min(DEFAULT_CONCURRENCY, storeCount);
    const loops = 4;
    // The worker's own claimBatch (100) unless BENCH_CLAIM_BATCH says otherwise (figures before
    // 2026-12-01 afternoon used 1000, see docs/benchmarks.md).
    const claimBatch = process.env.BENCH_CLAIM_BATCH ? Number(process.env.BENCH_CLAIM_BATCH) : undefined;
    const { claimLanes, recordings, pool: workerPool, changed: statements } = benchWorkerStatements();
    const changed = [...(claimBatch ? [`claimBatch ${claimBatch}`] : []), ...statements];
    const settings = changed.length ? changed.join(", ") : "defaults";
    const stalls: string[] = [];
    let uncheckpointed = false;
    const batchSize = Math.ceil(inFlight / loops);
    const f = await openFixture(ctx.postgresUrl, { rateLimitPerMinute: 100_000_000 });
    const receiver = await startReceiver();
    const endpoint = receiver.endpoint;
    // The worker gets its own pool, sized as `npm run worker` sizes it, and pg-boss one as large, but
    // never fewer than its loops and two (the 6 it always had).
    const bossPool = Math.max(workerPool, loops + 2);
    const workerDb = await openDatabase({ databaseUrl: f.t.location, max: workerPool });
    const stores = Array.from({ length: storeCount }, (_, i) => storeId("T", i));
    await createStores(f.t.db, stores, 100_000_000);
    const boss = new PgBoss({ connectionString: f.t.location, schema: "pgboss", supervise: false, schedule: false, max: bossPool });
    boss.on("error", () => {});
    try {
      await boss.start();
      const cartlinkRun = async (each = perStore) => {
        const n = each * storeCount;
        await f.t.db.execute(sql`truncate transmission_attempts, transmissions`);
        await insertBacklogs(f.t.db, stores, each);
        if (!(await settleDatabase(f.t.db))) uncheckpointed = true;
        const worker = new OutboxWorker({ db: workerDb.db, endpoint, resolveKey: resolveTestKey, ...(claimBatch ? { claimBatch } : {}), claimLanes, recordings });
        const cpu = cpuNow();
        const started = performance.now();
        await worker.start();
        // A worker that delivers nothing for 15 s while work is due has stalled: say so, do not wait forever.
        let last = -1;
        let lastMove = performance.now();
        while (worker.finished < n) {
          await sleep(5);
          if (worker.finished !== last) [last, lastMove] = [worker.finished, performance.now()];
          else if (performance.now() - lastMove > 15_000) break;
        }
        const seconds = (lastMove - started) / 1000;
        const finished = worker.finished;
        const used = cpuSince(cpu, finished, seconds);
        await worker.stop();
        if (finished < n) stalls.push(`cartlink stalled at ${finished} of ${n} (${settings})`);
        return { rate: finished / seconds, ...used };
      };
      // pg-boss fetches in batches and completes in bulk; per batch, one statement records each attempt
      // and the transmission's new status in the same transmissions table, as cartlink's worker does.
      let queues = 0;
      const bossRun = async (each = perStore) => {
        const n = each * storeCount;
        const queue = `deliver_${(queues += 1)}`;
        await boss.createQueue(queue);
        await f.t.db.execute(sql`truncate transmission_attempts, transmissions`);
        await insertBacklogs(f.t.db, stores, each);
        const rows = rowsOf<{ id: string; merchant_id: string; payload: string }>(await f.t.db.execute(sql`select id, merchant_id, payload from transmissions order by seq`));
        for (let i = 0; i < rows.length; i += 1000) await boss.insert(queue, rows.slice(i, i + 1000).map((r) => ({ data: { id: r.id, xml: r.payload } })));
        if (!(await settleDatabase(f.t.db))) uncheckpointed = true;
        let done = 0;
        const cpu = cpuNow();
        const started = performance.now();
        await Promise.all(
          Array.from({ length: loops }, async () => {
            while (done < n) {
              const jobs = await boss.fetch<{ id: string; xml: string }>(queue, { batchSize });
              if (!jobs.length) {
                if (done >= n) return;
                await sleep(5);
                continue;
              }
              const answers = await Promise.all(
                jobs.map(async (j) => {
                  const request = { endpoint, apiKey: BENCH_KEY, reqType: "sale" as const, xml: j.data.xml, transmissionId: j.data.id };
                  const startedAt = new Date();
                  return { request, startedAt, response: await deliver(request) };
                }),
              );
              await recordLikeCartlink(workerDb.db, answers);
              await boss.complete(
                queue,
                jobs.map((j) => j.id),
              );
              done += jobs.length;
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        return { rate: n / seconds, ...cpuSince(cpu, n, seconds) };
      };
      // An untimed warm-up of each (a fifth of a run), also in --quick: the first run of a process
      // otherwise also pays for JIT compilation, the first plans and connections (it came out 30-40%
      // lower than the next ones; a --quick run without it printed a ratio of 0.59).
      ctx.log("throughput: warm-up (not counted) ...");
      await cartlinkRun(Math.max(1, Math.round(perStore / 5)));
      await bossRun(Math.max(1, Math.round(perStore / 5)));
      stalls.length = 0;
      type Run = { rate: number } & ReturnType<typeof cpuSince>;
      const results: Array<{ cartlink: Run; boss: Run; load: string }> = [];
      for (let r = 0; r < rounds; r++) {
        ctx.log(`throughput: round ${r + 1} of ${rounds} (${n} deliveries each) ...`);
        const load = loadAvg();
        // Alternate who goes first, so a change in the machine's load does not always favour one.
        let cartlink: Run, boss: Run;
        if (r % 2 === 0) {
          cartlink = await cartlinkRun();
          boss = await bossRun();
        } else {
          boss = await bossRun();
          cartlink = await cartlinkRun();
        }
        results.push({ cartlink, boss, load });
      }
      const ratios = results.map((x) => x.cartlink.rate / x.boss.rate).sort((a, b) => a - b);
      const cpu = (x: Run) =>
        `/s   (${x.cpuPerDelivery.toFixed(3)} ms of CPU a delivery: node ${x.selfPerDelivery.toFixed(3)}, PostgreSQL ${x.postgresPerDelivery.toFixed(3)}; machine ${Math.round(x.busy * 100)} % busy of ${os.cpus().length * 100} %)`;
      return {
        metrics: [
          { label: "deliveries per run", value: n, unit: `(${storeCount} stores x ${perStore})` },
          ...results.flatMap((x, i) => [
            { label: `round ${i + 1}: cartlink (${settings})`, value: Math.round(x.cartlink.rate), unit: `${cpu(x.cartlink)}, load ${x.load}` },
            { label: `round ${i + 1}: pg-boss (${loops} x ${batchSize})`, value: Math.round(x.boss.rate), unit: cpu(x.boss) },
            { label: `round ${i + 1}: ratio cartlink / pg-boss`, value: +(x.cartlink.rate / x.boss.rate).toFixed(2), target: ">= 1" },
          ]),
          { label: "median ratio", value: +ratios[Math.floor(ratios.length / 2)]!.toFixed(2), target: ">= 1" },
        ],
        notes: [
          ...stalls,
          ...(uncheckpointed ? ["no CHECKPOINT before the runs (the role needs superuser or pg_checkpoint): a checkpoint may have fallen inside a run"] : []),
          `cartlink: one OutboxWorker with the default settings (concurrency ${DEFAULT_CONCURRENCY}, perStore 1, claimBatch ${claimBatch ?? 100}, ${claimLanes} claim and ${recordings} recording statements at a time), so at most ${inFlight} requests in flight over ${storeCount} stores, with a pool of ${workerPool} connections; pg-boss: ${loops} loops fetching ${batchSize} jobs each (${loops * batchSize} in flight at most), with a pool of ${bossPool}.`,
          "Both POST the same documents to a bare receiver in its own process, write one transmission_attempts row per delivery and move the transmission's status; pg-boss ignores the per-store order and in-flight limit cartlink keeps.",
        ],
      };
    } finally {
      await boss.stop({ graceful: false }).catch(() => {});
      await workerDb.close();
      receiver.close();
      await f.close();
    }
  },
};
