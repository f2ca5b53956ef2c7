import { describe, expect, it } from "vitest";
import { withSimulator } from "@/tools/testing/simulator";
import { AFFILIATE_APPROVED_TAG, AFFILIATE_TAG, deliverAffiliate, emptyAffiliateState, referrerOptions } from "./affiliate";
import { deliverAutoOrderStatus, emptyAutoOrderState, subscriptionTag } from "./auto-order";
import { MemoryProductCache } from "./cache";
import { buildContactBody } from "./contact";
import { affiliateSignup, autoOrderStatus, contact, refund, sale } from "./fixtures";
import { nodeSend, type RestContext } from "./http";
import { buildRefundNote, deliverRefund, emptyRefundState, PARTIAL_REFUND_TAG } from "./refund";
import { deliverSale, emptySaleState } from "./sale";
import { testRestConnection } from "./test-connection";

// Refunds, auto order status, affiliates and Test connection over real HTTP against the simulator.

const APP = "app-ops";
const KEY = "key-ops";
const h = withSimulator({ port: 0, restAccounts: [{ appId: APP, key: KEY }] });

const ctx = (over: Partial<RestContext> = {}): RestContext => ({ baseUrl: `${h.sim.url}/1`, appId: APP, apiKey: KEY, timeoutMs: 10_000, ...over });

/** Tag names on the contact with this e-mail. */
async function tagsOf(email: string): Promise<string[]> {
  const [c] = await h.client.restObjects(0, { appId: APP, condition: [{ field: { field: "email" }, op: "=", value: { value: email } }] });
  const ids = (c?.contact_cat ?? "").split("*/*").filter((x) => x !== "");
  const tags = await h.client.restObjects(14, { appId: APP });
  return ids.map((id) => tags.find((t) => t.tag_id === id)?.tag_name ?? `?${id}`);
}

