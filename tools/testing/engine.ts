import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { transmissionAttempts, transmissions } from "@/lib/db/schema";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { allowLocalOrigin } from "@/lib/net/egress";
import { OutboxWorker, type WorkerOptions } from "@/lib/ontraport/engine/worker";
import { SimClient } from "@/tools/ontraport-sim/client";
import { startSimulator, type RunningSimulator } from "@/tools/ontraport-sim/server";
import { openTestDatabase, type BackendKind, type TestDatabase } from "./db";
import { apiMerchant, FakeOntraport, resolveTestKey } from "./ontraport";

// The delivery engine's test set-ups, written once (vitest hooks: import only from tests; the
// benchmarks use ./ontraport.ts, which has none).

/** Every table the engine's tests write, emptied before each test. */
export const ENGINE_TABLES = sql`truncate audit_log, transmission_attempts, transmissions, domain_events, ontraport_rate_windows, ontraport_object_ids, ontraport_order_links, ontraport_configs, order_stage_history, refund_lines, refunds, order_lines, orders, items, merchants cascade`;

export interface EngineHarness {
  t: TestDatabase;
  /** The scripted ONTRAPORT the worker sends to. */
  fake: FakeOntraport;
  /** The worker's clock: moved by `at`, never by sleeping. */
  now: Date;
  worker: OutboxWorker;
  /** Moves the clock on by `ms`. */
  at: (ms: number) => void;
  /** Another worker like `worker` (same database, clock and fake ONTRAPORT), with `options` changed. */
  newWorker: (options?: Partial<WorkerOptions>) => OutboxWorker;
  /** The order's (first) transmission of `type`. */
  transmissionOf: (orderId: string, type?: "sale" | "refund") => Promise<typeof transmissions.$inferSelect>;
  /** A transmission's attempts, in order. */
  attemptsOf: (transmissionId: string) => Promise<Array<typeof transmissionAttempts.$inferSelect>>;
}

/**
 * A database of `kind` for the describe block, and before each test: empty engine tables, a fresh
 * FakeOntraport, the clock at the present, a worker (no LISTEN) on that clock, and merchant M1 on the
 * API method with key "key-one". Read the fields inside tests and hooks (they change before each test).
 */
export function useEngineHarness(kind: BackendKind): EngineHarness {
  const h = {
    at(ms: number) {
      h.now = new Date(h.now.getTime() + ms);
    },
    newWorker(options: Partial<WorkerOptions> = {}) {
      return new OutboxWorker({ db: h.t.db, endpoint: "http://ontraport.test/", clock: () => h.now, resolveKey: resolveTestKey, send: h.fake.send, listen: false, ...options });
    },
    async transmissionOf(orderId: string, type: "sale" | "refund" = "sale") {
      const [row] = await h.t.db.select().from(transmissions).where(and(eq(transmissions.orderId, orderId), eq(transmissions.type, type)));
      return row!;
    },
    async attemptsOf(transmissionId: string) {
      return await h.t.db.select().from(transmissionAttempts).where(eq(transmissionAttempts.transmissionId, transmissionId)).orderBy(transmissionAttempts.attemptNo);
    },
  } as EngineHarness;
  beforeAll(async () => {
    process.env.CARTLINK_ENCRYPTION_KEY ??= randomBytes(32).toString("hex");
    h.t = await openTestDatabase(kind);
  });
  afterAll(() => h.t.close());
  beforeEach(async () => {
    await h.t.db.execute(ENGINE_TABLES);
    h.now = new Date();
    h.fake = new FakeOntraport();
    h.worker = h.newWorker();
    await apiMerchant(h.t.db, "M1", { key: "key-one" });
  });
  return h;
}

export interface SimHarness {
  t: TestDatabase;
  sim: RunningSimulator;
  client: SimClient;
  /** With `worker`: an XML worker sending to the simulator as merchant M1 (key "key-one"), made before each test. */
  worker: OutboxWorker;
  /** How far the worker's clock is ahead of the real one (ms): move it instead of sleeping; 0 before each test. */
  offset: number;
  /** The worker's clock. */
  clock: () => Date;
}

/**
 * A database of `kind` and the bundled ONTRAPORT simulator (on a free port) for the describe block;
 * with `allowOrigin`, deliveries may go to it (lib/net/egress allows only listed local origins). Before
 * each test: empty engine tables, a simulator reset to its start, the clock offset back at 0 and, with
 * `worker`, a fresh worker and merchant M1.
 */
export function useSimHarness(kind: BackendKind, opts: { keys?: string[]; allowOrigin?: boolean; worker?: { timeoutMs: number; leaseMs: number } } = {}): SimHarness {
  const h = { offset: 0, clock: () => new Date(Date.now() + h.offset) } as SimHarness;
  beforeAll(async () => {
    h.t = await openTestDatabase(kind);
    h.sim = await startSimulator(opts.keys ? { port: 0, keys: opts.keys } : { port: 0 });
    h.client = new SimClient(h.sim.url);
    if (opts.allowOrigin) allowLocalOrigin(h.sim.endpoint);
  });
  afterAll(async () => {
    await h.sim.close();
    await h.t.close();
  });
  beforeEach(async () => {
    await h.t.db.execute(ENGINE_TABLES);
    await h.client.reset({ all: true });
    h.offset = 0;
    if (opts.worker) {
      h.worker = new OutboxWorker({ db: h.t.db, endpoint: h.sim.endpoint, clock: h.clock, resolveKey: resolveTestKey, listen: false, ...opts.worker });
      await apiMerchant(h.t.db, "M1", { key: "key-one" });
    }
  });
  return h;
}
