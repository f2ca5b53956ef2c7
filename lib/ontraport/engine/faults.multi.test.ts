import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { transmissionAttempts, transmissions } from "@/lib/db/schema";
import type { FaultSpec } from "@/tools/ontraport-sim/types";
import { testBackends } from "@/tools/testing/db";
import { useSimHarness } from "@/tools/testing/engine";
import { placeOrder } from "@/tools/testing/ontraport";

// The fault matrix, counted at the simulator: whatever goes wrong on the way, the order's Sale is
// accepted by ONTRAPORT once (one X-Transmission-Id), and a re-send after an unknown outcome carries
// the same id (the endpoint drops it as a duplicate). The worker's clock is moved instead of sleeping.

const TIMEOUT_MS = 2500;

type Case = {
  name: string;
  faults: Array<Omit<FaultSpec, "count"> & { count?: number }>;
  /** Outcome of each attempt, in order (the last delivers). */
  outcomes: string[];
  /** Requests the simulator processed and accepted under the same id again (same-id re-sends). */
  duplicates: number;
};

const CASES: Case[] = [
  { name: "a 500", faults: [{ status: 500 }], outcomes: ["transient", "delivered"], duplicates: 0 },
  { name: "a slow answer within the timeout", faults: [{ delayMs: 800 }], outcomes: ["delivered"], duplicates: 0 },
  // ONTRAPORT stored it; the worker gave up waiting: unknown, and the retry goes with the same id.
  { name: "a slow answer past the timeout", faults: [{ delayMs: TIMEOUT_MS + 1500 }], outcomes: ["unknown", "delivered"], duplicates: 1 },
  { name: "two slow answers past the timeout in a row", faults: [{ count: 2, delayMs: TIMEOUT_MS + 1500 }], outcomes: ["unknown", "unknown", "delivered"], duplicates: 2 },
  { name: "a 503 that also comes past the timeout", faults: [{ status: 503, delayMs: TIMEOUT_MS + 1500 }], outcomes: ["unknown", "delivered"], duplicates: 0 },
  { name: "a dropped connection", faults: [{ drop: true }], outcomes: ["unknown", "delivered"], duplicates: 0 },
  { name: "a malformed answer", faults: [{ malformed: true }], outcomes: ["transient", "delivered"], duplicates: 0 },
  { name: "a 500, then a slow answer past the timeout", faults: [{ status: 500 }, { delayMs: TIMEOUT_MS + 1500 }], outcomes: ["transient", "unknown", "delivered"], duplicates: 1 },
];

describe.each(testBackends())("fault matrix at the simulator on %s", (kind) => {
  const s = useSimHarness(kind, { keys: ["key-one"], allowOrigin: true, worker: { timeoutMs: TIMEOUT_MS, leaseMs: TIMEOUT_MS * 2 } });

  it.each(CASES.map((c) => [c.name, c] as const))("%s: the Sale is accepted once, under one X-Transmission-Id", { timeout: 30_000 }, async (_name, c) => {
    for (const f of c.faults) await s.client.faults({ count: 1, ...f });
    const orderId = await placeOrder(s.t.db, "M1");
    // Drain, then move the clock past each retry's wait, until the Sale is delivered.
    for (let i = 0; i < c.outcomes.length; i++) {
      await s.worker.drain();
      const [row] = await s.t.db.select().from(transmissions).where(and(eq(transmissions.orderId, orderId), eq(transmissions.type, "sale")));
      if (row!.status === "delivered") break;
      expect(row!.status).toBe("pending");
      s.offset += Math.max(0, row!.nextAttemptAt.getTime() - s.clock().getTime()) + 1000;
    }
    const [row] = await s.t.db.select().from(transmissions).where(and(eq(transmissions.orderId, orderId), eq(transmissions.type, "sale")));
    expect(row!.status).toBe("delivered");
    const attempts = await s.t.db.select().from(transmissionAttempts).where(eq(transmissionAttempts.transmissionId, row!.id)).orderBy(transmissionAttempts.attemptNo);
    expect(attempts.map((a) => a.outcome)).toEqual(c.outcomes);

    // Let every delayed answer come back before counting.
    if (c.faults.some((f) => f.delayMs)) await new Promise((r) => setTimeout(r, 1600));
    const seen = await s.client.notifications({ orderId });
    const accepted = seen.filter((n) => n.outcome === "delivered");
    // Every request of this order carried the transmission's id, first attempt and retries alike.
    expect(seen.length).toBe(c.outcomes.length);
    expect(new Set(seen.map((n) => n.transmissionId))).toEqual(new Set([row!.id]));
    // No business duplicate: one transmission id accepted; same-id re-sends are counted as duplicates.
    expect(new Set(accepted.map((n) => n.transmissionId)).size).toBe(1);
    expect(accepted.filter((n) => !n.duplicate)).toHaveLength(1);
    const stats = await s.client.stats();
    expect(stats.duplicates).toBe(c.duplicates);
    expect(stats.delivered - stats.duplicates).toBe(1);
  });
});
