import { describe, expect, it } from "vitest";
import { withSimulator } from "@/tools/testing/simulator";
import { MemoryProductCache } from "./cache";
import { contact, sale } from "./fixtures";
import { nodeSend, type RestCallSpec, type RestContext } from "./http";
import { deliverSale, emptySaleState, type SaleResult } from "./sale";

// A Sale over real HTTP against the bundled simulator.

const APP = "app-sale";
const KEY = "key-sale";
const h = withSimulator({ port: 0, restAccounts: [{ appId: APP, key: KEY }] });

const ctx = (over: Partial<RestContext> = {}): RestContext => ({ baseUrl: `${h.sim.url}/1`, appId: APP, apiKey: KEY, timeoutMs: 10_000, ...over });
const paths = (r: SaleResult): string[] => r.steps.map((s) => `${s.method} ${s.path}`);
const byOrder = (orderId: string) => h.client.restObjects(46, { appId: APP, condition: [{ field: { field: "external_order_id" }, op: "=", value: { value: orderId } }] });
const callCount = async (): Promise<number> => (await h.client.restRequests({ appId: APP })).length;

/** Before the call whose path matches (the Nth such call), post a simulator fault for it. */
function faultOn(match: (c: RestCallSpec) => boolean, fault: Record<string, unknown>, nth = 1): RestContext["beforeCall"] {
  let seen = 0;
  return async (c) => {
    if (!match(c) || ++seen !== nth) return;
    const res = await fetch(`${h.sim.url}/__sim/faults`, { method: "POST", body: JSON.stringify({ count: 1, reqTypes: ["rest"], ...fault }) });
    expect(res.status).toBe(200);
  };
}

