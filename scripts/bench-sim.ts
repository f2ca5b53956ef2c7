/**
 * `npm run bench:sim`: start-up time and throughput of the ONTRAPORT simulator, on loopback only.
 *
 *   npm run bench:sim -- [--count 20000] [--concurrency 16] [--max-seconds 30] [--strict]
 *
 * 1. Start-up: spawns `tsx scripts/sim.ts --port 0` (as `npm run sim` does) and times until it
 *    prints its URL; also times `startSimulator()` in-process.
 * 2. Throughput: posts `--count` valid sale notifications (the contract's sample, a fresh
 *    X-Transmission-Id each) over `--concurrency` keep-alive connections to a simulator in its own
 *    process (`node --import tsx scripts/sim.ts`, one process so its CPU time can be read from
 *    /proc), stopping early after `--max-seconds`, and checks every answer was Success. Also
 *    prints the simulator's CPU time per notification, a figure that other load on the machine
 *    disturbs less than the wall-clock rate.
 * Targets: start-up < 1 s, >= 2,000 notifications/s. `--strict` exits 1 when one is missed.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { connect, type Socket } from "node:net";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SAMPLE_SALE } from "../tools/ontraport-sim/samples";
import type { SimStats } from "../tools/ontraport-sim/types";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const TSX = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));
const KEY = "bench-key";
const STARTUP_TARGET_MS = 1000;
const RATE_TARGET = 2000;

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "16" },
    "max-seconds": { type: "string", default: "30" },
    strict: { type: "boolean", default: false },
  },
});
const COUNT = Math.max(1, Number(values.count));
const CONCURRENCY = Math.max(1, Number(values.concurrency));
const MAX_MS = Math.max(1, Number(values["max-seconds"])) * 1000;

interface Child {
  url: string;
  startupMs: number;
  pid: number | undefined;
  stop: () => Promise<void>;
}

/** CPU seconds (user + system) a process has used, from /proc; null where there is no /proc. */
function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): utime and stime are fields 14 and 15
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

