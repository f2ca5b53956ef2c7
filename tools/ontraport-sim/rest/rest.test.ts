import { describe, expect, it } from "vitest";
import { withSimulator } from "@/tools/testing/simulator";
import { SimClient } from "../client";
import { SAMPLE_SALE } from "../samples";
import { MALFORMED_JSON_BODY, REST_UNAUTHORIZED_MESSAGE } from "../server";
import { keyFingerprint } from "../state";
import { httpRequest, postNotification } from "../test-helpers";
import { TAG_ADD_MESSAGE, TAG_REMOVE_MESSAGE } from "./api";

const APP = "2_12345_abc";
const KEY = "rest-key-1";
const START = Date.parse("2026-11-25T17:00:00.000Z");
let t = START;
const h = withSimulator({ port: 0, now: () => t, restAccounts: [{ appId: APP, key: KEY }] }, {
  beforeReset: () => {
    t = START;
  },
});

interface CallOptions {
  json?: unknown;
  form?: string;
  query?: Record<string, string | number>;
  appId?: string | null;
  key?: string | null;
  contentType?: string;
  raw?: string;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: { code: number; data: unknown; account_id?: string; message?: string };
}

async function api(method: string, path: string, o: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const appId = o.appId === undefined ? APP : o.appId;
  const key = o.key === undefined ? KEY : o.key;
  if (appId !== null) headers["Api-Appid"] = appId;
  if (key !== null) headers["Api-Key"] = key;
  let body: string | undefined;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers["Content-Type"] = o.contentType ?? "application/json";
  } else if (o.form !== undefined) {
    body = o.form;
    headers["Content-Type"] = "application/x-www-form-urlencoded";
  } else if (o.raw !== undefined) {
    body = o.raw;
    if (o.contentType !== undefined) headers["Content-Type"] = o.contentType;
  }
  if (body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(body)); // DELETE is not chunked by default
  const qs = o.query === undefined ? "" : `?${new URLSearchParams(Object.entries(o.query).map(([k, v]) => [k, String(v)])).toString()}`;
  const res = await httpRequest(`${h.sim.restUrl}${path}${qs}`, method, body, headers);
  let parsed: Answer["body"] = { code: -1, data: null };
  try {
    parsed = JSON.parse(res.text) as Answer["body"];
  } catch {
    // left as is: the test looks at text
  }
  return { status: res.status, headers: res.headers, text: res.text, body: parsed };
}

const data = <T = Record<string, string>>(a: Answer): T => a.body.data as T;
const cond = (field: string, op: string, value: unknown) =>
  JSON.stringify([{ field: { field }, op, value: op.endsWith("IN") ? { list: (value as unknown[]).map((v) => ({ value: v })) } : { value } }]);

async function contact(email = "ann@example.com"): Promise<string> {
  const res = await api("POST", "/Contacts/saveorupdate", { json: { email, firstname: "Ann" } });
  const d = data<{ id?: string; attrs?: { id: string } }>(res);
  return d.id ?? d.attrs?.id ?? "";
}

async function product(name: string, price = "10.00"): Promise<string> {
  return data(await api("POST", "/Products", { json: { name, price, external_id: `ext-${name}` } })).id ?? "";
}

async function tax(): Promise<string> {
  return data(await api("POST", "/objects", { json: { objectID: 63, name: "Sales Tax", rate: "8.25" } })).id ?? "";
}

