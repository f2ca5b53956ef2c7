import { and, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { items, ontraportConfigs, orderLines, transmissionAttempts, transmissions } from "@/lib/db/schema";
import { refundOrder } from "@/lib/orders/refunds";
import { testBackends } from "@/tools/testing/db";
import { nodeSend, type RestSend } from "../rest/http";
import { useSimHarness } from "@/tools/testing/engine";
import { apiMerchant, configOf, placeOrder, resolveTestKey } from "@/tools/testing/ontraport";
import { OutboxWorker } from "./worker";

// The engine delivering over REST to the simulator's REST API v1, over HTTP: a Sale leaves one
// contact, products named as the Product Mapping says, one transaction and the items' tags; refunds,
// stale keys, lost answers and resends never log a sale twice.

const APP = "app-M1";
const KEY = "rest-key-one";
const by = { userId: null, label: "admin@m1.test" };

describe.each(testBackends())("REST delivery to the simulator on %s", (kind) => {
  const s = useSimHarness(kind);
  let offset = 0;
  let worker: OutboxWorker;
  const clock = () => new Date(Date.now() + offset);

  beforeEach(async () => {
    await s.client.setRestAccount(APP, KEY);
    offset = 0;
    worker = new OutboxWorker({ db: s.t.db, endpoint: s.sim.endpoint, restBaseUrl: s.client.restUrl, clock, resolveKey: resolveTestKey, listen: false, timeoutMs: 1500, leaseMs: 5000 });
    await apiMerchant(s.t.db, "M1", { key: KEY, protocol: "rest", appId: APP, tagEveryBuyer: "Customer", rateLimitPerMinute: 6000 });
    await s.t.db.insert(items).values({ merchantId: "M1", merchantItemId: "SHIRT-RED", description: "Red shirt", priceCents: 1995, customFields: { oapProductid: "Red Shirt (OP)", oapTags: "Shirts, Red things" } });
  });

  const saleOf = async (orderId: string) => {
    const [row] = await s.t.db.select().from(transmissions).where(and(eq(transmissions.orderId, orderId), eq(transmissions.type, "sale")));
    return row!;
  };
  const linkItems = async () => {
    const [it] = await s.t.db.select().from(items).where(eq(items.merchantItemId, "SHIRT-RED"));
    await s.t.db.update(orderLines).set({ itemId: it!.id }).where(eq(orderLines.merchantItemId, "SHIRT-RED"));
  };
  const transactionsOf = (orderId: string) => s.client.restObjects(46, { condition: [{ field: { field: "external_order_id" }, op: "=", value: { value: orderId } }] });

  it("logs a Sale: one contact, the mapped product, one transaction without shipping, the items' tags and the store-wide tag", async () => {
    const orderId = await placeOrder(s.t.db, "M1", { email: "ada@example.com" });
    await linkItems();
    await worker.drain();
    const row = await saleOf(orderId);
    expect(row.status).toBe("delivered");
    expect(row.protocol).toBe("rest");
    const contacts = await s.client.restObjects(0);
    expect(contacts.map((c) => c.email)).toEqual(["ada@example.com"]);
    expect((await s.client.restObjects(16)).map((p) => p.name)).toEqual(["Red Shirt (OP)"]);
    const txs = await transactionsOf(orderId);
    expect(txs).toHaveLength(1);
    // 2 x 19.95 + 3.19 tax; the 5.00 shipping never goes.
    expect(Number(txs[0]!.total)).toBeCloseTo(43.09, 2);
    const tags = await s.client.restObjects(14);
    const names = new Map(tags.map((g) => [String(g.tag_id), String(g.tag_name)]));
    const onContact = String(contacts[0]!.contact_cat ?? "")
      .split("*/*")
      .filter(Boolean)
      .map((id) => names.get(id));
    expect(onContact.sort()).toEqual(["Customer", "Red things", "Shirts"]);
    const link = await s.t.db.execute(sql`select invoice_id from ontraport_order_links where order_id = ${orderId}`);
    expect(JSON.stringify(link)).toContain(String(txs[0]!.id));
    // Each call is kept as a step of the attempt, the key nowhere.
    const [attempt] = await s.t.db.select().from(transmissionAttempts).where(eq(transmissionAttempts.transmissionId, row.id));
    expect(attempt!.steps!.map((s) => `${s.method} ${s.path}`)).toContain("POST /transaction/processManual");
    expect(JSON.stringify(attempt)).not.toContain(KEY);
    expect((await configOf(s.t.db, "M1")).keyStatus).toBe("valid");
  });

  it("in steady state a Sale takes 3 calls (contact, transaction, tags), with products and tax cached", async () => {
    const first = await placeOrder(s.t.db, "M1");
    await linkItems();
    await worker.drain();
    expect((await saleOf(first)).status).toBe("delivered");
    const before = (await s.client.restRequests()).length;
    const second = await placeOrder(s.t.db, "M1");
    await linkItems();
    await worker.drain();
    expect((await saleOf(second)).status).toBe("delivered");
    const calls = (await s.client.restRequests()).slice(before).map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual(["POST /1/Contacts/saveorupdate", "POST /1/transaction/processManual", "PUT /1/objects/tagByName"]);
  });

  it("a complete refund marks the transaction refunded; a partial refund leaves a note and the tag", async () => {
    const full = await placeOrder(s.t.db, "M1");
    const partial = await placeOrder(s.t.db, "M1");
    await worker.drain();
    await refundOrder(s.t.db, { merchantId: "M1", orderId: full, request: { full: true }, reason: "", by });
    const [line] = await s.t.db.select().from(orderLines).where(eq(orderLines.orderId, partial));
    await refundOrder(s.t.db, { merchantId: "M1", orderId: partial, request: { lines: [{ lineId: line!.id, quantity: 1 }] }, reason: "Too small", by });
    await worker.drain();
    const refunds = await s.t.db.select().from(transmissions).where(eq(transmissions.type, "refund"));
    expect(refunds.map((r) => r.status)).toEqual(["delivered", "delivered"]);
    expect((await transactionsOf(full))[0]!.status).toBe("2");
    expect((await transactionsOf(partial))[0]!.status).toBe("1");
    const notes = await s.client.restObjects(12);
    expect(notes).toHaveLength(1);
    expect(String(notes[0]!.data)).toContain("Too small");
  });

  it("a rejected key pauses deliveries; a new key resumes them with no duplicate transaction", async () => {
    await s.client.setRestAccount(APP, KEY, "stale");
    const orderId = await placeOrder(s.t.db, "M1");
    await worker.drain();
    expect(await saleOf(orderId)).toMatchObject({ status: "paused", lastStatusCode: 401 });
    expect((await configOf(s.t.db, "M1")).keyStatus).toBe("stale");
    await s.client.setRestAccount(APP, "rest-key-two");
    await apiMerchant(s.t.db, "M1", { key: "rest-key-two", protocol: "rest", appId: APP, rateLimitPerMinute: 6000 });
    await s.t.db.update(ontraportConfigs).set({ pausedAt: null, pausedReason: null });
    await s.t.db.update(transmissions).set({ status: "pending" }).where(eq(transmissions.status, "paused"));
    await worker.drain();
    expect((await saleOf(orderId)).status).toBe("delivered");
    expect(await transactionsOf(orderId)).toHaveLength(1);
  });

  it("a processManual answer lost after ONTRAPORT processed it is looked up, not logged again", async () => {
    const orderId = await placeOrder(s.t.db, "M1");
    // The call reaches the simulator and is processed; its answer is lost on the way back.
    let lost = 0;
    const lossy: RestSend = async (req) => {
      const res = await nodeSend(req);
      if (req.url.includes("/transaction/processManual") && lost === 0) {
        lost += 1;
        return { status: null, headers: {}, body: "", error: "No answer within 1.5 s (timeout)", written: true };
      }
      return res;
    };
    worker = new OutboxWorker({ db: s.t.db, endpoint: s.sim.endpoint, restBaseUrl: s.client.restUrl, restSend: lossy, clock, resolveKey: resolveTestKey, listen: false, timeoutMs: 1500, leaseMs: 5000 });
    await worker.drain();
    const after = await saleOf(orderId);
    expect(after).toMatchObject({ status: "pending", outcomeUnknown: true });
    offset += 600_000;
    await worker.drain();
    expect(lost).toBe(1);
    expect((await saleOf(orderId)).status).toBe("delivered");
    expect(await transactionsOf(orderId)).toHaveLength(1);
    expect((await s.client.restStats()).duplicateTransactions).toBe(0);
    const attempts = await s.t.db.select().from(transmissionAttempts).where(eq(transmissionAttempts.transmissionId, after.id)).orderBy(transmissionAttempts.attemptNo);
    expect(attempts.map((a) => a.outcome)).toEqual(["unknown", "delivered"]);
    expect(attempts[1]!.requestPayload).toContain("adopted, not logged again");
  });

  it("a resend by hand of a delivered Sale adopts the transaction ONTRAPORT has: no second one", async () => {
    const orderId = await placeOrder(s.t.db, "M1");
    await worker.drain();
    const first = await saleOf(orderId);
    expect(first.status).toBe("delivered");
    const { enqueueManualResend } = await import("./outbox");
    await apiMerchant(s.t.db, "M1", { key: KEY, protocol: "rest", appId: APP, rateLimitPerMinute: 6000 });
    await enqueueManualResend(s.t.db, { merchantId: "M1", orderId, userId: null as unknown as string, requestId: "by-hand" });
    await worker.drain();
    const rows = await s.t.db.select().from(transmissions).where(and(eq(transmissions.orderId, orderId), eq(transmissions.type, "sale")));
    expect(rows.map((r) => r.status)).toEqual(["delivered", "delivered"]);
    expect(await transactionsOf(orderId)).toHaveLength(1);
    const [attempt] = await s.t.db.select().from(transmissionAttempts).where(eq(transmissionAttempts.transmissionId, rows.find((r) => r.id !== first.id)!.id));
    expect(attempt!.requestPayload).toContain("adopted, not logged again");
  });

  it("switching a store to the XML protocol still delivers XML", async () => {
    await apiMerchant(s.t.db, "M1", { key: "key-xml", protocol: "xml" });
    await s.client.setKey("key-xml");
    const { allowLocalOrigin } = await import("@/lib/net/egress");
    allowLocalOrigin(s.sim.endpoint);
    const orderId = await placeOrder(s.t.db, "M1");
    await worker.drain();
    expect(await saleOf(orderId)).toMatchObject({ status: "delivered", protocol: "xml" });
    expect(await s.client.notifications({ orderId })).toHaveLength(1);
    expect(await transactionsOf(orderId)).toHaveLength(0);
  });
});
