/** A benchmark prints numbers; it never asserts timings (machines differ). */
export interface Metric {
  label: string;
  value: number | string;
  unit?: string;
  /** The goal, in words (`>= 95%`), printed beside the value. */
  target?: string;
}

export interface BenchResult {
  metrics: Metric[];
  notes?: string[];
}

export interface BenchContext {
  /** Admin connection string of a PostgreSQL server; each benchmark creates its own throw-away database. */
  postgresUrl: string;
  /** `--quick`: smaller runs, for a smoke test. */
  quick: boolean;
  log(message: string): void;
  /** Benchmark-specific flags (`--seconds 30`), as given on the command line. */
  args?: Record<string, string | undefined>;
}

export interface Benchmark {
  name: string;
  description: string;
  /** Runs only when named (`npm run bench -- load`), never as part of the default set. */
  explicit?: boolean;
  run(ctx: BenchContext): Promise<BenchResult>;
}
