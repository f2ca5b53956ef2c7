import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/lib/db/client";
import { SimClient } from "@/lib/ontraport-sim/client";
import { startSimulator, type RunningSimulator } from "@/lib/ontraport-sim/server";
import { openTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { apiMerchant, placeOrder, TEST_ENCRYPTION_KEY } from "../testing";

// `node --import tsx` keeps the worker in the spawned process itself, so SIGKILL hits the worker.
// Worker processes killed with SIGKILL at random moments, and three workers side by side: PostgreSQL
// only (the embedded database is one process by design, which the last test checks).

const ROOT = process.cwd();

// A worker records each answer as soon as it arrives (group commit), so a SIGKILL can only re-send,
// with the same X-Transmission-Id, the requests that were still waiting for ONTRAPORT's answer or for
// their commit. ONTRAPORT offers no way to ask whether it got a request, so those must go again: the
// duplicates per kill are bounded by the sends a worker has in flight (loops x batch; 1 by default).

function spawnWorker(databaseUrl: string, endpoint: string, extra: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/worker.ts")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      CARTLINK_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY.toString("hex"),
      ONTRAPORT_ENDPOINT: endpoint,
      // A timeout on this busy 2-core machine would be a legitimate retry (a duplicate the test would blame on kills).
      CARTLINK_WORKER_TIMEOUT_MS: "5000",
      CARTLINK_WORKER_LEASE_MS: "6000",
      ...extra,
    },
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function deliveredSales(t: TestDatabase, merchant: string): Promise<number> {
  const [r] = rowsOf<{ n: number }>(await t.db.execute(sql`select count(distinct order_id)::int as n from transmissions where merchant_id = ${merchant} and type = 'sale' and status = 'delivered'`));
  return Number(r?.n ?? 0);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(200);
  }
}

const postgres = process.env.TEST_DATABASE_URL ? ["postgres" as const] : [];

