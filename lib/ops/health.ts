import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/lib/db/client";

export interface Health {
  status: "ok" | "degraded" | "down";
  database: { ok: boolean; latencyMs: number | null; error?: string };
  worker: { heartbeatAgeSeconds: number | null; workers: number };
  queue: { waiting: number; oldestWaitingAgeSeconds: number | null };
  /** Domain events: ones dispatch could not turn into a transmission in the last 7 days, and the age of the oldest not yet dispatched. */
  events: { failed: number; oldestUndispatchedAgeSeconds: number | null };
}

const NO_EVENTS = { failed: 0, oldestUndispatchedAgeSeconds: null };

/** A worker that has not beaten for this long is reported as stalled. */
export const WORKER_STALE_SECONDS = 60;

/**
 * For load balancers and operators: database reachability, worker heartbeat age and queue depth.
 * Aggregates only: no merchant data and no secrets.
 */
export async function checkHealth(db: Db | null, openError?: string): Promise<Health> {
  if (!db) return { status: "down", database: { ok: false, latencyMs: null, error: openError ?? "database unavailable" }, worker: { heartbeatAgeSeconds: null, workers: 0 }, queue: { waiting: 0, oldestWaitingAgeSeconds: null }, events: NO_EVENTS };
  const started = performance.now();
  try {
    const [row] = rowsOf<{ workers: number; age: number | null; waiting: number; oldest: number | null; failed_events: number; oldest_event: number | null }>(
      await db.execute(sql`
        select
          (select count(*)::int from worker_heartbeats where beat_at > now() - interval '5 minutes') as workers,
          (select extract(epoch from now() - max(beat_at))::float8 from worker_heartbeats) as age,
          (select count(*)::int from transmissions where status in ('pending', 'sending')) as waiting,
          (select extract(epoch from now() - min(created_at))::float8 from transmissions where status = 'pending') as oldest,
          (select count(*)::int from domain_events where dispatched_at is null and failed_at > now() - interval '7 days') as failed_events,
          (select extract(epoch from now() - min(created_at))::float8 from domain_events where dispatched_at is null and failed_at is null) as oldest_event`),
    );
    const latencyMs = Math.round(performance.now() - started);
    const age = row?.age == null ? null : Math.round(Number(row.age));
    const workerOk = age !== null && age <= WORKER_STALE_SECONDS;
    const failedEvents = Number(row?.failed_events ?? 0);
    return {
      // A poison event is degraded, not down: every other event and store keeps flowing.
      status: workerOk && failedEvents === 0 ? "ok" : "degraded",
      database: { ok: true, latencyMs },
      worker: { heartbeatAgeSeconds: age, workers: Number(row?.workers ?? 0) },
      queue: { waiting: Number(row?.waiting ?? 0), oldestWaitingAgeSeconds: row?.oldest == null ? null : Math.round(Number(row.oldest)) },
      events: { failed: failedEvents, oldestUndispatchedAgeSeconds: row?.oldest_event == null ? null : Math.round(Number(row.oldest_event)) },
    };
  } catch (e) {
    return { status: "down", database: { ok: false, latencyMs: null, error: e instanceof Error ? e.message.slice(0, 200) : "query failed" }, worker: { heartbeatAgeSeconds: null, workers: 0 }, queue: { waiting: 0, oldestWaitingAgeSeconds: null }, events: NO_EVENTS };
  }
}
