import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import { openDatabase, rowsOf, type Database } from "@/lib/db/client";
import { ontraportConfigs, orders, transmissions } from "@/lib/db/schema";
import { DEMO_LOGINS, seedDemo } from "@/lib/demo/seed";
import { SimClient } from "@/tools/ontraport-sim/client";
import { startSimulator, type RunningSimulator } from "@/tools/ontraport-sim/server";
import { placeOrder } from "@/lib/orders/checkout";
import { DEMO_ONTRAPORT_KEY, ensureDemoOntraport } from "@/lib/runtime/demo-setup";
import { TEST_CARDS } from "@/lib/store/payments";
import { openTestDatabase, type TestDatabase } from "@/tools/testing/db";
import type { Benchmark, BenchContext, BenchResult, Metric } from "./types";
import { percentile, sleep } from "./outbox/fixture";

export interface LoadOptions {
  seconds: number;
  users: number;
  checkoutsPerSecond: number;
  /** Demo orders seeded before the run (the orders list and Review Order read them). */
  orderCount: number;
  /** `embedded`: the worker runs inside `next start`; `standalone`: a separate `npm run worker`. */
  worker: "embedded" | "standalone";
  port: number;
  simPort: number;
}

export const DEFAULT_LOAD: LoadOptions = { seconds: 60, users: 50, checkoutsPerSecond: 20, orderCount: 2000, worker: "embedded", port: 3900, simPort: 4900 };

const ROOT = process.cwd();
const ADMIN = DEMO_LOGINS[0];

/** Latencies and failures of one route (or of the checkout). */
class RouteStats {
  readonly ms: number[] = [];
  errors = 0;
  readonly statuses = new Map<string, number>();
  record(ms: number, ok: boolean, status: string): void {
    this.ms.push(ms);
    if (!ok) {
      this.errors++;
      this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    }
  }
}

/** Peak resident memory of a process and its descendants (Next may run the server in a child). */
function peakRssKb(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone */
    }
  }
  let peak = 0;
  const walk = (pid: number) => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      peak = Math.max(peak, Number(m?.[1] ?? 0));
    } catch {
      /* gone */
    }
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(rootPid);
  return peak;
}

async function waitFor(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error("the web server exited while starting (is the app built? run `npx next build`)");
    try {
      const res = await fetch(url, { redirect: "manual" });
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/** A dashboard user: one cookie jar, signed in once through the credentials flow. */
class VirtualUser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  private take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async signIn(email: string, password: string): Promise<void> {
    const csrfRes = await fetch(`${this.base}/api/auth/csrf`);
    this.take(csrfRes);
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    const res = await fetch(`${this.base}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: this.cookieHeader() },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${this.base}/orders` }),
    });
    await res.arrayBuffer();
    this.take(res);
    if (![...this.cookies.keys()].some((k) => k.includes("session-token"))) throw new Error(`sign-in failed for ${email} (status ${res.status}, location ${res.headers.get("location")})`);
  }

  async get(pathname: string): Promise<{ status: number }> {
    const res = await fetch(`${this.base}${pathname}`, { redirect: "manual", headers: { cookie: this.cookieHeader() } });
    await res.arrayBuffer();
    return { status: res.status };
  }
}

/**
 * The whole product under load on PostgreSQL: `next start` (from the existing build) on a fresh seeded
 * database, the simulator in this process, the delivery worker embedded or standalone; signed-in
 * dashboard users and StoreFront checkouts at a fixed rate, for a bounded time. Cleans up always.
 */
