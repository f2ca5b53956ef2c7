import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/lib/db/client";
import { apiMerchant, placeOrder } from "@/tools/testing/ontraport";
import { acceptedSaleIds, busiestWindow, expectEachOnce, useWorkerProcesses, waitFor, workerProcessBackends } from "@/tools/testing/worker-processes";

// Several worker processes on one PostgreSQL share each store's rate limit and deliver each
// transmission once: PostgreSQL only (a missing PostgreSQL under CI fails crash.test.ts).

describe.each(workerProcessBackends)("several worker processes on %s", (kind) => {
  const w = useWorkerProcesses(kind);

  it("three workers deliver every transmission once and stay under the shared rate limit", { timeout: 150_000 }, async () => {
    // 300 a minute binds: the bucket lets out about 4.9 a second after a burst of 5, so 330 Sales take
    // more than a minute and the busiest rolling minute comes close to the limit without passing it.
    const limit = 300;
    const orders = 330;
    await w.client.reset({ all: true });
    await w.client.setKey("scale-key", "valid");
    await w.client.setConfig({ rateLimit: limit, windowMs: 60_000 });
    await apiMerchant(w.t.db, "SCALE", { key: "scale-key", rateLimitPerMinute: limit });
    const orderIds: string[] = [];
    for (let i = 0; i < orders; i++) orderIds.push(await placeOrder(w.t.db, "SCALE"));
    const began = Date.now();
    const pool = w.workerPool({ CARTLINK_WORKER_TIMEOUT_MS: "10000", CARTLINK_WORKER_LEASE_MS: "15000" });
    for (let i = 0; i < 3; i++) pool.start();
    const done = async () => {
      const [r] = rowsOf<{ n: number }>(await w.t.db.execute(sql`select count(*)::int as n from transmissions where merchant_id = 'SCALE' and status = 'delivered'`));
      return Number(r?.n) === orders;
    };
    await waitFor(done, 130_000);
    const seconds = (Date.now() - began) / 1000;
    await w.stopWorkers();
    const stats = await w.client.stats();
    const records = await w.client.notifications();
    const [claims] = rowsOf<{ rows: number; attempts: number }>(
      await w.t.db.execute(sql`select count(distinct t.id)::int as rows, count(a.id)::int as attempts
        from transmissions t join transmission_attempts a on a.transmission_id = t.id where t.merchant_id = 'SCALE'`),
    );
    const busiest = busiestWindow(
      records.map((n) => n.receivedAt),
      60_000,
    );
    console.log(`scale-out: ${orders} Sales in ${seconds.toFixed(1)} s by 3 workers at ${limit}/min: busiest rolling minute ${busiest}, ${stats.rateLimited} rate limited, ${stats.duplicates} duplicates`);
    expect(await done()).toBe(true);
    // The limit bound: more than a minute of sending, and the busiest minute is near the limit, never over it.
    expect(seconds).toBeGreaterThan(60);
    expect(busiest).toBeLessThanOrEqual(limit);
    expect(busiest).toBeGreaterThanOrEqual(limit * 0.85);
    expect(stats).toMatchObject({ delivered: orders, duplicates: 0, rateLimited: 0 });
    const accepted = acceptedSaleIds(records);
    expectEachOnce(orderIds, (id) => accepted.get(id)?.size);
    expect(Number(claims!.attempts)).toBe(orders);
  });
});
