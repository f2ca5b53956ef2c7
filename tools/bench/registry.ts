import type { Benchmark } from "./types";
import { loadBenchmark } from "./load";
import { claimBenchmark } from "./outbox/claim";
import { crashBenchmark } from "./outbox/crash";
import { drainBenchmark } from "./outbox/drain";
import { latencyBenchmark } from "./outbox/latency";
import { memoryBenchmark } from "./outbox/memory";
import { slowStoresBenchmark, storesBenchmark } from "./outbox/stores";
import { throughputBenchmark } from "./outbox/throughput";
import { restBenchmark } from "./outbox/rest";

/** Every benchmark `npm run bench` knows; add new ones here. */
export const BENCHMARKS: Benchmark[] = [
  drainBenchmark,
  latencyBenchmark,
  storesBenchmark,
  slowStoresBenchmark,
  crashBenchmark,
  throughputBenchmark,
  claimBenchmark,
  restBenchmark,
  memoryBenchmark,
  loadBenchmark,
];
