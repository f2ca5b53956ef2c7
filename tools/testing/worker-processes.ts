import type { ChildProcess } from "node:child_process";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect } from "vitest";
import { rowsOf } from "@/lib/db/client";
import { SimClient } from "@/tools/ontraport-sim/client";
import { startSimulator, type RunningSimulator } from "@/tools/ontraport-sim/server";
import type { NotificationRecord } from "@/tools/ontraport-sim/types";
import { openTestDatabase, type TestDatabase } from "@/tools/testing/db";
import { placeOrder } from "@/tools/testing/ontraport";
import { spawnWorker, workerPool as trackWorkers } from "@/tools/testing/worker-spawn";

export { spawnWorker, WORKER_COMMAND } from "@/tools/testing/worker-spawn";

// Worker processes for the PostgreSQL-only tests (crash, REST crash, several workers): each test file
// gets its own database and simulator, so vitest runs the files side by side.

/** The kinds these tests run on: PostgreSQL when TEST_DATABASE_URL is set (the embedded database is one process by design). */
export const workerProcessBackends = process.env.TEST_DATABASE_URL ? ["postgres" as const] : [];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(250);
  }
}

/** Per order id, the distinct X-Transmission-Ids of its Sales the simulator accepted. */
export function acceptedSaleIds(records: NotificationRecord[]): Map<string, Set<string>> {
  const byOrder = new Map<string, Set<string>>();
  for (const n of records) {
    if (n.reqType !== "sale" || n.outcome !== "delivered") continue;
    const orderId = n.parsed?.orderId ?? "(none)";
    let ids = byOrder.get(orderId);
    if (!ids) byOrder.set(orderId, (ids = new Set()));
    ids.add(n.transmissionId ?? "(none)");
  }
  return byOrder;
}

/** Each order is held exactly once at ONTRAPORT (`timesOf`), and, given `held` (how many orders it holds), no other. */
export function expectEachOnce(orderIds: string[], timesOf: (orderId: string) => number | undefined, held?: number): void {
  for (const id of orderIds) expect(timesOf(id), `order ${id}`).toBe(1);
  if (held !== undefined) expect(held).toBe(orderIds.length);
}

/** The most requests any rolling window of `windowMs` holds (by the simulator's receivedAt). */
export function busiestWindow(receivedAt: string[], windowMs: number): number {
  const times = receivedAt.map((s) => Date.parse(s)).sort((a, b) => a - b);
  let most = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/**
 * A database and a simulator for the file's tests (opened before them, closed after them, with any
 * worker process still running killed), and helpers to start, kill and stop worker processes.
 */
export function useWorkerProcesses(kind: "postgres") {
  let t!: TestDatabase;
  let sim!: RunningSimulator;
  let client!: SimClient;
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

  /** Worker processes of this file's database and simulator (see `workerPool`), `env` added to theirs. */
  function workerPool(env: Record<string, string> = {}) {
    return trackWorkers(() => spawnWorker(t.location, sim.endpoint, env), children);
  }

  /** Places `perStore` paid orders in each store, round robin, while the workers run. */
  function placeOrders(stores: string[], perStore: number) {
    const orderIds: string[] = [];
    let busy = true;
    const done = (async () => {
      for (let i = 0; i < perStore; i++) {
        for (const s of stores) orderIds.push(await placeOrder(t.db, s));
        if (i % 10 === 0) await sleep(20);
      }
      busy = false;
    })();
    return { orderIds, done, busy: () => busy };
  }

  /** Once the orders are placed and the killing is over: waits until all `total` Sales are delivered. */
  async function settle(placed: Promise<void>, killer: Promise<void>, deliveredSales: () => Promise<number>, total: number): Promise<void> {
    await placed;
    await killer;
    await waitFor(async () => (await deliveredSales()) === total, 150_000);
  }

  /** Stops every worker process (SIGTERM) and waits until all have exited. */
  async function stopWorkers(): Promise<void> {
    for (const c of children) c.kill("SIGTERM");
    await waitFor(async () => children.size === 0, 20_000);
  }

  /** Orders of the stores matching `pattern` whose Sale is delivered. */
  async function deliveredSalesOf(pattern: string): Promise<number> {
    const [r] = rowsOf<{ n: number }>(await t.db.execute(sql`select count(distinct order_id)::int as n from transmissions where merchant_id like ${pattern} and type = 'sale' and status = 'delivered'`));
    return Number(r?.n ?? 0);
  }

  return {
    get t() {
      return t;
    },
    get sim() {
      return sim;
    },
    get client() {
      return client;
    },
    children,
    workerPool,
    placeOrders,
    settle,
    stopWorkers,
    deliveredSalesOf,
  };
}