describe("authentication", () => {
  it("answers 401 with ONTRAPORT's text for missing or wrong credentials, with rate headers", async () => {
    for (const o of [{ appId: null }, { key: null }, { key: "wrong" }, { appId: "unknown" }] as CallOptions[]) {
      const res = await api("GET", "/objects", { ...o, query: { objectID: 0, range: 1 } });
      expect(res.status).toBe(401);
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(res.body).toEqual({ code: 1, message: REST_UNAUTHORIZED_MESSAGE });
      expect(res.headers["x-rate-limit-limit"]).toBe("180");
    }
    expect(await h.client.restStats()).toMatchObject({ requests: 4, unauthorized: 4, ok: 0 });
  });

  it("a stale account answers 401, a forbidden one 403, a valid one 200 with the envelope", async () => {
    const ok = await api("GET", "/objects", { query: { objectID: 0, range: 1 } });
    expect(ok.status).toBe(200);
    const [account] = await h.client.restAccounts();
    expect(ok.body).toEqual({ code: 0, data: [], account_id: account?.accountId });
    expect(typeof account?.accountId).toBe("string");
    await h.client.setRestAccount(APP, KEY, "stale");
    expect((await api("GET", "/Contacts")).status).toBe(401);
    await h.client.setRestAccount(APP, KEY, "forbidden");
    const forbidden = await api("GET", "/Contacts");
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe(1);
    await h.client.setRestAccount(APP, KEY, "valid");
    expect((await api("GET", "/Contacts")).status).toBe(200);
    await h.client.setRestAccount("other-app", "other-key");
    expect((await api("GET", "/Contacts", { appId: "other-app", key: KEY })).status).toBe(401);
    expect((await api("GET", "/Contacts", { appId: "other-app", key: "other-key" })).status).toBe(200);
  });

  it("validates the accounts control body", async () => {
    await expect(h.client.setRestAccount("", "k")).rejects.toMatchObject({ status: 400 });
    await expect(h.client.setRestAccount("a", "k", "expired" as "valid")).rejects.toMatchObject({ status: 400 });
    expect(JSON.stringify(await h.client.restAccounts())).not.toContain(KEY);
  });
});

describe("contacts", () => {
  it("saveorupdate creates (data.id) then merges by email (data.attrs.id), JSON or form", async () => {
    const created = await api("POST", "/Contacts/saveorupdate", {
      json: { email: "ann@example.com", firstname: "Ann", lastname: "Lee", city: "Austin", office_phone: 5125550100 },
    });
    expect(created.status).toBe(200);
    expect(data(created)).toMatchObject({ id: "1", email: "ann@example.com", firstname: "Ann", office_phone: "5125550100" });
    const merged = await api("POST", "/Contacts/saveorupdate", { form: "email=ANN%40example.com&firstname=Annie&city=" });
    expect(data(merged)).toEqual({ attrs: { email: "ANN@example.com", firstname: "Annie", city: "", id: "1" } });
    const blanks = await api("POST", "/objects/saveorupdate", { json: { objectID: 0, email: "ann@example.com", lastname: "", ignore_blanks: true } });
    expect(data(blanks)).toEqual({ attrs: { email: "ann@example.com", id: "1" } });
    const one = await api("GET", "/object", { query: { objectID: 0, id: 1 } });
    expect(data(one)).toMatchObject({ id: "1", firstname: "Annie", lastname: "Lee", city: "" });
    expect(data(await api("GET", "/Contact", { query: { id: 1 } }))).toMatchObject({ firstname: "Annie" });
    const other = await api("POST", "/Contacts/saveorupdate", { json: { email: "bob@example.com" } });
    expect(data(other)).toMatchObject({ id: "2" });
    expect(await h.client.restObjects(0)).toHaveLength(2);
  });

  it("refuses an invalid email with 422, finds by email, and 404s an unknown id", async () => {
    const bad = await api("POST", "/Contacts/saveorupdate", { json: { email: "not-an-email" } });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe(1);
    await contact();
    expect(data(await api("GET", "/object/getByEmail", { query: { objectID: 0, email: "ann@example.com" } }))).toEqual({ id: "1" });
    expect(data(await api("GET", "/object/getByEmail", { query: { objectID: 0, email: "ann@example.com", all: 1 } }))).toEqual({ ids: ["1"] });
    expect((await api("GET", "/object/getByEmail", { query: { objectID: 0, email: "zed@example.com" } })).status).toBe(404);
    expect((await api("GET", "/object", { query: { objectID: 0, id: 99 } })).status).toBe(404);
    expect((await api("GET", "/object", { query: { id: 1 } })).status).toBe(400); // objectID missing
  });

  it("the generic create and update work on contacts", async () => {
    const created = await api("POST", "/objects", { json: { objectID: 0, email: "c@example.com", firstname: "C" } });
    expect(data(created)).toMatchObject({ id: "1", firstname: "C" });
    const updated = await api("PUT", "/objects", { json: { objectID: 0, id: 1, firstname: "Cee" } });
    expect(data(updated)).toEqual({ attrs: { firstname: "Cee", id: "1" } });
    expect((await h.client.restObjects(0))[0]).toMatchObject({ firstname: "Cee" });
    expect(data(await api("GET", "/objects/getInfo", { query: { objectID: 0 } }))).toMatchObject({ count: "1" });
  });
});

