/**
 * The standalone worker (`scripts/worker.ts`) for the memory benchmark (tools/bench/outbox/memory.ts):
 * the same worker built the same way from the environment, that also prints one JSON line a second
 * on stdout: `{"finished", "rss", "heapUsed", "heapTotal", "external"}` (bytes), measured after a full
 * garbage collection when node runs with --expose-gc. SIGTERM stops it as `npm run worker` stops.
 */
import { openDatabase } from "@/lib/db/client";
import { workerPoolSize } from "@/lib/ontraport/engine/worker";
import { workerEnv } from "@/lib/env";
import { workerFromEnv } from "@/lib/ontraport/runtime";

async function main() {
  const e = workerEnv();
  const database = await openDatabase({ databaseUrl: e.DATABASE_URL, max: workerPoolSize(e.CARTLINK_WORKER_CLAIM_LANES, e.CARTLINK_WORKER_RECORDINGS) });
  // BENCH_CLAIM_BATCH: rows one claim takes at most (the worker's claimBatch; default 100).
  const claimBatch = process.env.BENCH_CLAIM_BATCH ? Number(process.env.BENCH_CLAIM_BATCH) : undefined;
  const worker = workerFromEnv(database.db, e, { kind: "standalone", log: (m) => console.error(m), ...(claimBatch ? { claimBatch } : {}) });
  await worker.start();
  const gc = (globalThis as { gc?: () => void }).gc;
  const timer = setInterval(() => {
    gc?.();
    const m = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ finished: worker.finished, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external })}\n`);
  }, 1000);
  const shutdown = async () => {
    clearInterval(timer);
    await worker.stop();
    await database.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
