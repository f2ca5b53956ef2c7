import type { Db } from "@/lib/db/client";
import { runDueRebills } from "./auto-orders";

/** How often due auto orders are rebilled. Rebills are due by the day, so a minute is plenty. */
export const REBILL_INTERVAL_MS = 60_000;

/**
 * Runs `runDueRebills` on a timer beside the delivery worker (embedded or `npm run worker`).
 * Several processes may run it: due auto orders are claimed with SKIP LOCKED. Returns a stop function.
 */
export function startRebillScheduler(db: Db, log: (msg: string) => void, intervalMs = REBILL_INTERVAL_MS): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const run = await runDueRebills(db);
      if (run.attempted > 0) log(JSON.stringify({ level: "info", msg: "rebills", ...run, orderIds: undefined }));
    } catch (e) {
      log(JSON.stringify({ level: "error", msg: "rebill run failed", error: e instanceof Error ? e.message : String(e) }));
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
