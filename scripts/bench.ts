/**
 * `npm run bench [-- --only drain,latency] [--quick]`: prints numbers (no pass/fail). Needs PostgreSQL:
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); each benchmark creates and
 * drops its own database. The ONTRAPORT simulator runs in this process.
 */
import { parseArgs } from "node:util";
import { BENCHMARKS } from "@/lib/bench/registry";
import type { BenchResult } from "@/lib/bench/types";

const { values } = parseArgs({ options: { only: { type: "string" }, quick: { type: "boolean", default: false }, list: { type: "boolean", default: false } } });

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
  const only = values.only?.split(",").map((s) => s.trim());
  const chosen = BENCHMARKS.filter((b) => !only || only.includes(b.name));
  const ctx = {
    postgresUrl: process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    quick: values.quick ?? false,
    log: (m: string) => console.log(m),
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
