import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { TEST_ENCRYPTION_KEY } from "@/tools/testing/ontraport";

// Worker processes (scripts/worker.ts) started and tracked for the PostgreSQL-only tests and for the
// crash benchmark. No vitest here: the benchmark runs outside it.
// `node --import tsx` keeps the worker in the spawned process itself, so SIGKILL hits the worker.

const ROOT = process.cwd();

/** The command that starts a worker process, for tests that start one themselves. */
export const WORKER_COMMAND = { execPath: process.execPath, args: ["--import", "tsx", path.join(ROOT, "scripts/worker.ts")], cwd: ROOT };

/**
 * Starts one worker on `databaseUrl`, sending to `endpoint`, with the real timeout (15 s) and a lease
 * above it (a killed worker's rows wait 20 s); `extra` overrides. Its stdout is a pipe (it prints
 * "started" once it claims); its stderr is the caller's unless `quiet`.
 */
export function spawnWorker(databaseUrl: string, endpoint: string, extra: Record<string, string> = {}, quiet = false): ChildProcess {
  return spawn(WORKER_COMMAND.execPath, WORKER_COMMAND.args, {
    cwd: WORKER_COMMAND.cwd,
    stdio: ["ignore", "pipe", quiet ? "ignore" : "inherit"],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      CARTLINK_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY.toString("hex"),
      ONTRAPORT_ENDPOINT: endpoint,
      CARTLINK_WORKER_TIMEOUT_MS: "15000",
      CARTLINK_WORKER_LEASE_MS: "20000",
      ...extra,
    },
  });
}

/**
 * Worker processes started on demand by `spawnOne`. `children` holds those running (pass a set to
 * share it with other pools); `started` those that are up (claiming and sending), the ones worth
 * killing. `kill` SIGKILLs one and waits until it is gone; `topUp` starts workers until `n` run.
 */
export function workerPool(spawnOne: () => ChildProcess, children = new Set<ChildProcess>()) {
  const started = new Set<ChildProcess>();
  const start = () => {
    const c = spawnOne();
    children.add(c);
    c.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("started")) started.add(c);
    });
    c.on("exit", () => {
      children.delete(c);
      started.delete(c);
    });
    return c;
  };
  const kill = async (victim: ChildProcess) => {
    // A worker that already exited (it crashed by itself) has nothing left to wait for.
    if (victim.exitCode !== null || victim.signalCode !== null) return;
    const exited = new Promise((r) => victim.once("exit", r));
    victim.kill("SIGKILL");
    await exited;
  };
  const topUp = (n: number) => {
    while (children.size < n) start();
  };
  return { children, started, start, kill, topUp };
}
