import { sql } from "drizzle-orm";
import { PgBoss } from "pg-boss";
import { openDatabase } from "@/lib/db/client";
import { deliver } from "@/lib/ontraport/deliver";
import { OutboxWorker } from "@/lib/ontraport/worker";
import { resolveTestKey } from "@/lib/ontraport/testing";
import type { Benchmark } from "../types";
import { BENCH_KEY, insertBacklog, openFixture, saleXml, sleep } from "./fixture";
import { startReceiver } from "./receiver";

const LOOPS = 8;

/** Deliveries a second with the limit lifted: cartlink's outbox beside the same deliveries driven by pg-boss. */
export const throughputBenchmark: Benchmark = {
  name: "throughput",
  description: `Deliveries per second with the rate limit lifted, cartlink vs pg-boss on the same PostgreSQL (${LOOPS} loops each, bare receiver)`,
  async run(ctx) {
    const n = ctx.quick ? 1000 : Number(process.env.BENCH_THROUGHPUT_N ?? 5000);
    const f = await openFixture(ctx.postgresUrl, { rateLimitPerMinute: 100_000_000 });
    const receiver = await startReceiver();
    const endpoint = receiver.endpoint;
    // The worker gets its own pool, sized as `npm run worker` sizes it (loops + 2); pg-boss's is 10.
    const workerDb = await openDatabase({ databaseUrl: f.t.location, max: LOOPS + 2 });
    try {
      // cartlink: claim a batch with SKIP LOCKED, POST, record the attempts and new statuses in one transaction.
      const cartlinkRun = async (batchSize: number) => {
        await f.t.db.execute(sql`truncate transmission_attempts, transmissions`);
        await insertBacklog(f.t.db, "BENCH", n);
        const worker = new OutboxWorker({ db: workerDb.db, endpoint, resolveKey: resolveTestKey, loops: LOOPS, batchSize, pollMs: 50 });
        const started = performance.now();
        await worker.start();
        while (worker.finished < n) await sleep(5);
        const seconds = (performance.now() - started) / 1000;
        await worker.stop();
        return n / seconds;
      };
      const cartlink10 = await cartlinkRun(10);
      const cartlink100 = await cartlinkRun(100);

      // pg-boss: the same POSTs, fetched in batches of 100 (its best showing here), completed in bulk.
      const boss = new PgBoss({ connectionString: f.t.location, schema: "pgboss", supervise: false, schedule: false });
      boss.on("error", () => {});
      await boss.start();
      await boss.createQueue("deliver");
      for (let i = 0; i < n; i += 1000) {
        await boss.insert(
          "deliver",
          Array.from({ length: Math.min(1000, n - i) }, (_, k) => {
            const id = crypto.randomUUID();
            return { data: { id, xml: saleXml(id, "BENCH", i + k + 1) } };
          }),
        );
      }
      let done = 0;
      const bossStarted = performance.now();
      await Promise.all(
        Array.from({ length: LOOPS }, async () => {
          while (done < n) {
            const jobs = await boss.fetch<{ id: string; xml: string }>("deliver", { batchSize: 100 });
            if (!jobs.length) {
              if (done >= n) return;
              await sleep(5);
              continue;
            }
            await Promise.all(jobs.map((j) => deliver({ endpoint, apiKey: BENCH_KEY, reqType: "sale", xml: j.data.xml, transmissionId: j.data.id })));
            await boss.complete(
              "deliver",
              jobs.map((j) => j.id),
            );
            done += jobs.length;
          }
        }),
      );
      const bossSeconds = (performance.now() - bossStarted) / 1000;
      await boss.stop({ graceful: false });
      const bossRate = n / bossSeconds;
      return {
        metrics: [
          { label: "deliveries", value: n },
          { label: "cartlink, batches of 10 (default)", value: Math.round(cartlink10), unit: "/s" },
          { label: "cartlink, batches of 100", value: Math.round(cartlink100), unit: "/s" },
          { label: "pg-boss, batches of 100", value: Math.round(bossRate), unit: "/s" },
          { label: "ratio cartlink / pg-boss (batches of 100)", value: +(cartlink100 / bossRate).toFixed(2), target: ">= 1" },
          { label: "ratio cartlink default / pg-boss", value: +(cartlink10 / bossRate).toFixed(2) },
        ],
        notes: [
          "Both POST the same documents to a bare receiver in its own process (the simulator's strict XML checks would be the bottleneck).",
          "cartlink also writes one transmission_attempts row per delivery; pg-boss only completes the job.",
        ],
      };
    } finally {
      await workerDb.close();
      receiver.close();
      await f.close();
    }
  },
};