describe("products, taxes and conditions", () => {
  it("creates through /Products and /objects, and filters with conditions", async () => {
    const a = await api("POST", "/Products", { json: { name: "Widget", price: 10, sku: "W-1", external_id: "SHIRT-RED" } });
    expect(data(a)).toMatchObject({ id: "1", name: "Widget", price: "10", sku: "W-1" });
    await api("POST", "/objects", { form: "objectID=16&name=Gadget&price=5.00&sku=G-1" });
    await api("POST", "/Products", { json: { name: "Gizmo", price: "7.50" } });
    expect((await api("POST", "/Products", { json: { price: 1 } })).status).toBe(400); // no name

    const names = async (condition: string, extra: Record<string, string | number> = {}) =>
      data<{ name: string }[]>(await api("GET", "/Products", { query: { condition, ...extra } })).map((p) => p.name);
    expect(await names(cond("name", "=", "gadget"))).toEqual(["Gadget"]); // case-insensitive, as MySQL
    expect(await names(cond("external_id", "=", "SHIRT-RED"))).toEqual(["Widget"]);
    expect(await names(cond("id", "IN", [1, 3]))).toEqual(["Widget", "Gizmo"]);
    expect(await names(cond("id", "NOT IN", [1, 3]))).toEqual(["Gadget"]);
    expect(await names(cond("price", ">", 6))).toEqual(["Widget", "Gizmo"]);
    expect(await names(cond("name", "LIKE", "G%"))).toEqual(["Gadget", "Gizmo"]);
    expect(await names(cond("sku", "IS", "NULL"))).toEqual(["Gizmo"]);
    const andOr = JSON.stringify([
      { field: { field: "name" }, op: "=", value: { value: "Widget" } },
      "OR",
      { field: { field: "name" }, op: "=", value: { value: "Gadget" } },
      "AND",
      { field: { field: "sku" }, op: "=", value: { value: "nope" } },
    ]);
    expect(await names(andOr)).toEqual(["Widget"]); // AND binds first
    expect(await names("name='Gizmo' OR sku = \"W-1\"")).toEqual(["Widget", "Gizmo"]); // legacy string form
    expect(await names("id IN (2,3) AND name LIKE '%z%'")).toEqual(["Gizmo"]);
    expect(await names("", { range: 2 })).toEqual(["Widget", "Gadget"]);
    expect(await names("", { start: 1, range: 1 })).toEqual(["Gadget"]);
    expect(await names("", { sort: "price", sortDir: "desc" })).toEqual(["Widget", "Gizmo", "Gadget"]);
    const generic = await api("GET", "/objects", { query: { objectID: 16, condition: cond("sku", "=", "G-1") } });
    expect(data<{ id: string }[]>(generic).map((p) => p.id)).toEqual(["2"]);
    const badCondition = await api("GET", "/Products", { query: { condition: '[{"field":{"field":"name"},"op":"~","value":{"value":"x"}}]' } });
    expect(badCondition.status).toBe(400);
    expect(badCondition.body.message).toContain("unknown operator");
    expect(await h.client.restObjects(16, { condition: [{ field: { field: "name" }, op: "=", value: { value: "Gizmo" } }] })).toMatchObject([
      { id: "3", name: "Gizmo", price: "7.50" },
    ]);
  });

  it("range is at most 50", async () => {
    for (let i = 0; i < 55; i++) await api("POST", "/Products", { json: { name: `P${i}` } });
    expect(data<unknown[]>(await api("GET", "/Products", { query: { range: 100 } }))).toHaveLength(50);
    expect(data<unknown[]>(await api("GET", "/Products", { query: { start: 50 } }))).toHaveLength(5);
  });

  it("taxes through /objects objectID 63 and /Taxes", async () => {
    const id = await tax();
    expect(id).toBe("1");
    const found = await api("GET", "/objects", { query: { objectID: 63, condition: cond("name", "=", "Sales Tax") } });
    expect(data(found)).toMatchObject([{ id: "1", name: "Sales Tax", rate: "8.25" }]);
    expect(data<unknown[]>(await api("GET", "/Taxes"))).toHaveLength(1);
  });
});

