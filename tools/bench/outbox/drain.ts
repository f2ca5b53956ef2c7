import { OutboxWorker } from "@/lib/ontraport/engine/worker";
import { resolveTestKey } from "@/tools/testing/ontraport";
import type { Benchmark } from "../types";
import { countStatus, insertBacklog, openFixture, sleep } from "./fixture";

/** A backlog drained against the simulator's rate limit: how close to the allowed rate, and how many 429s. */
export const drainBenchmark: Benchmark = {
  name: "drain",
  description: "Backlog of sales drained at the account's rate limit (simulator enforces the same limit over a rolling minute)",
  async run(ctx) {
    const limit = Number(process.env.BENCH_DRAIN_LIMIT ?? 600);
    const backlog = ctx.quick ? 300 : Number(process.env.BENCH_DRAIN_BACKLOG ?? 1000);
    const f = await openFixture(ctx.postgresUrl, { rateLimitPerMinute: limit });
    try {
      await insertBacklog(f.t.db, "BENCH", backlog);
      const worker = new OutboxWorker({ db: f.t.db, endpoint: f.sim.endpoint, resolveKey: resolveTestKey, pollMs: 100 });
      await worker.start();
      ctx.log(`drain: ${backlog} sales at ${limit}/min (about ${Math.ceil((backlog / limit) * 60)} s) ...`);
      while ((await countStatus(f.t.db, "delivered")) < backlog) await sleep(250);
      await worker.stop();
      const received = await f.client.notifications({ outcome: "delivered" });
      const times = received.map((n) => Date.parse(n.receivedAt)).sort((a, b) => a - b);
      const seconds = (times.at(-1)! - times[0]!) / 1000;
      const achieved = (times.length - 1) / seconds;
      const allowed = limit / 60;
      const stats = await f.client.stats();
      return {
        metrics: [
          { label: "backlog", value: backlog, unit: "sales" },
          { label: "rate limit", value: limit, unit: "/min" },
          { label: "achieved rate", value: +(achieved * 60).toFixed(1), unit: "/min" },
          { label: "drain ratio", value: +((achieved / allowed) * 100).toFixed(1), unit: "%", target: ">= 95%" },
          { label: "429 answers", value: stats.rateLimited, target: "0" },
          { label: "duplicates", value: stats.duplicates },
        ],
        notes: [`BENCH_DRAIN_LIMIT=180 BENCH_DRAIN_BACKLOG=1000 runs the real default (about 6 minutes).`],
      };
    } finally {
      await f.close();
    }
  },
};
