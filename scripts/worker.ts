/**
 * `npm run worker`: a standalone delivery worker for PostgreSQL deployments (DATABASE_URL). Run as many
 * as you like beside the web servers (set CARTLINK_EMBEDDED_WORKER=false there if you want only these).
 * SIGTERM/SIGINT: stops claiming, finishes the sends in flight, then exits.
 */
import { openDatabase } from "@/lib/db/client";
import { workerPoolSize } from "@/lib/ontraport/engine/worker";
import { parseWorkerEnv, workerFromEnv } from "@/lib/ontraport/runtime";
import { startRebillScheduler } from "@/lib/orders/rebill-scheduler";

async function main() {
  const e = parseWorkerEnv();
  if (!e.DATABASE_URL) console.error("DATABASE_URL is not set: using the embedded database in DATA_DIR (only if the web server is not running on it).");
  const database = await openDatabase({ databaseUrl: e.DATABASE_URL, dataDir: e.DATA_DIR, max: workerPoolSize(), prepare: e.DATABASE_PREPARE === "true" });
  const worker = workerFromEnv(database.db, e, { kind: "standalone", log: (m) => console.error(m) });
  await worker.start();
  const stopRebills = startRebillScheduler(database.db, (m) => console.error(m));
  console.log(`cartlink worker ${worker.id} started (up to ${e.CARTLINK_WORKER_CONCURRENCY} requests in flight, ${e.CARTLINK_WORKER_PER_STORE} per store).`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    stopRebills();
    await worker.stop();
    await database.close();
    console.log(`cartlink worker ${worker.id} stopped after ${worker.finished} transmissions.`);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
