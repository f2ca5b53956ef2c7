/** A property test's run count, multiplied by FC_RUNS_FACTOR when fuzzing (`npm run test:fuzz`). */
export function runs(n: number): number {
  const factor = Number(process.env.FC_RUNS_FACTOR ?? "1");
  return Number.isFinite(factor) && factor > 0 ? Math.max(1, Math.round(n * factor)) : n;
}