describe("deliverSale", () => {
  it("a first Sale creates the contact, the products and the tax, logs one transaction and tags the buyer", async () => {
    const cache = new MemoryProductCache();
    const r = await deliverSale(ctx(), sale("DEMO-1001"), emptySaleState(), cache, { tags: ["Bought: Widget", "Buyer", "buyer"] });
    expect(r.outcome).toEqual({ kind: "delivered" });
    expect(JSON.stringify(r)).not.toContain(KEY); // the key is a header, never in a step
    expect(paths(r)).toEqual([
      "POST /Contacts/saveorupdate",
      "GET /Products",
      "POST /Products",
      "GET /Products",
      "POST /Products",
      "GET /objects",
      "POST /objects",
      "POST /transaction/processManual",
      "PUT /objects/tagByName",
    ]);
    const [c, ...others] = await h.client.restObjects(0, { appId: APP });
    expect(others).toEqual([]);
    expect(c).toMatchObject({ email: "ann@example.com", firstname: "Ann", lastname: "Lee", address: "1 Main St", city: "Austin", state: "TX", zip: "78701", country: "US", office_phone: "5125550100", company: "ACME" });
    const products = await h.client.restObjects(16, { appId: APP });
    expect(products.map((p) => [p.name, p.price, p.external_id])).toEqual([
      ["Widget", "10", "WID-1"],
      ["Gadget", "5", "GAD-1"],
    ]);
    expect((await h.client.restObjects(63, { appId: APP })).map((t) => [t.name, t.rate])).toEqual([["Sales tax 8%", "8"]]);
    const [t, ...more] = await byOrder("DEMO-1001");
    expect(more).toEqual([]);
    // The store's total is 32.00 with 5.00 shipping and handling: ONTRAPORT gets 27.00.
    expect(t).toMatchObject({ status: "1", contact_id: c?.id, external_order_id: "DEMO-1001", subtotal: "25.00", tax: "2.00", total: "27.00", template_id: "-1", date: String(Date.parse("2026-11-25T16:59:12Z") / 1000) });
    const offer = JSON.parse(t?.offer_data ?? "{}") as Record<string, unknown>;
    expect(offer).toMatchObject({ grandTotal: 27, subTotal: 25, hasTaxes: true, hasShipping: false });
    expect((offer.products as unknown[])[0]).toEqual({ id: 1, quantity: 2, price: [{ price: 10 }], total: 20, tax: true, taxable: true, shipping: false, type: "single" });
    expect(r.state).toMatchObject({ contactId: c?.id, productIds: { Widget: "1", Gadget: "2" }, taxId: "1", invoiceId: t?.id, tagsApplied: true, transactionUncertain: false });
    const tags = await h.client.restObjects(14, { appId: APP });
    expect(tags.map((x) => x.tag_name)).toEqual(["Bought: Widget", "Buyer"]);
    expect(c?.contact_cat).toBe("*/*1*/*2*/*");
    expect(await cache.get("product", "Widget")).toBe("1");
    expect(await cache.get("tax", "Sales tax 8%")).toBe("1");
    const process = (await h.client.restRequests({ path: "/transaction/processManual" }))[0]?.body as Record<string, unknown>;
    expect(process).toMatchObject({ contact_id: 1, chargeNow: "chargeLog", invoice_template: -1, external_order_id: "DEMO-1001", trans_date: Date.parse("2026-11-25T16:59:12Z") });
  });

  it("a second Sale of the same buyer with cached products takes 3 calls (2 without tags)", async () => {
    const cache = new MemoryProductCache();
    await deliverSale(ctx(), sale("DEMO-1"), emptySaleState(), cache, { tags: ["Buyer"] });
    let before = await callCount();
    const second = await deliverSale(ctx(), sale("DEMO-2"), emptySaleState(), cache, { tags: ["Buyer"] });
    expect(second.outcome).toEqual({ kind: "delivered" });
    expect((await callCount()) - before).toBe(3);
    expect(paths(second)).toEqual(["POST /Contacts/saveorupdate", "POST /transaction/processManual", "PUT /objects/tagByName"]);
    before = await callCount();
    const third = await deliverSale(ctx(), sale("DEMO-3"), emptySaleState(), cache);
    expect(third.outcome).toEqual({ kind: "delivered" });
    expect((await callCount()) - before).toBe(2);
    expect(await h.client.restObjects(0, { appId: APP })).toHaveLength(1);
    expect((await h.client.restStats()).transactions).toBe(3);
  });

  it("finds existing products and taxes by exact name instead of creating them (case differences are other products)", async () => {
    const seed = await deliverSale(ctx(), sale("DEMO-1"), emptySaleState(), new MemoryProductCache());
    expect(seed.outcome.kind).toBe("delivered");
    const cache = new MemoryProductCache(); // a new cache: nothing known
    const lines = [
      { productName: "Widget", itemId: "WID-1", quantity: 1, unitPriceCents: 1000, discountCents: 0, totalCents: 1000 },
      { productName: "GADGET", itemId: "GAD-2", quantity: 1, unitPriceCents: 500, discountCents: 0, totalCents: 500 },
    ];
    const r = await deliverSale(ctx(), sale("DEMO-2", { lines }), emptySaleState(), cache);
    expect(r.outcome).toEqual({ kind: "delivered" });
    expect(paths(r)).toEqual(["POST /Contacts/saveorupdate", "GET /Products", "GET /Products", "POST /Products", "GET /objects", "POST /transaction/processManual"]);
    expect(r.state.productIds).toEqual({ Widget: "1", GADGET: "3" });
    expect(r.state.taxId).toBe("1");
  });

  it("an answer saying a cached id is gone drops the entry, looks it up again and logs the sale once", async () => {
    const cache = new MemoryProductCache();
    await deliverSale(ctx(), sale("DEMO-1"), emptySaleState(), cache);
    await cache.set("product", "Widget", "999"); // deleted in ONTRAPORT since
    const r = await deliverSale(ctx(), sale("DEMO-2"), emptySaleState(), cache);
    expect(r.outcome).toEqual({ kind: "delivered" });
    expect(paths(r)).toEqual([
      "POST /Contacts/saveorupdate",
      "POST /transaction/processManual",
      "GET /Products",
      "GET /Products",
      "GET /objects",
      "POST /transaction/processManual",
    ]);
    expect(r.steps[1]?.status).toBe(400);
    expect(await cache.get("product", "Widget")).toBe("1");
    expect(r.notes.join(" ")).toContain('forgot the remembered ids (product "Widget"');
    expect(await byOrder("DEMO-2")).toHaveLength(1);
  });

  it("reconcile after an unknown outcome adopts the transaction already logged: one transaction per order", async () => {
    const cache = new MemoryProductCache();
    const isProcess = (c: RestCallSpec) => c.path === "/transaction/processManual";
    // The simulator logs the sale but holds the answer past our timeout.
    const first = await deliverSale(ctx({ send: (r) => nodeSend(r.url.endsWith("/transaction/processManual") ? { ...r, timeoutMs: 400 } : r), beforeCall: faultOn(isProcess, { delayMs: 3_000 }) }), sale("DEMO-7"), emptySaleState(), cache, { tags: ["Buyer"] });
    expect(first.outcome.kind).toBe("unknown");
    expect(first.state.invoiceId).toBeNull();
    expect(first.state.transactionUncertain).toBe(true);
    expect(await byOrder("DEMO-7")).toHaveLength(1);

    // The engine says reconcile (and the state remembers it anyway).
    const retry = await deliverSale(ctx(), sale("DEMO-7"), first.state, cache, { reconcile: true, tags: ["Buyer"] });
    expect(retry.outcome).toEqual({ kind: "delivered" });
    expect(paths(retry)).toEqual(["GET /Transactions", "PUT /objects/tagByName"]);
    expect(retry.state.invoiceId).toBe((await byOrder("DEMO-7"))[0]?.id);
    expect(retry.notes[0]).toContain("already logged");

    // A worker that died with its state lost: reconcile from nothing adopts it too.
    const lost = await deliverSale(ctx(), sale("DEMO-7"), emptySaleState(), cache, { reconcile: true });
    expect(lost.outcome).toEqual({ kind: "delivered" });
    expect(paths(lost)).not.toContain("POST /transaction/processManual");
    expect(await byOrder("DEMO-7")).toHaveLength(1);
    expect((await h.client.restStats()).duplicateTransactions).toBe(0);
  });

  it("reconcile falls back to the contact's transactions with the same date and total when external_order_id cannot be searched", async () => {
    const cache = new MemoryProductCache();
    await deliverSale(ctx(), sale("DEMO-8"), emptySaleState(), cache);
    // A different sale of the same buyer, same total, another date: never adopted.
    await deliverSale(ctx(), sale("DEMO-9", { date: new Date("2026-11-24T10:00:00Z") }), emptySaleState(), cache);
    // An ONTRAPORT that refuses the condition on external_order_id.
    const send: RestContext["send"] = async (r) =>
      r.url.includes("external_order_id") ? { status: 400, headers: {}, body: '{"code":1,"message":"Invalid field external_order_id"}', error: null, written: true } : nodeSend(r);
    const r = await deliverSale(ctx({ send }), sale("DEMO-8"), emptySaleState(), cache, { reconcile: true });
    expect(r.outcome).toEqual({ kind: "delivered" });
    expect(paths(r)).toEqual(["POST /Contacts/saveorupdate", "GET /Transactions", "GET /Transactions"]);
    expect(r.state.invoiceId).toBe((await byOrder("DEMO-8"))[0]?.id);
    expect(r.notes[0]).toContain("by date and total");
    expect((await h.client.restStats()).transactions).toBe(2);
  });

  it("the fallback never adopts another order's transaction with the same date and total", async () => {
    const cache = new MemoryProductCache();
    await deliverSale(ctx(), sale("DEMO-10"), emptySaleState(), cache);
    const send: RestContext["send"] = async (r) =>
      r.url.includes("external_order_id") ? { status: 400, headers: {}, body: '{"code":1,"message":"Invalid field"}', error: null, written: true } : nodeSend(r);
    const steps: string[] = [];
    const r = await deliverSale(ctx({ send, onStep: (s) => steps.push(`${s.method} ${s.path}`) }), sale("DEMO-11"), emptySaleState(), cache, { reconcile: true });
    expect(r.outcome).toEqual({ kind: "delivered" });
    expect(paths(r)).toEqual(["POST /Contacts/saveorupdate", "GET /Transactions", "GET /Transactions", "POST /transaction/processManual"]);
    expect(steps).toEqual(paths(r)); // onStep sees every call as it ends
    expect(await byOrder("DEMO-11")).toHaveLength(1);
    expect(r.state.invoiceId).not.toBe((await byOrder("DEMO-10"))[0]?.id);
  });

  it("reconcile that finds nothing logs the sale once", async () => {
    const isProcess = (c: RestCallSpec) => c.path === "/transaction/processManual";
    // The connection is cut before the simulator processes the call: written, so unknown.
    const first = await deliverSale(ctx({ beforeCall: faultOn(isProcess, { drop: true }) }), sale("DEMO-5"), emptySaleState(), new MemoryProductCache());
    expect(first.outcome.kind).toBe("unknown");
    expect(await byOrder("DEMO-5")).toHaveLength(0);
    const retry = await deliverSale(ctx(), sale("DEMO-5"), first.state, new MemoryProductCache(), { reconcile: true });
    expect(retry.outcome).toEqual({ kind: "delivered" });
    expect(paths(retry)).toEqual(["GET /Transactions", "GET /Transactions", "POST /transaction/processManual"]);
    expect(await byOrder("DEMO-5")).toHaveLength(1);
  });

  it("a call failing midway, then a retry with the returned state, resumes at that call without repeating the others", async () => {
    const cache = new MemoryProductCache();
    const isProductFind = (c: RestCallSpec) => c.method === "GET" && c.path === "/Products";
    const first = await deliverSale(ctx({ beforeCall: faultOn(isProductFind, { status: 503 }, 2) }), sale("DEMO-3"), emptySaleState(), cache, { tags: ["Buyer"] });
    expect(first.outcome.kind).toBe("transient");
    expect(paths(first)).toEqual(["POST /Contacts/saveorupdate", "GET /Products", "POST /Products", "GET /Products"]);
    expect(first.state).toMatchObject({ contactId: "1", productIds: { Widget: "1" }, invoiceId: null, transactionUncertain: false });
    const retry = await deliverSale(ctx(), sale("DEMO-3"), first.state, cache, { tags: ["Buyer"] });
    expect(retry.outcome).toEqual({ kind: "delivered" });
    expect(paths(retry)).toEqual(["GET /Products", "POST /Products", "GET /objects", "POST /objects", "POST /transaction/processManual", "PUT /objects/tagByName"]);

    // Failing at the tags: the retry only tags (the sale is not logged again).
    const isTag = (c: RestCallSpec) => c.path === "/objects/tagByName";
    const a = await deliverSale(ctx({ beforeCall: faultOn(isTag, { status: 500 }) }), sale("DEMO-4"), emptySaleState(), cache, { tags: ["Buyer"] });
    expect(a.outcome.kind).toBe("transient");
    expect(a.state.invoiceId).not.toBeNull();
    const b = await deliverSale(ctx(), sale("DEMO-4"), a.state, cache, { tags: ["Buyer"] });
    expect(paths(b)).toEqual(["PUT /objects/tagByName"]);
    expect(b.outcome).toEqual({ kind: "delivered" });
    expect((await h.client.restStats()).duplicateTransactions).toBe(0);
  });

  it("a 5xx on processManual makes the next attempt look before posting again", async () => {
    const cache = new MemoryProductCache();
    const isProcess = (c: RestCallSpec) => c.path === "/transaction/processManual";
    const a = await deliverSale(ctx({ beforeCall: faultOn(isProcess, { status: 502 }) }), sale("DEMO-6"), emptySaleState(), cache);
    expect(a.outcome.kind).toBe("transient");
    expect(a.state.transactionUncertain).toBe(true);
    const b = await deliverSale(ctx(), sale("DEMO-6"), a.state, cache); // no reconcile flag from the engine
    expect(paths(b)).toEqual(["GET /Transactions", "GET /Transactions", "POST /transaction/processManual"]);
    expect(await byOrder("DEMO-6")).toHaveLength(1);
  });

  it("a Sale credited to an affiliate sets lreferrer, and freferrer on a new contact only", async () => {
    const cache = new MemoryProductCache();
    const credited = (id: number) => sale(`DEMO-A${id}`, { contact: contact({ affiliate: { id, approved: true } }) });
    const first = await deliverSale(ctx(), credited(42), emptySaleState(), cache);
    expect(first.outcome).toEqual({ kind: "delivered" });
    expect(paths(first)).toContain("PUT /objects");
    let [c] = await h.client.restObjects(0, { appId: APP });
    expect(c).toMatchObject({ lreferrer: "42", freferrer: "42" });
    const second = await deliverSale(ctx(), credited(43), emptySaleState(), cache);
    expect(paths(second)).toEqual(["POST /Contacts/saveorupdate", "POST /transaction/processManual"]);
    [c] = await h.client.restObjects(0, { appId: APP });
    expect(c).toMatchObject({ lreferrer: "43", freferrer: "42" });
    const none = await deliverSale(ctx(), sale("DEMO-N"), emptySaleState(), cache);
    expect(none.steps[0]?.requestJson).not.toHaveProperty("lreferrer");
  });

  it("a stale key is a stale_key outcome, a forbidden one too", async () => {
    const r = await deliverSale(ctx({ apiKey: "wrong" }), sale("DEMO-K"), emptySaleState(), new MemoryProductCache());
    expect(r.outcome).toEqual({ kind: "stale_key", message: "ONTRAPORT refused the App ID and API key (401): Your App ID and API Key do not authenticate." });
    await h.client.setRestAccount(APP, KEY, "forbidden");
    const f = await deliverSale(ctx(), sale("DEMO-K"), emptySaleState(), new MemoryProductCache());
    expect(f.outcome.kind).toBe("stale_key");
    expect(JSON.stringify([r, f])).not.toContain(KEY);
  });

  it("429 is rate_limited with the reset, and the sale resumes later; with no call left it stops before the 429", async () => {
    await h.client.setConfig({ rateLimit: 3 });
    const cache = new MemoryProductCache();
    // The answer of the 3rd call says 0 left: the Sale stops there instead of earning a 429.
    const a = await deliverSale(ctx(), sale("DEMO-R"), emptySaleState(), cache);
    expect(a.outcome.kind).toBe("rate_limited");
    expect(a.steps).toHaveLength(3);
    expect(a.steps.every((s) => s.status === 200)).toBe(true);
    expect(a.outcome.kind === "rate_limited" && a.outcome.resetSeconds).toBeGreaterThan(0);
    // Another sender of the account uses nothing left: ONTRAPORT answers 429.
    const b = await deliverSale(ctx(), sale("DEMO-R"), a.state, cache);
    expect(b.outcome).toEqual({ kind: "rate_limited", resetSeconds: b.steps[0]?.rateLimitReset });
    expect(b.steps[0]?.status).toBe(429);
    await h.client.setConfig({ rateLimit: 180 });
    await h.client.reset(); // a new window (objects are forgotten too: start from an empty state)
    const c = await deliverSale(ctx(), sale("DEMO-R"), emptySaleState(), new MemoryProductCache());
    expect(c.outcome).toEqual({ kind: "delivered" });
  });

  it("beforeCall can hold the Sale for the merchant's bucket; the state keeps what was learned", async () => {
    let calls = 0;
    const r = await deliverSale(ctx({ beforeCall: () => (++calls > 2 ? 9 : undefined) }), sale("DEMO-B"), emptySaleState(), new MemoryProductCache());
    expect(r.outcome).toEqual({ kind: "rate_limited", resetSeconds: 9 });
    expect(r.steps).toHaveLength(2);
    expect(r.state.contactId).toBe("1");
  });
});
