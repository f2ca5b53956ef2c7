import type { Db } from "@/lib/db/client";
import { decodeKey, type WorkerEnv } from "@/lib/env";
import { decryptSecret } from "./config/crypto";
import { OutboxWorker, type WorkerOptions } from "./engine/worker";

// The delivery worker built from the environment's worker slice (lib/env.ts `workerEnv()`). Started by
// lib/runtime/background.ts, in the web server (instrumentation.ts) or as `npm run worker`.

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
    claimLanes: e.CARTLINK_WORKER_CLAIM_LANES,
    recordings: e.CARTLINK_WORKER_RECORDINGS,
    resolveKey: (c) => decryptSecret(c, key),
    ...extra,
  });
}