describe("transactions", () => {
  async function logOrder(externalOrderId: string, contactId: string, productIds: string[], taxId: string) {
    return api("POST", "/transaction/processManual", {
      json: {
        contact_id: Number(contactId),
        chargeNow: "chargeLog",
        trans_date: 1718031600000,
        invoice_template: -1,
        external_order_id: externalOrderId,
        offer: {
          products: [
            { id: Number(productIds[0]), quantity: 2, price: [{ price: 10.0 }], total: 20.0, tax: true, taxable: true, shipping: false, type: "single" },
            { id: Number(productIds[1]), quantity: 1, price: [{ price: 5.0 }], total: 5.0, tax: true, taxable: true, shipping: false, type: "single" },
          ],
          taxes: [{ id: Number(taxId), name: "Sales Tax", rate: 8.25, taxShipping: false, taxTotal: 2.06 }],
          subTotal: 25.0,
          grandTotal: 27.06,
          hasTaxes: true,
          hasShipping: false,
        },
      },
    });
  }

  it("processManual logs a paid transaction found by external_order_id, and refund marks it refunded", async () => {
    const c = await contact();
    const p1 = await product("Widget");
    const p2 = await product("Gadget");
    const tx = await tax();
    const res = await logOrder("1001", c, [p1, p2], tx);
    expect(res.status).toBe(200);
    expect(data(res)).toEqual({ invoice_id: "1" });
    const lookup = await api("GET", "/Transactions", { query: { condition: cond("external_order_id", "=", "1001") } });
    expect(data(lookup)).toMatchObject([
      { id: "1", contact_id: c, status: "1", external_order_id: "1001", subtotal: "25.00", tax: "2.06", total: "27.06", date: "1718031600", template_id: "-1" },
    ]);
    expect(JSON.parse(data<{ offer_data: string }[]>(lookup)[0]?.offer_data ?? "{}")).toMatchObject({ grandTotal: 27.06 });
    expect(await h.client.restObjects(17, { condition: cond("invoice_id", "=", "1") })).toMatchObject([
      { product_id: p1, quantity: "2", total_price: "20.00", status: "1" },
      { product_id: p2, quantity: "1", total_price: "5.00" },
    ]);
    // no idempotency: a retried processManual creates a second transaction
    expect(data(await logOrder("1001", c, [p1, p2], tx))).toEqual({ invoice_id: "2" });
    expect(await h.client.restObjects(46, { condition: cond("external_order_id", "=", "1001") })).toHaveLength(2);

    const refund = await api("PUT", "/transaction/refund", { json: { ids: [1] } });
    expect(refund.status).toBe(200);
    expect(refund.body.code).toBe(0);
    expect(data(await api("GET", "/Transaction", { query: { id: 1 } }))).toMatchObject({ status: "2" });
    expect((await api("PUT", "/transaction/refund", { json: { objectID: 46, ids: [2] } })).status).toBe(200);
    expect((await h.client.restObjects(46)).map((r) => r.status)).toEqual(["2", "2"]);
    expect((await h.client.restObjects(17)).every((r) => r.status === "4")).toBe(true);
    expect(await h.client.restStats()).toMatchObject({ transactions: 2, duplicateTransactions: 1 });
    expect((await api("PUT", "/transaction/refund", { json: { ids: [99] } })).status).toBe(400);
    expect((await api("PUT", "/transaction/refund", { json: { objectID: 0, ids: [1] } })).status).toBe(400);
    expect((await api("PUT", "/transaction/refund", { json: {} })).status).toBe(400);
  });

  it("accepts processManual form-posted with bracket nesting, and chargeNow", async () => {
    const c = await contact();
    const p = await product("Widget", "12.00");
    const form = new URLSearchParams({
      contact_id: c,
      chargeNow: "chargeNow",
      external_order_id: "W-77",
      "offer[products][0][id]": p,
      "offer[products][0][quantity]": "3",
    }).toString();
    const res = await api("POST", "/transaction/processManual", { form });
    expect(res.status).toBe(200);
    expect(data(res)).toMatchObject({ invoice_id: "1", transaction_id: "1", result_code: "1" });
    expect((await h.client.restObjects(46))[0]).toMatchObject({ external_order_id: "W-77", total: "36.00", status: "1" });
  });

  it("refuses a processManual without its required fields or with unknown ids", async () => {
    const c = await contact();
    const p = await product("Widget");
    const base = { contact_id: c, chargeNow: "chargeLog", offer: { products: [{ id: p, quantity: 1 }] } };
    expect((await api("POST", "/transaction/processManual", { json: base })).status).toBe(200);
    const cases: [unknown, string][] = [
      [{ ...base, contact_id: undefined }, "contact_id is required"],
      [{ ...base, contact_id: 99 }, "is not a contact"],
      [{ ...base, chargeNow: "yes" }, "chargeNow"],
      [{ ...base, offer: undefined }, "offer is required"],
      [{ ...base, offer: { products: [] } }, "at least one product"],
      [{ ...base, offer: { products: [{ id: 99, quantity: 1 }] } }, "is not a product"],
      [{ ...base, offer: { products: [{ id: p, quantity: "" }] } }, "quantity is required"],
      [{ ...base, offer: { products: [{ id: p, quantity: 1 }], taxes: [{ id: 0, taxTotal: 1 }] } }, "existing tax"],
    ];
    for (const [body, message] of cases) {
      const res = await api("POST", "/transaction/processManual", { json: body });
      expect(res.status, message).toBe(400);
      expect(res.body.message).toContain(message);
    }
    expect((await api("POST", "/objects", { json: { objectID: 46, total: "1.00" } })).status).toBe(400);
  });
});

