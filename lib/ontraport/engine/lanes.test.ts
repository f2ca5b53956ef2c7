import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { executeHot, rowsOf } from "@/lib/db/client";
import { testBackends } from "@/tools/testing/db";
import { useEngineHarness } from "@/tools/testing/engine";
import { apiMerchant, placeOrder } from "@/tools/testing/ontraport";
import type { DeliveryRequest, DeliveryResponse } from "../xml/deliver";
import { dispatchAll } from "./dispatch";
import { claimStatement, workerPoolSize } from "./worker";

// Claim lanes (`claimLanes`, 1 by default): a worker asked for two runs two claims side by side, each
// over its own share of the stores, so a store freed while one claim runs does not wait for it. The shares never overlap (one request in flight per
// store holds), together they cover every store, and the lanes together never claim more than the
// worker's free places.

const STORES = Array.from({ length: 12 }, (_, i) => `LANE${String(i).padStart(2, "0")}`);

describe.each(testBackends())("claim lanes on %s", (kind) => {
  const h = useEngineHarness(kind);

  async function stores(ordersEach: number) {
    for (const s of STORES) await apiMerchant(h.t.db, s, { key: `key-${s}`, rateLimitPerMinute: 1_000_000 });
    for (let i = 0; i < ordersEach; i++) for (const s of STORES) await placeOrder(h.t.db, s);
    await dispatchAll(h.t.db, { now: h.now });
  }

  it("splits the stores between the lanes: no store in two, every store in one", async () => {
    await stores(1);
    const claimed = async (k: number) =>
      (await executeHot<{ merchant_id: string }>(h.t.db, claimStatement({ now: h.now, want: 100, perStore: 1, leaseMs: 60_000, workerId: `lane-${k}`, lane: { k, n: 2 } }))).map((r) => r.merchant_id);
    const first = await claimed(0);
    const second = await claimed(1);
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    expect(first.filter((m) => second.includes(m))).toEqual([]);
    expect([...first, ...second].sort()).toEqual(STORES);
  });

  it("sends a claim's rows in turn (least recently served store first, each store's first row before any second), and the next claim keeps that turn", async () => {
    await stores(3);
    // Served before, in reverse order of their ids: LANE11 longest ago, LANE00 last.
    for (const [i, s] of STORES.entries())
      await h.t.db.execute(sql`insert into ontraport_rate_windows (merchant_id, tokens, served_seq) values (${s}, 1000, ${STORES.length - i}) on conflict (merchant_id) do update set tokens = excluded.tokens, served_seq = excluded.served_seq`);
    const sent: string[] = [];
    const send = async (r: DeliveryRequest): Promise<DeliveryResponse> => {
      sent.push(r.apiKey);
      return { statusCode: 200, body: "<result><status>Success</status></result>", rateLimitReset: null, durationMs: 1, error: null };
    };
    // Two rows a store in the first claim; the stores it served all at once keep their turn in the next.
    const worker = h.newWorker({ concurrency: 24, perStore: 2, send });
    expect(await worker.cycle()).toBe(24);
    expect(await worker.cycle()).toBe(12);
    const turn = [...STORES].reverse().map((s) => `key-${s}`);
    expect(sent).toEqual([...turn, ...turn, ...turn]);
  });

  // The default (one claim and one recording statement at a time) and two of each side by side.
  it.each([
    { claimLanes: 1, recordings: 1 },
    { claimLanes: 2, recordings: 2 },
  ])("never has more requests in flight than the worker's places, nor two of one store, and keeps each store's order: $claimLanes claim(s), $recordings recording(s)", { timeout: 60_000 }, async ({ claimLanes, recordings }) => {
    await stores(3);
    let open = 0;
    let mostOpen = 0;
    const openPerStore = new Map<string, number>();
    let mostPerStore = 0;
    const sent: DeliveryRequest[] = [];
    const send = async (r: DeliveryRequest): Promise<DeliveryResponse> => {
      open += 1;
      mostOpen = Math.max(mostOpen, open);
      openPerStore.set(r.apiKey, (openPerStore.get(r.apiKey) ?? 0) + 1);
      mostPerStore = Math.max(mostPerStore, openPerStore.get(r.apiKey)!);
      sent.push(r);
      await new Promise((res) => setTimeout(res, 15));
      open -= 1;
      openPerStore.set(r.apiKey, openPerStore.get(r.apiKey)! - 1);
      return { statusCode: 200, body: "<result><status>Success</status></result>", rateLimitReset: null, durationMs: 15, error: null };
    };
    // Three places for twelve stores (in two lanes: each lane alone would fill all three). Real time:
    // "least recently served" is told apart by when each store was served.
    const worker = h.newWorker({ concurrency: 3, claimLanes, recordings, send, pollMs: 50, clock: () => new Date() });
    await worker.start();
    const total = STORES.length * 3;
    const delivered = async () => Number(rowsOf<{ n: number }>(await h.t.db.execute(sql`select count(*)::int as n from transmissions where status = 'delivered'`))[0]!.n);
    for (let i = 0; i < 1000 && (await delivered()) < total; i++) await new Promise((r) => setTimeout(r, 20));
    await worker.stop();
    expect(await delivered()).toBe(total);
    expect(sent).toHaveLength(total);
    expect(mostOpen).toBeLessThanOrEqual(3);
    expect(mostPerStore).toBe(1);
    const bySeq = rowsOf<{ id: string; merchant_id: string }>(await h.t.db.execute(sql`select id, merchant_id from transmissions order by seq`));
    for (const s of STORES)
      expect(
        sent.filter((r) => r.apiKey === `key-${s}`).map((r) => r.transmissionId),
        s,
      ).toEqual(bySeq.filter((r) => r.merchant_id === s).map((r) => r.id));
    // Places are scarce (twelve stores with work, three places): stores take turns strictly, least
    // recently served first (across both halves): each round of twelve sends serves every store once.
    const order = sent.map((r) => r.apiKey);
    for (let round = 0; round < 3; round++) expect(new Set(order.slice(round * 12, round * 12 + 12)).size, `round ${round + 1}: ${order.join(" ")}`).toBe(12);
  });

  it("a started worker refuses cycle() and drain(), which would claim beside its lanes; a pool is sized for the lanes and recordings asked for", async () => {
    const worker = h.newWorker({ claimLanes: 3 });
    await worker.start();
    try {
      await expect(worker.drain()).rejects.toThrow(/not started/);
    } finally {
      await worker.stop();
    }
    // By default one claim and one recording statement at a time, and four for dispatch, heartbeats and
    // the REST protocol's own statements: 6 connections.
    expect(workerPoolSize()).toBe(6);
    expect(workerPoolSize(3)).toBe(workerPoolSize() + 2);
    expect(workerPoolSize(3, 2)).toBe(workerPoolSize() + 3);
  });

  it.each([1, 2])("a Sale of any store (of either half, in two lanes) goes out at once when there is one place, without waiting for the poll: %i claim lane(s)", { timeout: 60_000 }, async (claimLanes) => {
    await stores(0);
    const laneOf = async (m: string) => Number(rowsOf<{ k: number }>(await h.t.db.execute(sql`select (hashtext(${m}) & 2147483647) % 2 as k`))[0]!.k);
    const byLane: string[] = [];
    for (const m of STORES) byLane[await laneOf(m)] ??= m;
    expect(byLane.filter(Boolean)).toHaveLength(2);
    const send = async (): Promise<DeliveryResponse> => ({ statusCode: 200, body: "<result><status>Success</status></result>", rateLimitReset: null, durationMs: 1, error: null });
    // One place, and a poll that never comes within the test: only the worker's own wake-ups move it.
    const worker = h.newWorker({ concurrency: 1, claimLanes, send, pollMs: 600_000, clock: () => new Date() });
    await worker.start();
    try {
      for (let round = 0; round < 3; round++)
        for (const m of byLane) {
          const orderId = await placeOrder(h.t.db, m);
          worker.wake();
          let status = "";
          for (let i = 0; i < 250 && status !== "delivered"; i++) {
            await new Promise((r) => setTimeout(r, 20));
            // The Sale may not be dispatched yet: no row.
            status = (await h.transmissionOf(orderId))?.status ?? "";
          }
          expect(status, `round ${round + 1}, store ${m}`).toBe("delivered");
        }
    } finally {
      await worker.stop();
    }
  });
});
