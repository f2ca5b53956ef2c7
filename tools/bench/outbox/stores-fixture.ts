import { allowLocalOrigin } from "@/lib/net/egress";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { SimClient } from "@/tools/ontraport-sim/client";
import { apiMerchant } from "@/tools/testing/ontraport";
import { atLeastOne, CLAIM_LANES, RECORDINGS, workerPoolSize } from "@/lib/ontraport/engine/worker";
import { saleXml, sleep } from "./fixture";

// What the many-store benchmarks share: the simulator in its own process (so the worker's process is
// not also the one answering 1,500 requests a second), many merchants each with its own key, and
// backlogs inserted directly for all of them.

export interface SimProcess {
  url: string;
  endpoint: string;
  client: SimClient;
  child: ChildProcess;
  close(): Promise<void>;
}

/** `node --import tsx scripts/sim.ts` with these keys, rate limit and answer latency, on a free port. */
export async function startSimProcess(opts: { keys: string[]; rateLimit: number; latencyMs?: number; jitterMs?: number }): Promise<SimProcess> {
  const args = ["--import", "tsx", path.join(process.cwd(), "scripts/sim.ts"), "--port", "0", "--rate-limit", String(opts.rateLimit)];
  if (opts.latencyMs) args.push("--latency-ms", String(opts.latencyMs));
  if (opts.jitterMs) args.push("--jitter-ms", String(opts.jitterMs));
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, SIM_KEYS: opts.keys.join(",") } });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^/\s]+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the simulator exited (${code}) before listening`)));
  });
  child.stdout!.resume();
  // Deliveries may go only to allowed local origins (lib/net/egress).
  allowLocalOrigin(url);
  return {
    url,
    endpoint: `${url}/`,
    client: new SimClient(url),
    child,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(force);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

export const storeId = (prefix: string, i: number) => `${prefix}${String(i).padStart(4, "0")}`;
export const storeKey = (merchantId: string) => `key-${merchantId.toLowerCase()}`;

/** Merchants on the API method, each with its own key (so the simulator's per-key limit is per store). */
export async function createStores(db: Db, ids: string[], rateLimitPerMinute: number): Promise<void> {
  for (let i = 0; i < ids.length; i += 20) await Promise.all(ids.slice(i, i + 20).map((id) => apiMerchant(db, id, { key: storeKey(id), rateLimitPerMinute })));
}

/** `perStore` pending Sales for each merchant, inserted directly (as fixture.insertBacklog), interleaved by store. */
export async function insertBacklogs(db: Db, merchantIds: string[], perStore: number): Promise<number> {
  const rows: Array<{ merchantId: string; n: number }> = [];
  for (let n = 1; n <= perStore; n++) for (const merchantId of merchantIds) rows.push({ merchantId, n });
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500).map(({ merchantId, n }) => {
      const id = randomUUID();
      return sql`(${id}::uuid, ${merchantId}, 'sale', ${`${merchantId}-${String(n).padStart(7, "0")}`}, ${`Sale ${n}`}, ${saleXml(id, merchantId, n)}, ${`sale:bench-${id}`})`;
    });
    await db.execute(sql`insert into transmissions (id, merchant_id, type, order_id, description, payload, idempotency_key) values ${sql.join(chunk, sql`, `)}`);
  }
  return rows.length;
}

export function loadAvg(): string {
  return fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

/** CPU time used by the whole machine so far (every process, every core), in ms, from /proc/stat (USER_HZ 100). */
export function machineCpuMs(): number {
  const [, ...fields] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields.map(Number);
  return (user + nice + system + irq + softirq + steal) * 10;
}

/**
 * CPU time (ms) of PostgreSQL's processes (those named postgres) by process id, from /proc (empty where
 * there is none). `postgresCpuSince` sums what each used since an earlier reading (a process that ended
 * in between is not counted).
 */
export function postgresCpu(): Map<string, number> {
  const tick = 10; // USER_HZ is 100 on Linux
  const byPid = new Map<string, number>();
  let pids: string[] = [];
  try {
    pids = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return byPid;
  }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      if (!stat.slice(stat.indexOf("(") + 1, close).startsWith("postgres")) continue;
      const fields = stat.slice(close + 2).split(" ");
      // utime and stime are fields 14 and 15 of stat; fields here start at field 3.
      byPid.set(pid, (Number(fields[11]) + Number(fields[12])) * tick);
    } catch {
      // The process ended while we read.
    }
  }
  return byPid;
}

export function postgresCpuSince(before: Map<string, number>): number {
  let total = 0;
  for (const [pid, ms] of postgresCpu()) total += ms - (before.get(pid) ?? 0);
  return total;
}

export interface Sample {
  at: number;
  delivered: number;
}

/**
 * Samples the simulator's delivered counter about every second until `stop()` says so. Returns the samples
 * (time since `t0` in ms).
 */
export async function sampleDelivered(client: SimClient, t0: number, stop: (s: Sample) => boolean | Promise<boolean>): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (;;) {
    const s = { at: Date.now() - t0, delivered: (await client.stats()).delivered };
    samples.push(s);
    if (await stop(s)) return samples;
    await sleep(1000 - ((Date.now() - t0) % 1000));
  }
}

/** Deliveries a minute between the samples closest to `fromMs` and `toMs`. */
export function rateBetween(samples: Sample[], fromMs: number, toMs: number): { perMinute: number; from: Sample; to: Sample } {
  const after = (ms: number) => samples.find((s) => s.at >= ms) ?? samples.at(-1)!;
  const from = after(fromMs);
  let to = after(toMs);
  if (to.at <= from.at) to = samples.at(-1)!;
  const perMinute = to.at > from.at ? ((to.delivered - from.delivered) / (to.at - from.at)) * 60_000 : NaN;
  return { perMinute, from, to };
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; NaN elsewhere). */
export function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/**
 * The worker's claim and recording statements side by side: its defaults (1 and 1) unless
 * BENCH_CLAIM_LANES or BENCH_RECORDINGS say otherwise (figures before 2026-12-01, 21:30 UTC used 2 and
 * 2), and the pool it needs for them, as `npm run worker` sizes it.
 */
export function benchWorkerStatements(): { claimLanes: number; recordings: number; pool: number; changed: string[] } {
  // As the worker reads them: a whole number of at least 1, or the default.
  const claimLanes = atLeastOne(Number(process.env.BENCH_CLAIM_LANES || Number.NaN), CLAIM_LANES);
  const recordings = atLeastOne(Number(process.env.BENCH_RECORDINGS || Number.NaN), RECORDINGS);
  const changed = [
    ...(claimLanes !== CLAIM_LANES ? [`claimLanes ${claimLanes}`] : []),
    ...(recordings !== RECORDINGS ? [`recordings ${recordings}`] : []),
  ];
  return { claimLanes, recordings, pool: workerPoolSize(claimLanes, recordings), changed };
}
