import { OutboxWorker } from "@/lib/ontraport/engine/worker";
import { placeOrder, resolveTestKey } from "@/tools/testing/ontraport";
import type { Benchmark } from "../types";
import { openFixture, percentile, sleep } from "./fixture";

/** Payment (the order's commit) to ONTRAPORT's receipt, with no backlog, woken by LISTEN/NOTIFY. */
export const latencyBenchmark: Benchmark = {
  name: "latency",
  description: "Payment to ONTRAPORT receipt with no backlog (PostgreSQL, worker in the same process, woken on commit)",
  async run(ctx) {
    const orders = ctx.quick ? 100 : 500;
    const f = await openFixture(ctx.postgresUrl, { rateLimitPerMinute: 1_000_000 });
    try {
      const worker = new OutboxWorker({ db: f.t.db, endpoint: f.sim.endpoint, resolveKey: resolveTestKey, pollMs: 1000 });
      await worker.start();
      const paidAt = new Map<string, number>();
      for (let i = 0; i < orders; i++) {
        const id = await placeOrder(f.t.db, "BENCH");
        paidAt.set(id, Date.now());
        await sleep(10 + Math.random() * 20);
      }
      for (let i = 0; i < 100; i++) {
        if ((await f.client.stats()).delivered >= orders) break;
        await sleep(100);
      }
      await worker.stop();
      const received = await f.client.notifications({ outcome: "delivered" });
      const lat = received
        .map((n) => Date.parse(n.receivedAt) - (paidAt.get(n.parsed?.orderId ?? "") ?? NaN))
        .filter((x) => Number.isFinite(x))
        .sort((a, b) => a - b);
      return {
        metrics: [
          { label: "orders", value: lat.length },
          { label: "p50", value: percentile(lat, 50), unit: "ms", target: "< 300 ms" },
          { label: "p99", value: percentile(lat, 99), unit: "ms", target: "< 1000 ms" },
          { label: "max", value: lat.at(-1) ?? NaN, unit: "ms" },
        ],
      };
    } finally {
      await f.close();
    }
  },
};