describe("tags and notes", () => {
  it("tagByName adds (creating missing tags) and removes; objects/tag by id", async () => {
    const a = await contact("a@example.com");
    const b = await contact("b@example.com");
    const add = await api("PUT", "/objects/tagByName", { json: { objectID: 0, ids: [Number(a), Number(b)], add_names: ["Bought: Widget", "Bought: Gadget"] } });
    expect(add.status).toBe(200);
    expect(data(add)).toBe(TAG_ADD_MESSAGE);
    expect(await h.client.restObjects(14)).toEqual([
      { tag_id: "1", tag_name: "Bought: Widget", object_type_id: "0" },
      { tag_id: "2", tag_name: "Bought: Gadget", object_type_id: "0" },
    ]);
    expect((await h.client.restObjects(0)).map((r) => r.contact_cat)).toEqual(["*/*1*/*2*/*", "*/*1*/*2*/*"]);
    // again: no duplicate tag, no duplicate id on the contact
    await api("PUT", "/objects/tagByName", { form: `objectID=0&ids=${a}&add_names=Bought%3A%20Widget` });
    expect(await h.client.restObjects(14)).toHaveLength(2);
    const remove = await api("DELETE", "/objects/tagByName", { query: { objectID: 0, ids: a, remove_names: "Bought: Widget" } });
    expect(data(remove)).toBe(TAG_REMOVE_MESSAGE);
    expect((await h.client.restObjects(0)).map((r) => r.contact_cat)).toEqual(["*/*2*/*", "*/*1*/*2*/*"]);
    await api("DELETE", "/objects/tagByName", { json: { objectID: 0, ids: [b], remove_names: ["Bought: Widget", "Bought: Gadget", "Never"] } });
    expect((await h.client.restObjects(0)).map((r) => r.contact_cat)).toEqual(["*/*2*/*", ""]);
    // tags by id
    const tag = await api("POST", "/Tags", { json: { tag_name: "VIP", object_type_id: 0 } });
    expect(data(tag)).toMatchObject({ tag_id: "3", tag_name: "VIP" });
    await api("PUT", "/objects/tag", { json: { objectID: 0, ids: [b], add_list: [3] } });
    expect((await h.client.restObjects(0, { condition: cond("id", "=", b) }))[0]?.contact_cat).toBe("*/*3*/*");
    await api("DELETE", "/objects/tag", { json: { objectID: 0, ids: [b], remove_list: "3" } });
    expect((await h.client.restObjects(0, { condition: cond("id", "=", b) }))[0]?.contact_cat).toBe("");
    const tags = await api("GET", "/objects", { query: { objectID: 14, condition: cond("tag_name", "=", "VIP") } });
    expect(data(tags)).toEqual([{ tag_id: "3", tag_name: "VIP", object_type_id: "0" }]);
    expect((await api("PUT", "/objects/tagByName", { json: { objectID: 0, add_names: ["x"] } })).status).toBe(400); // no ids
    expect((await api("PUT", "/objects/tagByName", { json: { objectID: 0, ids: [a] } })).status).toBe(400); // no names
  });

  it("notes are created on objectID 12", async () => {
    const c = await contact();
    const res = await api("POST", "/Notes", { json: { contact_id: Number(c), data: "Order 1001 refunded: Damaged" } });
    expect(data(res)).toMatchObject({ id: "1", contact_id: c, data: "Order 1001 refunded: Damaged" });
    await api("POST", "/objects", { json: { objectID: 12, contact_id: c, data: "second" } });
    expect((await h.client.restObjects(12)).map((n) => n.data)).toEqual(["Order 1001 refunded: Damaged", "second"]);
    expect((await api("POST", "/Notes", { json: { contact_id: 99, data: "x" } })).status).toBe(400);
  });
});

