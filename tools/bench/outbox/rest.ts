import { sql } from "drizzle-orm";
import { items } from "@/lib/db/schema";
import { rowsOf } from "@/lib/db/client";
import { OutboxWorker } from "@/lib/ontraport/engine/worker";
import { SimClient } from "@/tools/ontraport-sim/client";
import { startSimulator } from "@/tools/ontraport-sim/server";
import { apiMerchant, placeOrder, resolveTestKey } from "@/tools/testing/ontraport";
import { openTestDatabase } from "@/tools/testing/db";
import type { Benchmark } from "../types";
import { sleep } from "./fixture";

const APP = "bench-app";
const KEY = "bench-rest-key";

/**
 * REST delivery for one merchant at ONTRAPORT's real limit (180 calls a minute, the simulator
 * enforcing it too): calls for a first Sale (new product and tax), calls per Sale in steady state,
 * and Sales logged per minute once the bucket is the bottleneck.
 */
export const restBenchmark: Benchmark = {
  name: "rest",
  description: "REST API: calls per Sale (first and steady state) and Sales logged per minute for one merchant at 180 calls a minute",
  async run(ctx) {
    const sales = ctx.quick ? 20 : 60;
    process.env.TEST_DATABASE_URL = ctx.postgresUrl;
    const t = await openTestDatabase("postgres");
    const sim = await startSimulator({ port: 0, rateLimit: 180, restAccounts: [{ appId: APP, key: KEY }] });
    const client = new SimClient(sim.url);
    try {
      await apiMerchant(t.db, "BENCH", { key: KEY, protocol: "rest", appId: APP, rateLimitPerMinute: 180, tagEveryBuyer: "Customer" });
      await t.db.insert(items).values({ merchantId: "BENCH", merchantItemId: "SHIRT-RED", description: "Red shirt", priceCents: 1995, customFields: { oapProductid: "Red Shirt", oapTags: "Apparel" } });
      const link = () => t.db.execute(sql`update order_lines l set item_id = i.id from items i where i.merchant_item_id = l.merchant_item_id and l.item_id is null`);
      const newWorker = () => new OutboxWorker({ db: t.db, endpoint: sim.endpoint, restBaseUrl: client.restUrl, resolveKey: resolveTestKey, pollMs: 200 });
      let worker = newWorker();
      const delivered = async () => Number(rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from transmissions where status = 'delivered'`))[0]?.n ?? 0);

      // A first Sale: contact, product and tax looked up and created.
      await placeOrder(t.db, "BENCH");
      await link();
      await worker.start();
      while ((await delivered()) < 1) await sleep(50);
      const firstCalls = (await client.restStats()).requests;

      // Steady state, at the limit: a backlog of Sales (placed while no worker runs, so each is built
      // with its item's mapping), products and tax cached.
      await worker.stop();
      for (let i = 0; i < sales; i++) await placeOrder(t.db, "BENCH");
      await link();
      worker = newWorker();
      await worker.start();
      const began = Date.now();
      while ((await delivered()) < sales + 1) await sleep(100);
      const seconds = (Date.now() - began) / 1000;
      await worker.stop();
      const stats = await client.restStats();
      const steadyCalls = (stats.requests - firstCalls) / sales;
      return {
        metrics: [
          { label: "calls for a first Sale (new contact, product and tax)", value: firstCalls },
          { label: "calls per Sale in steady state", value: steadyCalls.toFixed(2), target: "<= 3" },
          { label: "Sales", value: sales },
          { label: "Sales logged per minute at 180 calls a minute", value: ((sales / seconds) * 60).toFixed(1), target: ">= 55" },
          { label: "429s from the simulator", value: stats.rateLimited, target: "0" },
          { label: "duplicate transactions", value: stats.duplicateTransactions, target: "0" },
        ],
        notes: [`${sales} Sales in ${seconds.toFixed(1)} s; the bucket lets out about 175 calls a minute (a burst of 3, then 2.9 a second).`],
      };
    } finally {
      await sim.close();
      await t.close();
    }
  },
};
