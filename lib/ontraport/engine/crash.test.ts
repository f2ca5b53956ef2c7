import { spawn } from "node:child_process";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/lib/db/client";
import { openTestDatabase } from "@/tools/testing/db";
import { apiMerchant, TEST_ENCRYPTION_KEY } from "@/tools/testing/ontraport";
import { acceptedSaleIds, expectEachOnce, sleep, useWorkerProcesses, WORKER_COMMAND, workerProcessBackends } from "@/tools/testing/worker-processes";

// Worker processes killed with SIGKILL at random moments: PostgreSQL only (the embedded database is one
// process by design, which the last test checks). The REST protocol's crash test is crash-rest.test.ts,
// several workers side by side multi-worker.test.ts.

// A worker records each answer as soon as it arrives (group commit), so a SIGKILL can only re-send,
// with the same X-Transmission-Id, the requests that were still waiting for ONTRAPORT's answer or for
// their commit. ONTRAPORT offers no way to ask whether it got a request, so those must go again: the
// same-id re-sends per kill are bounded by the requests a worker has in flight, one per store by
// default. A business duplicate (one order's Sale accepted under two transmission ids) is never allowed.

if (process.env.CI === "true" && !process.env.TEST_DATABASE_URL) {
  // Under CI these tests must run: a missing PostgreSQL fails the run instead of skipping them.
  describe("worker processes on PostgreSQL", () => {
    it("run under CI", () => {
      throw new Error("PostgreSQL is required under CI: set TEST_DATABASE_URL (the crash and multi-worker tests cannot run on PGlite)");
    });
  });
}

