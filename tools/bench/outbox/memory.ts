import { spawn } from "node:child_process";
import path from "node:path";
import { TEST_ENCRYPTION_KEY } from "@/tools/testing/ontraport";
import type { Benchmark } from "../types";
import { openFixture } from "./fixture";
import { startReceiver } from "./receiver";
import { createStores, insertBacklogs, loadAvg, storeId } from "./stores-fixture";

interface MemorySample {
  finished: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

const MiB = (b: number) => +(b / 1024 / 1024).toFixed(1);
const pct = (a: number, b: number) => +(((b - a) / a) * 100).toFixed(1);

/**
 * Memory of a standalone worker process (scripts/bench-worker.ts: `npm run worker` plus a memory line a
 * second, after a full GC) across a long run: the rate limit lifted, a bare receiver, the deliveries
 * spread over 200 stores (one request in flight per store by default).
 */
export const memoryBenchmark: Benchmark = {
  name: "memory",
  description: "Heap and RSS of a standalone worker process across 50,000 deliveries (200 stores, bare receiver): flat within 20%",
  async run(ctx) {
    const storeCount = 200;
    const perStore = Math.ceil((ctx.quick ? 5000 : Number(process.env.BENCH_MEMORY_N ?? 50_000)) / storeCount);
    const n = perStore * storeCount;
    // The default claimBatch (100) stalls at the end of the run once 100 drained stores rank ahead of the
    // ones still with work (docs/benchmarks.md): BENCH_CLAIM_BATCH=100 shows it.
    const claimBatch = process.env.BENCH_CLAIM_BATCH ?? "1000";
    const f = await openFixture(ctx.postgresUrl, { rateLimitPerMinute: 100_000_000 });
    const receiver = await startReceiver();
    try {
      const stores = Array.from({ length: storeCount }, (_, i) => storeId("M", i));
      await createStores(f.t.db, stores, 100_000_000);
      ctx.log(`memory: inserting ${n} Sales over ${storeCount} stores ...`);
      await insertBacklogs(f.t.db, stores, perStore);
      const loadStart = loadAvg();
      const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", path.join(process.cwd(), "scripts/bench-worker.ts")], {
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, DATABASE_URL: f.t.location, CARTLINK_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY.toString("hex"), ONTRAPORT_ENDPOINT: receiver.endpoint, BENCH_CLAIM_BATCH: claimBatch },
      });
      const samples: MemorySample[] = [];
      const started = Date.now();
      await new Promise<void>((resolve, reject) => {
        let buf = "";
        child.stdout!.on("data", (d: Buffer) => {
          buf += d.toString();
          let i;
          while ((i = buf.indexOf("\n")) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            const s = JSON.parse(line) as MemorySample;
            samples.push(s);
            if (s.finished >= n) resolve();
            const before = samples.at(-21);
            if (before && s.finished > 0 && before.finished === s.finished) {
              child.kill("SIGKILL");
              reject(new Error(`the worker stalled at ${s.finished} of ${n} deliveries (nothing for 20 s)`));
            }
          }
        });
        child.once("exit", (code) => reject(new Error(`the worker exited early (${code})`)));
      });
      const seconds = (Date.now() - started) / 1000;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      // The first sample past 10% of the deliveries (after warm-up), and the last one.
      const warm = samples.find((s) => s.finished >= n / 10) ?? samples[0]!;
      const mid = samples.find((s) => s.finished >= n / 2) ?? warm;
      const end = samples.at(-1)!;
      const peakRss = Math.max(...samples.map((s) => s.rss));
      const peakHeap = Math.max(...samples.map((s) => s.heapUsed));
      return {
        metrics: [
          { label: "deliveries", value: n, unit: `over ${storeCount} stores in ${seconds.toFixed(0)} s (${Math.round(n / seconds)}/s)` },
          { label: `heap used at ${warm.finished} (10%)`, value: MiB(warm.heapUsed), unit: "MiB" },
          { label: `heap used at ${mid.finished} (50%)`, value: MiB(mid.heapUsed), unit: "MiB" },
          { label: `heap used at ${end.finished} (end)`, value: MiB(end.heapUsed), unit: "MiB" },
          { label: "heap change 10% -> end", value: pct(warm.heapUsed, end.heapUsed), unit: "%", target: "within ±20%" },
          { label: `RSS at ${warm.finished} (10%)`, value: MiB(warm.rss), unit: "MiB" },
          { label: `RSS at ${end.finished} (end)`, value: MiB(end.rss), unit: "MiB" },
          { label: "RSS change 10% -> end", value: pct(warm.rss, end.rss), unit: "%", target: "within ±20%" },
          { label: "peak heap used / peak RSS", value: `${MiB(peakHeap)} / ${MiB(peakRss)}`, unit: "MiB" },
        ],
        notes: [
          `the worker's default settings except claimBatch ${claimBatch}; samples once a second after a full GC (node --expose-gc); load average at the start ${loadStart}, at the end ${loadAvg()}`,
          "BENCH_MEMORY_N sets the number of deliveries (default 50,000; --quick 5,000).",
        ],
      };
    } finally {
      receiver.close();
      await f.close();
    }
  },
};
