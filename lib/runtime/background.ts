import type { Db } from "@/lib/db/client";
import { workerEnv, type WorkerEnv } from "@/lib/env";
import { log } from "@/lib/log";
import type { OutboxWorker, WorkerOptions } from "@/lib/ontraport/engine/worker";
import { workerFromEnv } from "@/lib/ontraport/runtime";
import { startRebillScheduler } from "@/lib/orders/rebill-scheduler";

// The one place background work starts: the delivery worker and the auto-order rebill scheduler,
// inside the web server (instrumentation.ts → startEmbeddedBackground) or as `npm run worker`
// (scripts/worker.ts → startBackgroundWork). Every message goes through lib/log.ts.

export interface BackgroundWork {
  worker: OutboxWorker;
  /** Stops claiming, finishes the sends in flight, stops the rebill scheduler. */
  stop(): Promise<void>;
}

export async function startBackgroundWork(db: Db, opts: { env?: WorkerEnv; kind: "embedded" | "standalone"; worker?: Partial<WorkerOptions> }): Promise<BackgroundWork> {
  const e = opts.env ?? workerEnv();
  const worker = workerFromEnv(db, e, { kind: opts.kind, log: (m) => log("error", m, { component: "outbox-worker" }), ...opts.worker });
  await worker.start();
  const stopRebills = startRebillScheduler(db, (m) => log("error", m, { component: "rebill-scheduler" }));
  let stopped: Promise<void> | null = null;
  return {
    worker,
    stop: () => {
      stopped ??= (async () => {
        stopRebills();
        await worker.stop();
      })();
      return stopped;
    },
  };
}

declare global {
  var __cartlinkBackground: Promise<BackgroundWork> | undefined;
}

/** Starts the background work once per web server process, on the server's own database; stops it on SIGTERM/SIGINT. */
export function startEmbeddedBackground(): Promise<BackgroundWork> {
  globalThis.__cartlinkBackground ??= (async () => {
    const { getDb } = await import("@/lib/db/client");
    const work = await startBackgroundWork(await getDb(), { kind: "embedded" });
    const stop = () => void work.stop().catch(() => {});
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    return work;
  })();
  return globalThis.__cartlinkBackground;
}