describe.each(postgres)("worker processes on %s", (kind) => {
  let t: TestDatabase;
  let sim: RunningSimulator;
  let client: SimClient;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    sim = await startSimulator({ port: 0, keys: ["crash-key"], maxNotifications: 100_000 });
    client = new SimClient(sim.url);
  });
  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    await sim.close();
    await t.close();
  });

  /**
   * 1,000 paid orders while two workers run and one of them is SIGKILLed at a random moment, 15 times
   * (a new worker replaces each). Returns the kills and what the simulator saw.
   */
  async function crashRun(merchant: string, tuning: Record<string, string>) {
    await client.reset({ all: true });
    await client.setKey("crash-key", "valid");
    await client.setConfig({ rateLimit: 1_000_000 });
    await apiMerchant(t.db, merchant, { key: "crash-key", rateLimitPerMinute: 1_000_000 });
    const started = new Set<ChildProcess>();
    const start = () => {
      // A timeout on this busy 2-core machine would be a legitimate retry (a duplicate the test would
      // blame on kills): the timeout is generous, and the lease (how long a killed worker's row waits)
      // just above it.
      const c = spawnWorker(t.location, sim.endpoint, { ...tuning, CARTLINK_WORKER_TIMEOUT_MS: "10000", CARTLINK_WORKER_LEASE_MS: "15000" });
      children.add(c);
      // Only a worker that is up (claiming and sending) is worth killing.
      c.stdout!.on("data", (d: Buffer) => {
        if (d.toString().includes("started")) started.add(c);
      });
      c.on("exit", () => {
        children.delete(c);
        started.delete(c);
      });
      return c;
    };
    start();
    start();
    let kills = 0;
    let placing = true;
    const delivered = () => deliveredSales(t, merchant);
    const placed = (async () => {
      for (let i = 0; i < 1000; i++) {
        await placeOrder(t.db, merchant);
        if (i % 50 === 0) await sleep(20);
      }
      placing = false;
    })();
    const killer = (async () => {
      while (placing || (await delivered()) < 1000) {
        await sleep(200 + Math.random() * 1500);
        const victims = [...started];
        const victim = victims[Math.floor(Math.random() * victims.length)];
        if (victim && kills < 15) {
          victim.kill("SIGKILL");
          kills += 1;
        }
        while (children.size < 2) start();
        if (!placing && kills >= 15) break;
      }
    })();
    await placed;
    await killer;
    await waitFor(async () => (await delivered()) === 1000, 150_000);
    for (const c of children) c.kill("SIGTERM");
    await waitFor(async () => children.size === 0, 20_000);
    const stats = await client.stats();
    const [lost] = rowsOf<{ n: number }>(
      await t.db.execute(sql`select count(*)::int as n from orders o where o.merchant_id = ${merchant} and not exists (select 1 from transmissions s where s.order_id = o.id and s.type = 'sale' and s.status = 'delivered')`),
    );
    const setting = Object.keys(tuning).length ? Object.entries(tuning).map(([k, v]) => `${k}=${v}`).join(" ") : "defaults";
    console.log(`crash test (${setting}): ${kills} kills, ${stats.delivered} delivered at the simulator, ${stats.duplicates} duplicates (${(stats.duplicates / Math.max(1, kills)).toFixed(2)} per kill)`);
    expect(Number(lost!.n)).toBe(0);
    expect(await delivered()).toBe(1000);
    expect(stats.delivered - stats.duplicates).toBe(1000);
    return { kills, duplicates: stats.duplicates };
  }

  it("loses nothing and sends no more duplicates than kills: default workers killed at random moments during 1,000 paid orders", { timeout: 300_000 }, async () => {
    // The default worker has one request in flight: a kill can leave at most one request that
    // ONTRAPORT received but the worker had not yet recorded.
    const { kills, duplicates } = await crashRun("CRASH", {});
    expect(duplicates).toBeLessThanOrEqual(kills);
  });

  it("loses nothing with 4 loops x batches of 10, re-sending at most what was in flight", { timeout: 300_000 }, async () => {
    const { kills, duplicates } = await crashRun("CRASH40", { CARTLINK_WORKER_LOOPS: "4", CARTLINK_WORKER_BATCH: "10" });
    // Only requests still waiting for their answer or its commit are sent again: at most what a
    // worker has in flight (loops x batch) per kill.
    expect(duplicates).toBeLessThanOrEqual(kills * 4 * 10);
  });

  it("three workers deliver every transmission once and stay under the shared rate limit", { timeout: 120_000 }, async () => {
    await client.reset({ all: true });
    await client.setKey("scale-key", "valid");
    await client.setConfig({ rateLimit: 600 });
    await apiMerchant(t.db, "SCALE", { key: "scale-key", rateLimitPerMinute: 600 });
    for (let i = 0; i < 3; i++) {
      const c = spawnWorker(t.location, sim.endpoint);
      children.add(c);
      c.stdout!.resume();
      c.on("exit", () => children.delete(c));
    }
    for (let i = 0; i < 150; i++) await placeOrder(t.db, "SCALE");
    const done = async () => {
      const [r] = rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from transmissions where merchant_id = 'SCALE' and status = 'delivered'`));
      return Number(r?.n) === 150;
    };
    await waitFor(done, 90_000);
    for (const c of children) c.kill("SIGTERM");
    const stats = await client.stats();
    const [claims] = rowsOf<{ rows: number; attempts: number }>(
      await t.db.execute(sql`select count(distinct t.id)::int as rows, count(a.id)::int as attempts
        from transmissions t join transmission_attempts a on a.transmission_id = t.id where t.merchant_id = 'SCALE'`),
    );
    console.log(`scale-out: ${stats.delivered} delivered, ${stats.rateLimited} rate limited, ${stats.duplicates} duplicates`);
    expect(await done()).toBe(true);
    expect(stats).toMatchObject({ delivered: 150, duplicates: 0, rateLimited: 0 });
    expect(Number(claims!.attempts)).toBe(150);
  });
});

describe("the embedded database", () => {
  it("refuses a second process, so it never runs two workers on one data folder", { timeout: 120_000 }, async () => {
    const t = await openTestDatabase("pglite");
    try {
      const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/worker.ts")], {
        cwd: ROOT,
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, DATABASE_URL: "", DATA_DIR: t.location, CARTLINK_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY.toString("hex") },
      });
      let err = "";
      child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((r) => child.on("exit", r));
      expect(code).toBe(1);
      expect(err).toMatch(/already open in process/);
    } finally {
      await t.close();
    }
  });
});
