import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rowsOf } from "@/lib/db/client";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { apiMerchant, placeOrder, resolveTestKey } from "@/tools/testing/ontraport";
import type { DeliveryRequest, DeliveryResponse } from "../xml/deliver";
import { OutboxWorker } from "./worker";

// Chained claims: a recording statement whose answers were all delivered also claims those stores'
// next rows, so a store with a backlog does not wait for the next claim, but only while no store is
// waiting for a place. Per-store order and one request in flight per store hold either way.

const STORES = ["CA", "CB", "CC", "CD", "CE", "CF"];

describe.each(testBackends())("chained claims on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.db.execute(sql`truncate transmission_attempts, transmissions, domain_events, ontraport_rate_windows, ontraport_configs, order_stage_history, refund_lines, refunds, order_lines, orders, merchants cascade`);
    for (const s of STORES) await apiMerchant(t.db, s, { key: `key-${s}`, rateLimitPerMinute: 1_000_000 });
  });

  /** Places `perStore` paid orders in each store, runs a worker until every Sale is delivered, and reports what ONTRAPORT saw. */
  async function run(perStore: number, concurrency?: number) {
    for (let i = 0; i < perStore; i++) for (const s of STORES) await placeOrder(t.db, s);
    const total = perStore * STORES.length;
    const open = new Map<string, number>();
    let mostOpenPerStore = 0;
    const sent: DeliveryRequest[] = [];
    const send = async (r: DeliveryRequest): Promise<DeliveryResponse> => {
      const store = r.apiKey;
      open.set(store, (open.get(store) ?? 0) + 1);
      mostOpenPerStore = Math.max(mostOpenPerStore, open.get(store)!);
      sent.push(r);
      await new Promise((res) => setTimeout(res, 3));
      open.set(store, open.get(store)! - 1);
      return { statusCode: 200, body: "<result><status>Success</status></result>", rateLimitReset: null, durationMs: 3, error: null };
    };
    const worker = new OutboxWorker({ db: t.db, endpoint: "http://ontraport.test/", resolveKey: resolveTestKey, send, listen: false, pollMs: 50, concurrency });
    await worker.start();
    const deadline = Date.now() + 60_000;
    const delivered = async () => Number(rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from transmissions where status = 'delivered'`))[0]!.n);
    while ((await delivered()) < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await worker.stop();
    const bySeq = rowsOf<{ id: string; merchant_id: string }>(await t.db.execute(sql`select id, merchant_id from transmissions order by seq`));
    const expected = new Map<string, string[]>();
    for (const r of bySeq) expected.set(r.merchant_id, [...(expected.get(r.merchant_id) ?? []), r.id]);
    const seen = new Map<string, string[]>();
    for (const r of sent) {
      const store = r.apiKey.replace(/^key-/, "");
      seen.set(store, [...(seen.get(store) ?? []), r.transmissionId ?? "(none)"]);
    }
    const order = sent.map((r) => r.apiKey.replace(/^key-/, ""));
    return { total, delivered: await delivered(), sent: sent.length, mostOpenPerStore, expected, seen, order, chained: worker.chained };
  }

  it("lets a store with a backlog go on from its recording statement, one request in flight and in order", { timeout: 90_000 }, async () => {
    const r = await run(8);
    expect(r.delivered).toBe(r.total);
    expect(r.sent).toBe(r.total);
    expect(r.mostOpenPerStore).toBe(1);
    for (const s of STORES) expect(r.seen.get(s)).toEqual(r.expected.get(s));
    expect(r.chained).toBeGreaterThan(0);
  });

  it("does not chain while places are scarce: stores take turns through the claim, which serves the least recently served", { timeout: 90_000 }, async () => {
    const r = await run(4, 2);
    expect(r.delivered).toBe(r.total);
    expect(r.sent).toBe(r.total);
    expect(r.mostOpenPerStore).toBe(1);
    for (const s of STORES) expect(r.seen.get(s)).toEqual(r.expected.get(s));
    // Two places for six stores with work: each round of six sends serves every store once (a store
    // that went on from its own recording statement would appear twice in a round).
    expect(new Set(r.order.slice(0, 6)).size).toBe(6);
    expect(new Set(r.order.slice(6, 12)).size).toBe(6);
  });
});