describe("rate limit", () => {
  it("429 past the limit per App ID, with the headers on every answer", async () => {
    await h.client.setConfig({ rateLimit: 3 });
    await h.client.setRestAccount("app-2", "key-2");
    const remaining: string[] = [];
    const resets: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api("GET", "/Contacts");
      expect(res.status).toBe(200);
      expect(res.headers["x-rate-limit-limit"]).toBe("3");
      resets.push(res.headers["x-rate-limit-reset"] ?? "");
      remaining.push(res.headers["x-rate-limit-remaining"] ?? "");
      t += 10_000;
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    expect(resets).toEqual(["60", "50", "40"]); // until the oldest call leaves the window
    t = START + 25_000;
    const limited = await api("GET", "/Contacts");
    expect(limited.status).toBe(429);
    expect(limited.headers["x-rate-limit-remaining"]).toBe("0");
    expect(limited.headers["x-rate-limit-reset"]).toBe("35");
    expect(limited.headers["retry-after"]).toBeUndefined();
    expect(limited.body).toMatchObject({ code: 1, message: expect.stringContaining("Too Many Requests") });
    expect((await api("GET", "/Contacts", { appId: "app-2", key: "key-2" })).status).toBe(200); // per App ID
    expect((await postNotification(h.sim.url, { key: "k", reqType: "sale", data: SAMPLE_SALE })).status).toBe(401); // XML apart
    t = START + 60_000;
    expect((await api("GET", "/Contacts")).status).toBe(200);
    expect(await h.client.restStats()).toMatchObject({ requests: 6, ok: 5, rateLimited: 1 });
  });
});