describe.each(workerProcessBackends)("worker processes on %s", (kind) => {
  const w = useWorkerProcesses(kind);

  it("loses nothing and accepts each Sale once: default workers killed at random moments during 1,000 paid orders of 5 stores, slow answers, the real 15 s timeout", { timeout: 240_000 }, async () => {
    const began = Date.now();
    const stores = ["CRASH1", "CRASH2", "CRASH3", "CRASH4", "CRASH5"];
    const perStore = 200;
    const maxKills = 6;
    await w.client.reset({ all: true });
    await w.client.setConfig({ rateLimit: 1_000_000 });
    for (const s of stores) {
      await w.client.setKey(`key-${s}`, "valid");
      await apiMerchant(w.t.db, s, { key: `key-${s}`, rateLimitPerMinute: 1_000_000 });
    }
    // Slow answers (the request is processed at once, only the answer waits), in runs of 10 requests:
    // a kill then often finds requests ONTRAPORT has but whose answer has not come back yet.
    let slow = 0;
    for (let i = 0; i < 130; i++) {
      const delayMs = Math.random() < 0.3 ? 200 + Math.floor(Math.random() * 300) : 0;
      if (delayMs) slow += 10;
      await w.client.faults({ count: 10, delayMs });
    }

    const { started, start, kill, topUp } = w.workerPool();
    start();
    start();
    const deliveredSales = () => w.deliveredSalesOf("CRASH%");
    let kills = 0;
    const placing = w.placeOrders(stores, perStore);
    const orderIds = placing.orderIds;
    const placed = placing.done;
    // A request ONTRAPORT has received and processed, whose answer is still on its way back: the pid of
    // the worker holding it ("host:pid:random", worker.ts). Before each kill every answer is made to wait
    // 3 s, so such a request is there to be found however busy the machine is (with only the random slow
    // answers, a loaded machine could go six kills without hitting one).
    const pidAwaitingAnswer = async (): Promise<number | null> => {
      // Rows 'sending', then the simulator: one it has received is waiting for its answer.
      const rows = rowsOf<{ id: string; locked_by: string }>(
        await w.t.db.execute(sql`select id, locked_by from transmissions where merchant_id like 'CRASH%' and status = 'sending' and locked_by is not null`),
      );
      // Only live workers: a killed worker's rows stay 'sending' until their lease runs out.
      const live = new Set([...started].map((c) => c.pid));
      for (const r of rows) {
        const pid = Number(r.locked_by.split(":").at(-2));
        if (live.has(pid) && (await w.client.notifications({ transmissionId: r.id, limit: 1 })).length) return pid;
      }
      return null;
    };
    let hits = 0;
    const killer = (async () => {
      while (kills < maxKills && (placing.busy() || (await deliveredSales()) < stores.length * perStore)) {
        await sleep(1000 + Math.random() * 2000);
        await w.client.setLatency({ baseMs: 3000 });
        // The first live worker seen with an answer pending, else any. Within 25 s: stores whose row a
        // killed worker held send nothing until its 20 s lease runs out.
        let pid: number | null = null;
        for (let i = 0; i < 250 && pid === null && (placing.busy() || (await deliveredSales()) < stores.length * perStore); i++) {
          pid = await pidAwaitingAnswer();
          if (pid === null) await sleep(100);
        }
        const up = [...started];
        const target = up.filter((c) => c.pid === pid);
        const victims = target.length ? target : up;
        const victim = victims[Math.floor(Math.random() * victims.length)];
        if (victim) {
          await kill(victim);
          kills += 1;
          if (target.length) hits += 1;
        }
        await w.client.setLatency({ baseMs: 0, jitterMs: 0 });
        topUp(2);
      }
    })();
    await w.settle(placed, killer, deliveredSales, stores.length * perStore);
    await w.stopWorkers();

    const stats = await w.client.stats();
    const records = await w.client.notifications({ reqType: "sale" });
    const accepted = acceptedSaleIds(records);
    const [lost] = rowsOf<{ n: number }>(
      await w.t.db.execute(sql`select count(*)::int as n from orders o where o.merchant_id like 'CRASH%' and not exists (select 1 from transmissions s where s.order_id = o.id and s.type = 'sale' and s.status = 'delivered')`),
    );
    const businessDuplicates = [...accepted.values()].filter((ids) => ids.size > 1).length;
    const seconds = ((Date.now() - began) / 1000).toFixed(1);
    console.log(
      `crash test (default worker, ${stores.length} stores x ${perStore}): ${kills} kills (${hits} of a worker awaiting an answer) in ${seconds} s, ${slow} slow answers queued, ${stats.delivered} accepted at the simulator, ` +
        `${stats.duplicates} same-id re-sends (${(stats.duplicates / Math.max(1, kills)).toFixed(2)} per kill), ${businessDuplicates} business duplicates`,
    );
    expect(Number(lost!.n)).toBe(0);
    expect(await deliveredSales()).toBe(stores.length * perStore);
    // Each order's Sale accepted under exactly one transmission id.
    expect(orderIds).toHaveLength(stores.length * perStore);
    expect(businessDuplicates).toBe(0);
    expectEachOnce(orderIds, (id) => accepted.get(id)?.size, accepted.size);
    expect(kills).toBeGreaterThan(0);
    // The kills did hit requests ONTRAPORT had received but whose answer was not recorded yet.
    expect(stats.duplicates).toBeGreaterThan(0);
    // Same-id re-sends: at most one request in flight per store per kill.
    expect(stats.duplicates).toBeLessThanOrEqual(kills * 1 * stores.length);
    expect(stats.delivered - stats.duplicates).toBe(stores.length * perStore);
  });
});

describe("the embedded database", () => {
  it("refuses a second process, so it never runs two workers on one data folder", { timeout: 120_000 }, async () => {
    const t = await openTestDatabase("pglite");
    try {
      const child = spawn(WORKER_COMMAND.execPath, WORKER_COMMAND.args, {
        cwd: WORKER_COMMAND.cwd,
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, DATABASE_URL: "", DATA_DIR: t.location, CARTLINK_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY.toString("hex") },
      });
      let err = "";
      child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((r) => child.on("exit", r));
      expect(code).toBe(1);
      expect(err).toMatch(/already open in process/);
    } finally {
      await t.close();
    }
  });
});