export async function runLoad(ctx: BenchContext, opts: LoadOptions): Promise<BenchResult> {
  if (!fs.existsSync(path.join(ROOT, ".next", "BUILD_ID"))) throw new Error("no build found: run `npx next build` first");
  const children: ChildProcess[] = [];
  let t: TestDatabase | undefined;
  let sim: RunningSimulator | undefined;
  let shop: Database | undefined;
  const cleanup = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const force = setTimeout(() => c.kill("SIGKILL"), 10_000);
            c.once("exit", () => {
              clearTimeout(force);
              resolve();
            });
            c.kill("SIGTERM");
          }),
      ),
    );
    await sim?.close().catch(() => {});
    await shop?.close().catch(() => {});
    await t?.close().catch((e: unknown) => ctx.log(`could not drop the bench database: ${String(e)}`));
  };
  // Ctrl+C still stops the server and drops the database.
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    process.env.TEST_DATABASE_URL = ctx.postgresUrl;
    t = await openTestDatabase("postgres");
    ctx.log(`seeding ${opts.orderCount} demo orders ...`);
    await seedDemo(t.db, { orderCount: opts.orderCount });
    sim = await startSimulator({ port: opts.simPort, keys: [DEMO_ONTRAPORT_KEY], rateLimit: 1_000_000, maxNotifications: 200_000 });
    const secrets = { AUTH_SECRET: randomBytes(32).toString("base64"), CARTLINK_ENCRYPTION_KEY: randomBytes(32).toString("hex") };
    await ensureDemoOntraport(t.db, { ...process.env, ...secrets });
    // The account's request budget must not be what limits the benchmark.
    await t.db.update(ontraportConfigs).set({ rateLimitPerMinute: 1_000_000 }).where(eq(ontraportConfigs.merchantId, "DEMO"));

    const base = `http://127.0.0.1:${opts.port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...secrets,
      NODE_ENV: "production",
      DATABASE_URL: t.location,
      AUTH_TRUST_HOST: "true",
      CARTLINK_ALLOW_LOCAL_ONTRAPORT: "true",
      ONTRAPORT_ENDPOINT: `${sim.url}/`,
      CARTLINK_PUBLIC_URL: base,
      CARTLINK_EMBEDDED_WORKER: opts.worker === "embedded" ? "true" : "false",
    };
    const quietIo: ["ignore", "ignore", "pipe"] = ["ignore", "ignore", "pipe"];
    const stderrTail: string[] = [];
    const keepTail = (c: ChildProcess) => c.stderr?.on("data", (d: Buffer) => stderrTail.push(...d.toString().split("\n").filter(Boolean).slice(-5)) && stderrTail.splice(0, Math.max(0, stderrTail.length - 20)));
    const web = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(opts.port), "-H", "127.0.0.1"], { stdio: quietIo, env });
    children.push(web);
    keepTail(web);
    let worker: ChildProcess | undefined;
    if (opts.worker === "standalone") {
      worker = spawn(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "scripts/worker.ts")], { stdio: quietIo, env });
      children.push(worker);
      keepTail(worker);
    }
    await waitFor(`${base}/login`, 60_000, () => web.exitCode === null);

    ctx.log(`signing in ${opts.users} dashboard users ...`);
    const users = Array.from({ length: opts.users }, () => new VirtualUser(base));
    for (const u of users) await u.signIn(ADMIN.email, ADMIN.password);
    const orderIds = (await t.db.select({ id: orders.id }).from(orders).where(eq(orders.merchantId, "DEMO")).limit(500)).map((r) => r.id);
    const routes: Array<{ name: string; path: () => string }> = [
      { name: "GET /orders", path: () => "/orders" },
      { name: "GET /orders/<id>", path: () => `/orders/${orderIds[Math.floor(Math.random() * orderIds.length)]}` },
      { name: "GET …/ontraport/log", path: () => "/configuration/external-integrations/ontraport/log" },
      { name: "GET /api/ontraport/log", path: () => "/api/ontraport/log" },
    ];
    // One untimed pass so first-request work (route modules loading) is not in the numbers.
    for (const r of routes) await users[0]!.get(r.path());
    const stats = new Map<string, RouteStats>([...routes.map((r) => [r.name, new RouteStats()] as const), ["checkout (placeOrder)", new RouteStats()]]);

    ctx.log(`driving for ${opts.seconds} s: ${opts.users} users, ${opts.checkoutsPerSecond} checkouts/s ...`);
    const started = Date.now();
    const endAt = started + opts.seconds * 1000;
    const userLoops = users.map(async (u, i) => {
      for (let n = i; Date.now() < endAt; n++) {
        const r = routes[n % routes.length]!;
        const t0 = performance.now();
        try {
          const { status } = await u.get(r.path());
          stats.get(r.name)!.record(performance.now() - t0, status === 200, String(status));
        } catch (e) {
          stats.get(r.name)!.record(performance.now() - t0, false, e instanceof Error ? e.message : "error");
        }
      }
    });
    // Checkouts at a fixed rate (open loop): each is the StoreFront's own placeOrder on the same database.
    const placed: string[] = [];
    const checkoutStats = stats.get("checkout (placeOrder)")!;
    const inFlight: Promise<void>[] = [];
    // The StoreFront's own pool, sized like a web process's, so checkouts do not queue behind the bench's reads.
    shop = await openDatabase({ databaseUrl: t.location, max: 10 });
    const shopDb = shop.db;
    const db = t.db;
    const loadAtStart = fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    for (let k = 0; ; k++) {
      const due = started + (k * 1000) / opts.checkoutsPerSecond;
      if (due >= endAt) break;
      if (due > Date.now()) await sleep(due - Date.now());
      const t0 = performance.now();
      inFlight.push(
        placeOrder(shopDb, {
          merchantId: "DEMO",
          themeCode: "DEFAULT",
          cart: [{ itemId: "SHIRT-RED", quantity: 1 + (k % 3) }],
          billing: { firstName: "Load", lastName: `Shopper ${k}`, email: `load${k}@example.com`, address1: "1 Main St", city: "Springfield", stateRegion: "IL", postalCode: "62701", countryCode: "US", dayPhone: "555-0100" },
          choice: "card",
          cardNumber: TEST_CARDS.approved,
          checkoutKey: randomUUID(),
        }).then(
          (r) => {
            placed.push(r.order.id);
            checkoutStats.record(performance.now() - t0, true, "ok");
          },
          (e: unknown) => checkoutStats.record(performance.now() - t0, false, e instanceof Error ? e.message : "error"),
        ),
      );
    }
    await Promise.all([...userLoops, ...inFlight]);
    const elapsed = (Date.now() - started) / 1000;

    // Let the worker finish: everything paid during the run must reach the simulator.
    const client = new SimClient(sim.url);
    const countDelivered = async () => {
      let n = 0;
      for (let i = 0; i < placed.length; i += 1000) {
        const chunk = placed.slice(i, i + 1000);
        const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(transmissions).where(and(eq(transmissions.type, "sale"), eq(transmissions.status, "delivered"), inArray(transmissions.orderId, chunk)));
        n += Number(r?.n ?? 0);
      }
      return n;
    };
    const drainStart = Date.now();
    let delivered = await countDelivered();
    while (delivered < placed.length && Date.now() - drainStart < 30_000) {
      await sleep(500);
      delivered = await countDelivered();
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const simStats = await client.stats();
    const [backlog] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from transmissions where status in ('pending', 'sending')`));

    const webPeak = peakRssKb(web.pid!);
    const workerPeak = worker?.pid ? peakRssKb(worker.pid) : undefined;

    const metrics: Metric[] = [];
    let dashboardRequests = 0;
    let dashboardErrors = 0;
    const table: string[] = [`  ${"route".padEnd(24)} ${"requests".padStart(9)} ${"req/s".padStart(7)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"errors".padStart(7)}`];
    for (const [name, s] of stats) {
      const sorted = [...s.ms].sort((a, b) => a - b);
      if (!name.startsWith("checkout")) {
        dashboardRequests += s.ms.length;
        dashboardErrors += s.errors;
      }
      table.push(`  ${name.padEnd(24)} ${String(s.ms.length).padStart(9)} ${(s.ms.length / elapsed).toFixed(1).padStart(7)} ${percentile(sorted, 50).toFixed(0).padStart(8)} ${percentile(sorted, 99).toFixed(0).padStart(8)} ${String(s.errors).padStart(7)}`);
      for (const [status, n] of s.statuses) table.push(`      ${n} × ${status.slice(0, 120)}`);
    }
    metrics.push(
      { label: "duration", value: elapsed.toFixed(1), unit: `s (${opts.seconds} s of new requests, then the ones in flight finish)` },
      { label: "dashboard requests", value: dashboardRequests },
      { label: "dashboard throughput", value: (dashboardRequests / elapsed).toFixed(1), unit: "req/s" },
      { label: "dashboard errors", value: dashboardErrors, target: "0" },
      { label: "checkouts placed", value: placed.length, unit: `(${(placed.length / elapsed).toFixed(1)}/s)` },
      { label: "checkout errors", value: checkoutStats.errors, target: "0" },
      { label: "Sales delivered", value: `${delivered} of ${placed.length}`, target: "all" },
      { label: "drain after the run", value: drainSeconds.toFixed(1), unit: "s" },
      { label: "simulator received", value: simStats.delivered, unit: "delivered notifications" },
      { label: "still queued", value: Number(backlog?.n ?? 0) },
      { label: opts.worker === "embedded" ? "web + worker peak RSS" : "web peak RSS", value: (webPeak / 1024).toFixed(0), unit: "MiB (VmHWM)" },
    );
    if (workerPeak !== undefined) metrics.push({ label: "worker peak RSS", value: (workerPeak / 1024).toFixed(0), unit: "MiB (VmHWM)" });
    const notes = [
      `per route:\n${table.join("\n")}`,
      `${opts.users} users signed in as ${ADMIN.email} (next-auth credentials flow), each looping the four routes; checkouts call the StoreFront's placeOrder (lib/orders/checkout.ts) on the same database at ${opts.checkoutsPerSecond}/s (the HTTP server action is not driven)`,
      `worker: ${opts.worker === "embedded" ? "embedded in next start" : "standalone npm run worker"}; ${opts.orderCount} seeded orders; load average at the start ${loadAtStart}, at the end ${fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`,
    ];
    if (stderrTail.length && (dashboardErrors || checkoutStats.errors || delivered < placed.length)) notes.push(`server stderr (tail):\n${stderrTail.join("\n")}`);
    return { metrics, notes };
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    await cleanup();
  }
}

export const loadBenchmark: Benchmark = {
  name: "load",
  description: "The app under load on PostgreSQL: signed-in dashboard users + StoreFront checkouts, worker delivering to the simulator (needs `npx next build`)",
  explicit: true,
  async run(ctx) {
    const a = ctx.args ?? {};
    const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
    const opts: LoadOptions = {
      seconds: num(a.seconds, ctx.quick ? 15 : DEFAULT_LOAD.seconds),
      users: num(a.users, DEFAULT_LOAD.users),
      checkoutsPerSecond: num(a.rate, DEFAULT_LOAD.checkoutsPerSecond),
      orderCount: num(a.orders, DEFAULT_LOAD.orderCount),
      worker: a.worker === "standalone" ? "standalone" : "embedded",
      port: num(a.port, DEFAULT_LOAD.port),
      simPort: num(a["sim-port"], DEFAULT_LOAD.simPort),
    };
    for (const [k, v] of Object.entries(opts)) if (typeof v === "number" && !(v > 0 && Number.isFinite(v))) throw new Error(`--${k}: expected a positive number`);
    return runLoad(ctx, opts);
  },
};
