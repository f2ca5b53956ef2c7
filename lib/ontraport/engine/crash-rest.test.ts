import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/lib/db/client";
import { apiMerchant } from "@/tools/testing/ontraport";
import { expectEachOnce, sleep, useWorkerProcesses, workerProcessBackends } from "@/tools/testing/worker-processes";

// REST delivery with worker processes killed with SIGKILL at random moments and answers past the
// timeout: PostgreSQL only (a missing PostgreSQL under CI fails crash.test.ts).

describe.each(workerProcessBackends)("REST worker processes on %s", (kind) => {
  const w = useWorkerProcesses(kind);

  it("REST: timeouts and workers killed at random moments during 1,000 Sales leave exactly 1,000 transactions (none twice by external_order_id)", { timeout: 240_000 }, async () => {
    const began = Date.now();
    const stores = ["RCRASH1", "RCRASH2", "RCRASH3", "RCRASH4", "RCRASH5"];
    const perStore = 200;
    const maxKills = 6;
    await w.client.reset({ all: true });
    await w.client.setConfig({ rateLimit: 1_000_000 });
    for (const s of stores) {
      await w.client.setRestAccount(`app-${s}`, `key-${s}`);
      await apiMerchant(w.t.db, s, { key: `key-${s}`, protocol: "rest", appId: `app-${s}`, rateLimitPerMinute: 1_000_000 });
    }
    // Slow answers in runs of 10 calls; some past the workers' 2 s timeout: ONTRAPORT processed the
    // call, the worker never read the answer (outcome unknown), so it must look the sale up.
    let late = 0;
    for (let i = 0; i < 200; i++) {
      const r = Math.random();
      const delayMs = r < 0.05 ? 2600 : r < 0.3 ? 100 + Math.floor(Math.random() * 150) : 0;
      const count = delayMs > 2000 ? 4 : 10;
      if (delayMs > 2000) late += count;
      await w.client.faults({ count, delayMs, reqTypes: ["rest"] });
    }
    const workerEnv = { ONTRAPORT_REST_BASE_URL: w.client.restUrl, CARTLINK_WORKER_TIMEOUT_MS: "2000", CARTLINK_WORKER_LEASE_MS: "8000" };
    const { started, start, kill, topUp } = w.workerPool(workerEnv);
    start();
    start();
    const deliveredSales = () => w.deliveredSalesOf("RCRASH%");
    let kills = 0;
    // Retries are not what this test is about: a retry waiting a minute or more is made due now.
    const fastForward = setInterval(() => {
      void w.t.db.execute(sql`update transmissions set next_attempt_at = now() where merchant_id like 'RCRASH%' and status = 'pending' and next_attempt_at > now()`).catch(() => {});
    }, 1000);
    const placing = w.placeOrders(stores, perStore);
    const orderIds = placing.orderIds;
    const placed = placing.done;
    const killer = (async () => {
      while (kills < maxKills && (placing.busy() || (await deliveredSales()) < stores.length * perStore)) {
        await sleep(1000 + Math.random() * 4000);
        const up = [...started];
        const victim = up[Math.floor(Math.random() * up.length)];
        if (victim) {
          await kill(victim);
          kills += 1;
        }
        topUp(2);
      }
    })();
    await w.settle(placed, killer, deliveredSales, stores.length * perStore);
    clearInterval(fastForward);
    await w.stopWorkers();

    const byOrder = new Map<string, number>();
    for (const s of stores) {
      for (const tx of await w.client.restObjects(46, { appId: `app-${s}` })) {
        const id = String(tx.external_order_id ?? "");
        byOrder.set(id, (byOrder.get(id) ?? 0) + 1);
      }
    }
    const stats = await w.client.restStats();
    const [unknowns] = rowsOf<{ n: number }>(
      await w.t.db.execute(sql`select count(*)::int as n from transmission_attempts a join transmissions t on t.id = a.transmission_id where t.merchant_id like 'RCRASH%' and a.outcome = 'unknown'`),
    );
    const seconds = ((Date.now() - began) / 1000).toFixed(1);
    console.log(
      `REST crash test (${stores.length} stores x ${perStore}): ${kills} kills, ${late} late answers queued, ${Number(unknowns!.n)} attempts with an unknown outcome, ` +
        `${stats.transactions} transactions, ${stats.duplicateTransactions} duplicates, ${stats.requests} calls in ${seconds} s`,
    );
    expect(await deliveredSales()).toBe(stores.length * perStore);
    expect(kills).toBeGreaterThan(0);
    // The faults and kills did leave outcomes unknown, which had to be looked up.
    expect(Number(unknowns!.n)).toBeGreaterThan(0);
    expect(stats.duplicateTransactions).toBe(0);
    expect(stats.transactions).toBe(stores.length * perStore);
    expectEachOnce(orderIds, (id) => byOrder.get(id), byOrder.size);
  });
});
