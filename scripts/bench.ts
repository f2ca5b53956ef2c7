/**
 * `npm run bench [-- --only drain,latency] [--quick]`: prints numbers (no pass/fail). Needs PostgreSQL:
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); each benchmark creates and
 * drops its own database. The ONTRAPORT simulator runs in this process, except for `stores`,
 * `slow-stores` and `crash`, which start it in its own (scripts/sim.ts) so it does not share the
 * worker's process. Environment knobs: BENCH_STORES (e.g. `500,1000`), BENCH_STORES_SALES,
 * BENCH_MEMORY_N, BENCH_THROUGHPUT_N, BENCH_THROUGHPUT_RUNS, BENCH_THROUGHPUT_STORES,
 * BENCH_CLAIM_BATCH; see docs/benchmarks.md.
 * Benchmarks can also be named as arguments (`npm run bench -- load --seconds 30`); `load` runs only
 * when named (it needs `npx next build`; flags --seconds --users --rate --orders --worker
 * embedded|standalone --port --sim-port).
 */
import { parseArgs } from "node:util";
import { BENCHMARKS } from "@/tools/bench/registry";
import type { BenchResult } from "@/tools/bench/types";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    only: { type: "string" },
    quick: { type: "boolean", default: false },
    list: { type: "boolean", default: false },
    seconds: { type: "string" },
    users: { type: "string" },
    rate: { type: "string" },
    orders: { type: "string" },
    worker: { type: "string" },
    port: { type: "string" },
    "sim-port": { type: "string" },
  },
});

function print(name: string, r: BenchResult): void {
  console.log(`\n== ${name}`);
  const width = Math.max(...r.metrics.map((m) => m.label.length));
  for (const m of r.metrics) console.log(`  ${m.label.padEnd(width)}  ${String(m.value)}${m.unit ? ` ${m.unit}` : ""}${m.target ? `   (target ${m.target})` : ""}`);
  for (const n of r.notes ?? []) console.log(`  note: ${n}`);
}

async function main() {
  if (values.list) {
    for (const b of BENCHMARKS) console.log(`${b.name.padEnd(12)} ${b.description}`);
    return;
  }
  const named = [...(values.only?.split(",") ?? []), ...positionals].map((s) => s.trim()).filter(Boolean);
  const unknown = named.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(", ")} (see --list)`);
  const chosen = BENCHMARKS.filter((b) => (named.length ? named.includes(b.name) : !b.explicit));
  const ctx = {
    postgresUrl: process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    quick: values.quick ?? false,
    log: (m: string) => console.log(m),
    args: { seconds: values.seconds, users: values.users, rate: values.rate, orders: values.orders, worker: values.worker, port: values.port, "sim-port": values["sim-port"] },
  };
  console.log(`cartlink benchmarks on ${new URL(ctx.postgresUrl).host}${ctx.quick ? " (quick)" : ""}: ${chosen.map((b) => b.name).join(", ")}`);
  for (const b of chosen) {
    console.log(`\n${b.name}: ${b.description}`);
    const started = Date.now();
    try {
      print(b.name, await b.run(ctx));
      console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      console.log(`  FAILED: ${e instanceof Error ? e.stack : String(e)}`);
      process.exitCode = 1;
    }
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
