import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { decodeKey } from "@/lib/env";
import { decryptSecret } from "./config/crypto";
import { ONTRAPORT_REST_BASE_URL } from "./rest/http";
import { DEFAULT_CONCURRENCY, OutboxWorker, type WorkerOptions } from "./engine/worker";

// Starting the delivery worker: inside the web server (instrumentation.ts) or as `npm run worker`.

/** What a standalone worker needs from the environment (it does not need the web server's secrets). */
const workerEnv = z.object({
  DATABASE_URL: z.preprocess((v) => (v === "" ? undefined : v), z.string().url().optional()),
  DATA_DIR: z.string().min(1).default("./.data"),
  DATABASE_PREPARE: z.enum(["true", "false"]).default("true"),
  CARTLINK_ENCRYPTION_KEY: z.string().refine((v) => decodeKey(v) !== null, "CARTLINK_ENCRYPTION_KEY must be 32 bytes as 64 hex characters or base64"),
  ONTRAPORT_ENDPOINT: z.string().url().default("https://api.ontraport.com/cdata.php"),
  // ONTRAPORT's REST API; only the operator may point it elsewhere (the demo and tests: the simulator).
  ONTRAPORT_REST_BASE_URL: z.preprocess((v) => (v === "" ? undefined : v), z.string().url().default(ONTRAPORT_REST_BASE_URL)),
  // A pool of requests in flight, at most one per store: 600 keep 500 stores at ONTRAPORT's 180 a
  // minute with 300 ms answers, and a crash re-sends at most one request per store.
  CARTLINK_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_CONCURRENCY),
  CARTLINK_WORKER_PER_STORE: z.coerce.number().int().min(1).max(100).default(1),
  CARTLINK_WORKER_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  CARTLINK_WORKER_LEASE_MS: z.coerce.number().int().min(200).default(60_000),
});

export type WorkerEnv = z.infer<typeof workerEnv>;

export function parseWorkerEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  const r = workerEnv.safeParse(source);
  if (!r.success) throw new Error(`The worker cannot start: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return r.data;
}

export function workerFromEnv(db: Db, e: WorkerEnv, extra: Partial<WorkerOptions> = {}): OutboxWorker {
  const key = decodeKey(e.CARTLINK_ENCRYPTION_KEY)!;
  return new OutboxWorker({
    db,
    endpoint: e.ONTRAPORT_ENDPOINT,
    restBaseUrl: e.ONTRAPORT_REST_BASE_URL,
    concurrency: e.CARTLINK_WORKER_CONCURRENCY,
    perStore: e.CARTLINK_WORKER_PER_STORE,
    timeoutMs: e.CARTLINK_WORKER_TIMEOUT_MS,
    leaseMs: Math.max(e.CARTLINK_WORKER_LEASE_MS, e.CARTLINK_WORKER_TIMEOUT_MS + 5_000),
    resolveKey: (c) => decryptSecret(c, key),
    ...extra,
  });
}

declare global {
  var __cartlinkEmbeddedWorker: Promise<OutboxWorker> | undefined;
}

/** Starts the in-process worker once per process (instrumentation.ts), on the server's own database. */
export function startEmbeddedWorker(): Promise<OutboxWorker> {
  globalThis.__cartlinkEmbeddedWorker ??= (async () => {
    const { getDb } = await import("@/lib/db/client");
    const db = await getDb();
    const worker = workerFromEnv(db, parseWorkerEnv(), { kind: "embedded", log: (m) => console.error(m) });
    await worker.start();
    const { startRebillScheduler } = await import("@/lib/orders/rebill-scheduler");
    const stopRebills = startRebillScheduler(db, (m) => console.error(m));
    const stop = () => {
      stopRebills();
      void worker.stop().catch(() => {});
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    return worker;
  })();
  return globalThis.__cartlinkEmbeddedWorker;
}

