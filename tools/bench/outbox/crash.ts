import { sql } from "drizzle-orm";
import { rowsOf } from "@/lib/db/client";
import { placeOrder } from "@/tools/testing/ontraport";
import { openTestDatabase } from "@/tools/testing/db";
import { spawnWorker, workerPool } from "@/tools/testing/worker-spawn";
import type { Benchmark } from "../types";
import { sleep } from "./fixture";
import { createStores, loadAvg, startSimProcess, storeId, storeKey } from "./stores-fixture";

const LIMIT = 180;

/**
 * Worker processes (scripts/worker.ts, as lib/ontraport/engine/crash.test.ts spawns them) SIGKILLed at
 * random moments while paid orders of several stores are placed and delivered to a simulator answering
 * in 250 ± 50 ms, with the request timeout on (15 s, the default). Two workers run side by side; each
 * kill is replaced. Prints what was lost and what ONTRAPORT got twice.
 */
export const crashBenchmark: Benchmark = {
  name: "crash",
  description: "20 SIGKILLs of worker processes during 1,000 Sales over 10 stores (250 ms answers, 15 s timeout): lost, duplicateFacts, duplicates",
  async run(ctx) {
    const sales = ctx.quick ? 200 : 1000;
    const killsWanted = ctx.quick ? 5 : 20;
    const storeCount = 10;
    process.env.TEST_DATABASE_URL = ctx.postgresUrl;
    const t = await openTestDatabase("postgres");
    const stores = Array.from({ length: storeCount }, (_, i) => storeId("C", i));
    const sim = await startSimProcess({ keys: stores.map(storeKey), rateLimit: LIMIT, latencyMs: 250, jitterMs: 50 });
    const pool = workerPool(() => spawnWorker(t.location, sim.endpoint, {}, true));
    const { children, started: up } = pool;
    try {
      await createStores(t.db, stores, LIMIT);
      pool.topUp(2);
      const loadStart = loadAvg();
      const t0 = Date.now();
      const deliveredOrders = async () => {
        const [r] = rowsOf<{ n: number }>(await t.db.execute(sql`select count(distinct order_id)::int as n from transmissions where type = 'sale' and status = 'delivered'`));
        return Number(r?.n ?? 0);
      };
      // Orders keep coming while the kills happen (a worker takes a few seconds to start on a busy
      // machine): spread over about 4 s per kill.
      const spacing = (killsWanted * 4000) / sales;
      let placing = true;
      const placed = (async () => {
        for (let i = 0; i < sales; i++) {
          const due = t0 + i * spacing;
          if (due > Date.now()) await sleep(due - Date.now());
          await placeOrder(t.db, stores[i % storeCount]!);
        }
        placing = false;
      })();
      let kills = 0;
      ctx.log(`crash: ${sales} Sales over ${storeCount} stores, ${killsWanted} kills ...`);
      while (kills < killsWanted) {
        await sleep(700 + Math.random() * 1300);
        const victims = [...up];
        const victim = victims[Math.floor(Math.random() * victims.length)];
        if (victim) {
          await pool.kill(victim);
          kills += 1;
        }
        pool.topUp(2);
        if (!placing && (await deliveredOrders()) >= sales) break;
      }
      await placed;
      const killsDoneAt = Date.now() - t0;
      const deadline = Date.now() + 240_000;
      while ((await deliveredOrders()) < sales && Date.now() < deadline) await sleep(500);
      const drainedAt = Date.now() - t0;
      for (const c of children) c.kill("SIGTERM");
      for (let i = 0; i < 100 && children.size; i++) await sleep(200);
      const stats = await sim.client.stats();
      const [lost] = rowsOf<{ n: number }>(
        await t.db.execute(sql`select count(*)::int as n from orders o where not exists (select 1 from transmissions s where s.order_id = o.id and s.type = 'sale' and s.status = 'delivered')`),
      );
      const [orders] = rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from orders`));
      const [timeouts] = rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from transmission_attempts where outcome <> 'delivered'`));
      return {
        metrics: [
          { label: "Sales placed", value: Number(orders?.n ?? 0), unit: `over ${storeCount} stores` },
          { label: "SIGKILLs", value: kills, unit: `(last at ${(killsDoneAt / 1000).toFixed(0)} s)` },
          { label: "all delivered after", value: (drainedAt / 1000).toFixed(1), unit: "s" },
          { label: "lost (paid, no delivered Sale)", value: Number(lost?.n ?? 0), target: "0" },
          { label: "duplicateFacts (same Sale, another id)", value: stats.duplicateFacts, target: "0" },
          { label: "duplicates (same id re-sent)", value: stats.duplicates, unit: `(${(stats.duplicates / Math.max(1, kills)).toFixed(2)} per kill)` },
          { label: "delivered at the simulator", value: stats.delivered },
          { label: "429 answers", value: stats.rateLimited },
          { label: "attempts not delivered (timeouts, errors)", value: Number(timeouts?.n ?? 0) },
        ],
        notes: [
          `two scripts/worker.ts processes (default concurrency and perStore, timeout 15 s, lease 20 s), each SIGKILLed one is replaced; simulator in its own process, 250 ± 50 ms, ${LIMIT}/min per store key`,
          "a killed worker's rows wait for their lease (20 s) before another worker takes them over, with the same X-Transmission-Id: those re-sends are the duplicates",
          `load average at the start ${loadStart}, at the end ${loadAvg()}`,
        ],
      };
    } finally {
      for (const c of children) c.kill("SIGKILL");
      await sim.close();
      await t.close();
    }
  },
};
