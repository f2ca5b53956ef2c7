/**
 * `npm run worker`: a standalone delivery worker for PostgreSQL deployments (DATABASE_URL). Run as many
 * as you like beside the web servers (set CARTLINK_EMBEDDED_WORKER=false there if you want only these).
 * SIGTERM/SIGINT: stops claiming, finishes the sends in flight, then exits.
 */
import { openDatabase } from "@/lib/db/client";
import { workerPoolSize } from "@/lib/ontraport/engine/worker";
import { workerEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { startBackgroundWork } from "@/lib/runtime/background";

async function main() {
  const e = workerEnv();
  if (!e.DATABASE_URL) log("warn", "DATABASE_URL is not set: using the embedded database in DATA_DIR (only if the web server is not running on it)");
  const database = await openDatabase({ databaseUrl: e.DATABASE_URL, dataDir: e.DATA_DIR, max: workerPoolSize(e.CARTLINK_WORKER_CLAIM_LANES, e.CARTLINK_WORKER_RECORDINGS), prepare: e.DATABASE_PREPARE === "true" });
  const work = await startBackgroundWork(database.db, { env: e, kind: "standalone" });
  // The operator's console (and the crash test) read these two lines on stdout; everything else is a log line.
  console.log(`cartlink worker ${work.worker.id} started (up to ${e.CARTLINK_WORKER_CONCURRENCY} requests in flight, ${e.CARTLINK_WORKER_PER_STORE} per store).`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await work.stop();
    await database.close();
    console.log(`cartlink worker ${work.worker.id} stopped after ${work.worker.finished} transmissions.`);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
}

main().catch((err: unknown) => {
  log("error", "the worker stopped", { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
