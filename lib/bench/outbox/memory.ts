import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { TEST_ENCRYPTION_KEY } from "@/lib/ontraport/testing";
import type { Benchmark } from "../types";
import { countStatus, insertBacklog, openFixture, sleep } from "./fixture";
import { startReceiver } from "./receiver";

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Resident memory of a standalone worker process (`npm run worker`) across a long run. */
export const memoryBenchmark: Benchmark = {
  name: "memory",
  description: "Resident memory of a standalone worker process across 10,000 transmissions",
  async run(ctx) {
    const n = ctx.quick ? 2000 : Number(process.env.BENCH_MEMORY_N ?? 10_000);
    const f = await openFixture(ctx.postgresUrl, { rateLimitPerMinute: 100_000_000 });
    try {
      await insertBacklog(f.t.db, "BENCH", n);
      const receiver = await startReceiver();
      const child = spawn(process.execPath, ["--import", "tsx", path.join(process.cwd(), "scripts/worker.ts")], {
        stdio: ["ignore", "ignore", "inherit"],
        env: { ...process.env, DATABASE_URL: f.t.location, CARTLINK_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY.toString("hex"), ONTRAPORT_ENDPOINT: receiver.endpoint },
      });
      const samples: Array<{ delivered: number; rss: number }> = [];
      for (;;) {
        await sleep(250);
        const delivered = await countStatus(f.t.db, "delivered");
        if (child.exitCode !== null) throw new Error("the worker exited early");
        samples.push({ delivered, rss: rssMiB(child.pid!) });
        if (delivered >= n) break;
      }
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      receiver.close();
      const warm = samples.find((s) => s.delivered >= n / 10) ?? samples[0]!;
      const mid = samples.find((s) => s.delivered >= n / 2) ?? warm;
      const end = samples.at(-1)!;
      const peak = Math.max(...samples.map((s) => s.rss));
      return {
        metrics: [
          { label: "transmissions", value: n },
          { label: `RSS after ${warm.delivered}`, value: +warm.rss.toFixed(1), unit: "MiB" },
          { label: `RSS after ${mid.delivered}`, value: +mid.rss.toFixed(1), unit: "MiB" },
          { label: `RSS after ${end.delivered}`, value: +end.rss.toFixed(1), unit: "MiB" },
          { label: "peak RSS", value: +peak.toFixed(1), unit: "MiB" },
          { label: "growth after warm-up", value: +(((end.rss - warm.rss) / warm.rss) * 100).toFixed(1), unit: "%", target: "within 20%" },
          { label: "growth over the second half", value: +(((end.rss - mid.rss) / mid.rss) * 100).toFixed(1), unit: "%" },
        ],
      };
    } finally {
      await f.close();
    }
  },
};