describe("faults and latency on REST calls", () => {
  it("a fault with the default reqTypes applies to REST calls; reqTypes limit it", async () => {
    await h.client.faults({ count: 1, status: 500 });
    const res = await api("GET", "/Contacts");
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ code: 1, message: "Simulated fault: HTTP 500" });
    expect((await api("GET", "/Contacts")).status).toBe(200);

    await h.client.faults({ count: 1, status: 503, reqTypes: ["sale"] });
    expect((await api("GET", "/Contacts")).status).toBe(200);
    await h.client.clearFaults();
    await h.client.faults({ count: 1, status: 502, reqTypes: ["rest"] });
    expect((await postNotification(h.sim.url, { key: "nope", reqType: "sale", data: SAMPLE_SALE })).status).toBe(401);
    expect((await api("GET", "/Contacts")).status).toBe(502);

    await h.client.faults({ count: 1, malformed: true });
    const malformed = await api("GET", "/Contacts");
    expect(malformed.status).toBe(200);
    expect(malformed.text).toBe(MALFORMED_JSON_BODY);

    await h.client.faults({ count: 1, drop: true });
    await expect(api("GET", "/Contacts")).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|socket hang up/) });

    await h.client.faults({ count: 1, delayMs: 150 });
    const t0 = performance.now();
    const slow = await api("POST", "/Contacts/saveorupdate", { json: { email: "slow@example.com" } });
    expect(slow.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);

    const statuses = (await h.client.restRequests({ path: "/Contacts" })).map((r) => r.status);
    expect(statuses).toEqual([500, 200, 200, 502, 200, 0]);
    expect(await h.client.restStats()).toEqual({
      requests: 7,
      ok: 3,
      failed: 0,
      unauthorized: 0,
      rateLimited: 0,
      faulted: 4,
      transactions: 0,
      duplicateTransactions: 0,
    });
  });

  it("the latency of an App ID applies to its calls", async () => {
    await h.client.setLatency({ baseMs: 150, jitterMs: 0, key: APP });
    const t0 = performance.now();
    expect((await api("GET", "/Contacts")).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    await h.client.setLatency({ hang: true, key: APP });
    const hung = api("GET", "/Contacts");
    let settled = false;
    hung.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    await h.client.setLatency({ baseMs: 0, jitterMs: 0, key: APP });
    expect((await api("GET", "/Contacts")).status).toBe(200);
    expect((await h.client.restRequests()).length).toBe(3); // the hung call was recorded
  });
});

describe("the minimal call sequences of ontraport-rest.md", () => {
  it("logs a paid outside order with tags, then refunds it", async () => {
    // 1. key check
    expect((await api("GET", "/objects", { query: { objectID: 0, range: 1 } })).status).toBe(200);
    // 2. contact
    const contactId = await contact("ann@example.com");
    // 3. products: look up by external_id, create when missing
    const productIds: string[] = [];
    for (const [name, price] of [["Widget", 10], ["Gadget", 5]] as const) {
      const found = data<{ id: string }[]>(await api("GET", "/Products", { query: { condition: cond("external_id", "=", name) } }));
      productIds.push(found[0]?.id ?? data(await api("POST", "/Products", { json: { name, price, external_id: name } })).id ?? "");
    }
    expect(productIds).toEqual(["1", "2"]);
    // 4. tax
    const taxes = data<{ id: string }[]>(await api("GET", "/objects", { query: { objectID: 63, condition: cond("name", "=", "Sales Tax") } }));
    expect(taxes).toEqual([]);
    const taxId = await tax();
    // 5. duplicate check, 6. processManual (the page's example body)
    expect(data(await api("GET", "/Transactions", { query: { condition: cond("external_order_id", "=", "1001") } }))).toEqual([]);
    const logged = await api("POST", "/transaction/processManual", {
      json: {
        contact_id: Number(contactId),
        chargeNow: "chargeLog",
        trans_date: 1718031600000,
        invoice_template: -1,
        external_order_id: "1001",
        offer: {
          products: [
            { id: Number(productIds[0]), quantity: 2, price: [{ price: 10.0 }], total: 20.0, tax: true, taxable: true, shipping: false, type: "single" },
            { id: Number(productIds[1]), quantity: 1, price: [{ price: 5.0 }], total: 5.0, tax: true, taxable: true, shipping: false, type: "single" },
          ],
          taxes: [{ id: Number(taxId), name: "Sales Tax", rate: 8.25, taxShipping: false, taxTotal: 2.06 }],
          subTotal: 25.0,
          grandTotal: 27.06,
          hasTaxes: true,
          hasShipping: false,
        },
      },
    });
    const invoiceId = data<{ invoice_id: string }>(logged).invoice_id;
    // 7. tags
    await api("PUT", "/objects/tagByName", { json: { objectID: 0, ids: [Number(contactId)], add_names: ["Bought: Widget", "Bought: Gadget"] } });
    // refund: 1. refund, 2. read back, 3. untag
    await api("PUT", "/transaction/refund", { json: { ids: [Number(invoiceId)] } });
    expect(data(await api("GET", "/Transaction", { query: { id: invoiceId } }))).toMatchObject({ status: "2", total: "27.06" });
    await api("DELETE", "/objects/tagByName", { json: { objectID: 0, ids: [Number(contactId)], remove_names: ["Bought: Widget"] } });
    expect((await h.client.restObjects(0))[0]?.contact_cat).toBe("*/*2*/*");
    expect(await h.client.restStats()).toMatchObject({ requests: 14, ok: 14, transactions: 1, duplicateTransactions: 0 });
  });
});