describe("deliverRefund", () => {
  it("a complete refund marks the Sale's transaction refunded (status 2)", async () => {
    const s = await deliverSale(ctx(), sale("DEMO-1"), emptySaleState(), new MemoryProductCache());
    const r = await deliverRefund(ctx(), refund("DEMO-1", "full"), emptyRefundState(), { invoiceId: s.state.invoiceId });
    expect(r.outcome).toEqual({ kind: "delivered" });
    expect(r.steps.map((x) => `${x.method} ${x.path}`)).toEqual(["PUT /transaction/refund"]);
    expect(r.steps[0]?.requestJson).toEqual({ objectID: 46, ids: [Number(s.state.invoiceId)] });
    expect(r.explanation).toContain("complete refund");
    const [t] = await h.client.restObjects(46, { appId: APP });
    expect(t?.status).toBe("2");
  });

  it("a complete refund refused because an earlier attempt already refunded it counts as done", async () => {
    const s = await deliverSale(ctx(), sale("DEMO-6"), emptySaleState(), new MemoryProductCache());
    await deliverRefund(ctx(), refund("DEMO-6", "full"), emptyRefundState(), { invoiceId: s.state.invoiceId });
    // An ONTRAPORT that refuses to refund a refunded transaction.
    const send: RestContext["send"] = async (r) =>
      r.url.endsWith("/transaction/refund") ? { status: 400, headers: {}, body: '{"code":1,"message":"Transaction already refunded"}', error: null, written: true } : nodeSend(r);
    const again = await deliverRefund(ctx({ send }), refund("DEMO-6", "full"), emptyRefundState(), { invoiceId: s.state.invoiceId });
    expect(again.outcome).toEqual({ kind: "delivered" });
    expect(again.steps.map((x) => `${x.method} ${x.path} ${x.status}`)).toEqual(["PUT /transaction/refund 400", "GET /Transaction 200"]);
    expect(again.explanation).toContain("already refunded");
    // Not refunded yet and refused: the refusal stands.
    const s2 = await deliverSale(ctx(), sale("DEMO-7"), emptySaleState(), new MemoryProductCache());
    const refused = await deliverRefund(ctx({ send }), refund("DEMO-7", "full"), emptyRefundState(), { invoiceId: s2.state.invoiceId });
    expect(refused.outcome.kind).toBe("rejected");
  });

  it("a complete refund without a kept invoice id finds the transaction by order id, or says there is none", async () => {
    await deliverSale(ctx(), sale("DEMO-2"), emptySaleState(), new MemoryProductCache());
    const r = await deliverRefund(ctx(), refund("DEMO-2", "full"), emptyRefundState(), { invoiceId: null });
    expect(r.outcome).toEqual({ kind: "delivered" });
    expect((await h.client.restObjects(46, { appId: APP }))[0]?.status).toBe("2");
    const none = await deliverRefund(ctx(), refund("DEMO-404", "full"), emptyRefundState(), { invoiceId: null });
    expect(none.outcome.kind).toBe("rejected");
    expect(none.outcome.kind === "rejected" && none.outcome.message).toContain("No ONTRAPORT transaction is known for order DEMO-404");
  });

  it("a partial refund leaves a note with the refund number, amounts and reason, and the tag; the transaction stays paid", async () => {
    const s = await deliverSale(ctx(), sale("DEMO-3"), emptySaleState(), new MemoryProductCache());
    const snap = refund("DEMO-3", "partial", "R-77");
    const r = await deliverRefund(ctx(), snap, emptyRefundState(), { invoiceId: s.state.invoiceId, contactId: s.state.contactId });
    expect(r.outcome).toEqual({ kind: "delivered" });
    expect(r.steps.map((x) => `${x.method} ${x.path}`)).toEqual(["POST /objects", "PUT /objects/tagByName"]);
    expect(r.explanation).toContain("can only refund a whole transaction");
    const [note] = await h.client.restObjects(12, { appId: APP });
    expect(note).toMatchObject({ contact_id: s.state.contactId, data: buildRefundNote(snap) });
    expect(note?.data).toContain("Partial refund R-77 of order DEMO-3");
    expect(note?.data).toContain("Gadget (item GAD-1) x 1: $5.00");
    expect(note?.data).toContain("Total refunded: $5.40");
    expect(note?.data).toContain("Reason: Changed mind");
    expect(await tagsOf("ann@example.com")).toEqual([PARTIAL_REFUND_TAG]);
    expect((await h.client.restObjects(46, { appId: APP }))[0]?.status).toBe("1");
  });

  it("a partial refund with a contact id that is gone upserts the contact and leaves the note once", async () => {
    await deliverSale(ctx(), sale("DEMO-5"), emptySaleState(), new MemoryProductCache());
    const r = await deliverRefund(ctx(), refund("DEMO-5", "partial"), emptyRefundState(), { invoiceId: "1", contactId: "999" });
    expect(r.outcome).toEqual({ kind: "delivered" });
    expect(r.steps.map((x) => `${x.method} ${x.path} ${x.status}`)).toEqual(["POST /objects 400", "POST /Contacts/saveorupdate 200", "POST /objects 200", "PUT /objects/tagByName 200"]);
    expect(await h.client.restObjects(12, { appId: APP })).toHaveLength(1);
  });

  it("a price adjustment is a note too (upserting the contact when its id is not known); a retry after an unknown note does not add a second", async () => {
    await deliverSale(ctx(), sale("DEMO-4"), emptySaleState(), new MemoryProductCache());
    const snap = refund("DEMO-4", "adjustment", "R-8");
    let notes = 0;
    const hold: RestContext["beforeCall"] = async (c) => {
      if (c.path === "/objects" && c.method === "POST" && ++notes === 1) {
        await fetch(`${h.sim.url}/__sim/faults`, { method: "POST", body: JSON.stringify({ count: 1, delayMs: 3_000, reqTypes: ["rest"] }) });
      }
    };
    const a = await deliverRefund(ctx({ beforeCall: hold, send: (r) => nodeSend(r.method === "POST" && r.url.endsWith("/objects") ? { ...r, timeoutMs: 400 } : r) }), snap, emptyRefundState(), { invoiceId: null });
    expect(a.outcome.kind).toBe("unknown");
    expect(a.state.noteUncertain).toBe(true);
    const b = await deliverRefund(ctx(), snap, a.state, { invoiceId: null });
    expect(b.outcome).toEqual({ kind: "delivered" });
    expect(b.steps.map((x) => `${x.method} ${x.path}`)).toEqual(["GET /objects", "PUT /objects/tagByName"]);
    const all = await h.client.restObjects(12, { appId: APP });
    expect(all).toHaveLength(1);
    expect(all[0]?.data).toContain("Price adjustment R-8 of order DEMO-4");
    expect(all[0]?.data).toContain("Adjustment: $3.00");
  });
});

describe("deliverAutoOrderStatus", () => {
  it("keeps one status tag per subscribed item: the previous one removed, the new one added", async () => {
    const first = await deliverAutoOrderStatus(ctx(), autoOrderStatus("active", null), emptyAutoOrderState());
    expect(first.outcome).toEqual({ kind: "delivered" });
    expect(first.steps.map((x) => `${x.method} ${x.path}`)).toEqual(["POST /Contacts/saveorupdate", "PUT /objects/tagByName"]);
    expect(await tagsOf("ann@example.com")).toEqual(["Coffee Club subscription: active"]);
    const declined = await deliverAutoOrderStatus(ctx(), autoOrderStatus("card declined", "active"), emptyAutoOrderState());
    expect(declined.outcome).toEqual({ kind: "delivered" });
    expect(declined.steps.map((x) => `${x.method} ${x.path}`)).toEqual(["POST /Contacts/saveorupdate", "DELETE /objects/tagByName", "PUT /objects/tagByName"]);
    expect(declined.steps[1]?.query).toEqual({ objectID: 0, ids: [1], remove_names: ["Coffee Club subscription: active"] });
    expect(declined).toMatchObject({ added: "Coffee Club subscription: card declined", removed: "Coffee Club subscription: active" });
    expect(await tagsOf("ann@example.com")).toEqual([subscriptionTag("Coffee Club", "card declined")]);
  });

  it("a retry resumes after the removal that already happened", async () => {
    await deliverAutoOrderStatus(ctx(), autoOrderStatus("active", null), emptyAutoOrderState());
    let n = 0;
    const failAdd: RestContext["beforeCall"] = async (c) => {
      if (c.method === "PUT" && ++n === 1) await fetch(`${h.sim.url}/__sim/faults`, { method: "POST", body: JSON.stringify({ count: 1, status: 500, reqTypes: ["rest"] }) });
    };
    const a = await deliverAutoOrderStatus(ctx({ beforeCall: failAdd }), autoOrderStatus("cancelled", "active"), emptyAutoOrderState());
    expect(a.outcome.kind).toBe("transient");
    expect(a.state).toEqual({ contactId: "1", previousRemoved: true, tagAdded: false });
    const b = await deliverAutoOrderStatus(ctx(), autoOrderStatus("cancelled", "active"), a.state);
    expect(b.steps.map((x) => `${x.method} ${x.path}`)).toEqual(["PUT /objects/tagByName"]);
    expect(await tagsOf("ann@example.com")).toEqual(["Coffee Club subscription: cancelled"]);
  });
});