function spawnSimulator(direct: boolean): Promise<Child> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const args = ["scripts/sim.ts", "--host", "127.0.0.1", "--port", "0", "--rate-limit", "1000000000", "--key", KEY];
    const child = direct
      ? spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] })
      : spawn(TSX, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("simulator did not print its URL within 10 s"));
    }, 10_000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+?)\/?\s/.exec(out);
      if (m?.[1] === undefined) return;
      clearTimeout(timer);
      const startupMs = performance.now() - t0;
      resolve({
        url: m[1],
        startupMs,
        pid: child.pid,
        stop: () =>
          new Promise<void>((done) => {
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited early with code ${String(code)}`));
    });
  });
}

/**
 * A minimal HTTP/1.1 keep-alive client on a raw socket: one request at a time per connection, as
 * a sender with a keep-alive agent does, but cheap enough that the benchmark measures the
 * simulator rather than node:http's client (both share this machine's two cores).
 */
class RawConnection {
  private readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: { resolve: (r: { status: number; text: string }) => void; reject: (e: Error) => void } | null = null;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (e) => this.fail(e));
    socket.on("close", () => this.fail(new Error("connection closed")));
  }

  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => resolve(new RawConnection(socket)));
      socket.once("error", reject);
    });
  }

  post(head: string, body: Buffer): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(Buffer.concat([Buffer.from(head, "latin1"), body]));
    });
  }

  close(): void {
    this.pending = null;
    this.socket.destroy();
  }

  private fail(e: Error): void {
    const p = this.pending;
    this.pending = null;
    p?.reject(e);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const headEnd = this.buffer.indexOf("\r\n\r\n");
    if (headEnd < 0) return;
    const head = this.buffer.subarray(0, headEnd).toString("latin1");
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? "0");
    if (this.buffer.length < headEnd + 4 + length) return;
    const text = this.buffer.subarray(headEnd + 4, headEnd + 4 + length).toString("utf8");
    this.buffer = this.buffer.subarray(headEnd + 4 + length);
    const status = Number(head.slice(9, 12));
    const p = this.pending;
    this.pending = null;
    p?.resolve({ status, text });
  }
}

function requestHead(url: string, length: number, transmissionId: string): string {
  const { host } = new URL(url);
  return (
    `POST / HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n` +
    "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n" +
    `Content-Length: ${length}\r\nUser-Agent: cartlink/bench\r\nX-Transmission-Id: ${transmissionId}\r\n\r\n`
  );
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  return (await res.json()) as T;
}

async function inProcessStartup(): Promise<{ importMs: number; listenMs: number }> {
  const t0 = performance.now();
  const { startSimulator } = await import("../tools/ontraport-sim/server");
  const t1 = performance.now();
  const sim = await startSimulator({ port: 0 });
  const t2 = performance.now();
  await sim.close();
  return { importMs: t1 - t0, listenMs: t2 - t1 };
}

async function main(): Promise<void> {
  const inProc = await inProcessStartup();
  const viaTsx = await spawnSimulator(false);
  await viaTsx.stop();
  const sim = await spawnSimulator(true);
  const connections = await Promise.all(Array.from({ length: CONCURRENCY }, () => RawConnection.open(sim.url)));
  const body = Buffer.from(new URLSearchParams({ key: KEY, reqType: "sale", data: SAMPLE_SALE }).toString());
  let failures = 0;
  let firstFailure = "";
  try {
    // Warm-up (JIT, connections), not measured.
    await Promise.all(
      connections.map(async (c) => {
        for (let i = 0; i < Math.ceil(Math.min(1000, COUNT) / CONCURRENCY); i++) {
          await c.post(requestHead(sim.url, body.length, randomUUID()), body);
        }
      }),
    );
    await fetch(`${sim.url}/__sim/reset`, { method: "POST" });

    let sent = 0;
    const cpu0 = cpuSeconds(sim.pid);
    const t0 = performance.now();
    const deadline = t0 + MAX_MS;
    const worker = async (c: RawConnection): Promise<void> => {
      while (sent < COUNT && performance.now() < deadline) {
        sent++;
        const r = await c.post(requestHead(sim.url, body.length, randomUUID()), body);
        if (r.status !== 200 || !r.text.startsWith("<result><status>Success</status>")) {
          failures++;
          if (firstFailure === "") firstFailure = `${r.status} ${r.text.slice(0, 200)}`;
        }
      }
    };
    await Promise.all(connections.map(worker));
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = cpuSeconds(sim.pid);
    const cpuPerNotificationUs = cpu0 !== null && cpu1 !== null ? ((cpu1 - cpu0) * 1e6) / sent : null;
    const stats = await getJson<SimStats>(`${sim.url}/__sim/stats`);
    const rate = sent / seconds;

    const ok = (b: boolean): string => (b ? "ok" : "BELOW TARGET");
    const lines = [
      "ontraport-sim benchmark (loopback)",
      `start-up, process (tsx scripts/sim.ts until its URL line): ${viaTsx.startupMs.toFixed(0)} ms (target < ${STARTUP_TARGET_MS} ms) ${ok(viaTsx.startupMs < STARTUP_TARGET_MS)}`,
      `start-up, process (node --import tsx scripts/sim.ts): ${sim.startupMs.toFixed(0)} ms`,
      `start-up, in-process: import ${inProc.importMs.toFixed(0)} ms + startSimulator() until listening ${inProc.listenMs.toFixed(1)} ms`,
      `notifications: ${sent} valid sales in ${seconds.toFixed(2)} s over ${CONCURRENCY} keep-alive connections`,
      `throughput: ${Math.round(rate)} notifications/s (target >= ${RATE_TARGET}/s) ${ok(rate >= RATE_TARGET)}`,
      cpuPerNotificationUs === null
        ? "simulator CPU per notification: unknown (no /proc)"
        : `simulator CPU per notification: ${cpuPerNotificationUs.toFixed(0)} us, i.e. about ${Math.round(1e6 / cpuPerNotificationUs)} notifications/s per core it gets`,
      `simulator counted: received ${stats.received}, delivered ${stats.delivered}, rejected ${stats.rejected}; client saw ${failures} non-Success answers${firstFailure ? ` (first: ${firstFailure})` : ""}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    const missed = viaTsx.startupMs >= STARTUP_TARGET_MS || rate < RATE_TARGET || failures > 0 || stats.delivered !== sent;
    if (values.strict && missed) process.exitCode = 1;
  } finally {
    for (const c of connections) c.close();
    await sim.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:sim failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