describe("control API", () => {
  it("records every call without the key, filters by path and App ID", async () => {
    await h.client.setRestAccount("app-2", "key-2");
    await api("POST", "/Contacts/saveorupdate", { json: { email: "ann@example.com" } });
    await api("GET", "/objects", { query: { objectID: 0, range: 1 }, appId: "app-2", key: "key-2" });
    await api("GET", "/Contacts", { key: "wrong" });
    const all = await h.client.restRequests();
    expect(all).toHaveLength(3);
    expect(all[0]).toMatchObject({
      seq: 1,
      receivedAt: "2026-11-25T17:00:00.000Z",
      method: "POST",
      path: "/1/Contacts/saveorupdate",
      query: {},
      body: { email: "ann@example.com" },
      status: 200,
      response: { code: 0, data: { id: "1", email: "ann@example.com" } },
      appIdFingerprint: keyFingerprint(APP),
    });
    expect(all[1]).toMatchObject({ query: { objectID: "0", range: "1" }, body: null });
    expect(all[2]).toMatchObject({ status: 401 });
    const text = JSON.stringify(all);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain("key-2");
    expect((await h.client.restRequests({ path: "/1/contacts/saveorupdate" })).map((r) => r.seq)).toEqual([1]);
    expect((await h.client.restRequests({ appId: "app-2" })).map((r) => r.seq)).toEqual([2]);
    expect((await h.client.restObjects(0, { appId: "app-2" }))).toEqual([]);
    expect((await h.client.restObjects(0, { appId: APP }))).toHaveLength(1);
    const badCondition = await httpRequest(`${h.sim.url}/__sim/rest/objects/0?condition=%5B`, "GET");
    expect(badCondition.status).toBe(400);
    expect((await httpRequest(`${h.sim.url}/__sim/rest/objects/abc`, "GET")).status).toBe(400);
  });

  it("reset clears the REST data and calls; reset all restores the start-up accounts", async () => {
    await contact();
    await h.client.setRestAccount("app-2", "key-2");
    await h.client.setRestAccount(APP, KEY, "stale");
    await h.client.reset();
    expect(await h.client.restStats()).toMatchObject({ requests: 0, ok: 0 });
    expect(await h.client.restObjects(0)).toEqual([]);
    expect(await h.client.restRequests()).toEqual([]);
    expect((await h.client.restAccounts()).map((a) => [a.appId, a.state])).toEqual([
      [APP, "stale"],
      ["app-2", "valid"],
    ]);
    await h.client.reset({ all: true });
    expect((await h.client.restAccounts()).map((a) => [a.appId, a.state])).toEqual([[APP, "valid"]]);
    expect(await contact()).toBe("1"); // ids count from 1 again
  });

  it("names the REST base URL", () => {
    expect(h.sim.restUrl).toBe(`${h.sim.url}/1`);
    expect(new SimClient(`${h.sim.url}/`).restUrl).toBe(h.sim.restUrl);
  });

  it("answers the cheap key checks (objects?range=1, objects/meta)", async () => {
    expect(data(await api("GET", "/objects/meta", { query: { format: "byId", objectID: 0 } }))).toEqual({ "0": { name: "Contact", fields: {} } });
    expect((await api("GET", "/objects/meta", { key: "wrong" })).status).toBe(401);
  });

  it("unknown endpoints answer 404 JSON, bad bodies 400", async () => {
    const res = await api("GET", "/Nowhere");
    expect(res.status).toBe(404);
    expect(res.body.code).toBe(1);
    const bad = await api("POST", "/Contacts/saveorupdate", { raw: "{nope", contentType: "application/json" });
    expect(bad.status).toBe(400);
    // JSON without a Content-Type is read as JSON
    const noType = await api("POST", "/Contacts/saveorupdate", { raw: '{"email":"x@example.com"}' });
    expect(data(noType)).toMatchObject({ email: "x@example.com" });
  });
});