describe("deliverAffiliate", () => {
  it("a sign-up tags the affiliate's contact; approval adds and unapproval removes 'Affiliate approved'", async () => {
    const pending = await deliverAffiliate(ctx(), affiliateSignup(42, false), emptyAffiliateState());
    expect(pending.outcome).toEqual({ kind: "delivered" });
    expect(await tagsOf("pat@example.com")).toEqual([AFFILIATE_TAG]);
    const approved = await deliverAffiliate(ctx(), affiliateSignup(42, true), emptyAffiliateState());
    expect(approved.steps.map((x) => `${x.method} ${x.path}`)).toEqual(["POST /Contacts/saveorupdate", "PUT /objects/tagByName"]);
    expect(await tagsOf("pat@example.com")).toEqual([AFFILIATE_TAG, AFFILIATE_APPROVED_TAG]);
    const revoked = await deliverAffiliate(ctx(), affiliateSignup(42, false), emptyAffiliateState());
    expect(revoked.steps.map((x) => `${x.method} ${x.path}`)).toEqual(["POST /Contacts/saveorupdate", "PUT /objects/tagByName", "DELETE /objects/tagByName"]);
    expect(await tagsOf("pat@example.com")).toEqual([AFFILIATE_TAG]);
    expect(await h.client.restObjects(0, { appId: APP })).toHaveLength(1);
  });

  it("a sign-up known never to have been approved is only tagged 'Affiliate'", async () => {
    const r = await deliverAffiliate(ctx(), affiliateSignup(9, false), emptyAffiliateState(), { wasApproved: false });
    expect(r.steps.map((x) => `${x.method} ${x.path}`)).toEqual(["POST /Contacts/saveorupdate", "PUT /objects/tagByName"]);
    expect(await tagsOf("pat@example.com")).toEqual([AFFILIATE_TAG]);
  });

  it("the saleorupdate body builder takes the referrer option", () => {
    expect(buildContactBody(contact())).not.toHaveProperty("lreferrer");
    const credited = contact({ affiliate: { id: 7, approved: true } });
    expect(buildContactBody(credited, referrerOptions(credited))).toMatchObject({ lreferrer: "7" });
    expect(buildContactBody(credited, referrerOptions(credited))).not.toHaveProperty("freferrer");
    expect(buildContactBody(credited, referrerOptions(credited, { newContact: true }))).toMatchObject({ lreferrer: "7", freferrer: "7" });
    expect(buildContactBody(contact({ firstName: " Ann\n\tMarie " })).firstname).toBe("Ann Marie");
  });
});

describe("testRestConnection", () => {
  it("Valid, Rejected key, No permission, Unreachable", async () => {
    const valid = await testRestConnection(ctx());
    expect(valid).toMatchObject({ result: "valid", code: 200 });
    expect(valid.step.query).toEqual({ objectID: 0, range: 1 });
    const rejected = await testRestConnection(ctx({ apiKey: "nope" }));
    expect(rejected).toMatchObject({ result: "rejected_key", code: 401 });
    expect(rejected.message).toContain("Your App ID and API Key do not authenticate.");
    await h.client.setRestAccount(APP, KEY, "forbidden");
    expect(await testRestConnection(ctx())).toMatchObject({ result: "no_permission", code: 403 });
    const down = await testRestConnection(ctx({ baseUrl: "http://127.0.0.1:1/1" }));
    expect(down).toMatchObject({ result: "unreachable", code: null });
    expect(down.message).toContain("could not be reached");
    await fetch(`${h.sim.url}/__sim/faults`, { method: "POST", body: JSON.stringify({ count: 1, status: 503, reqTypes: ["rest"] }) });
    await h.client.setRestAccount(APP, KEY, "valid");
    expect(await testRestConnection(ctx())).toMatchObject({ result: "unreachable", code: 503 });
  });
});
