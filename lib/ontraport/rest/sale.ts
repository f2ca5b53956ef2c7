import { TAX_RATE_BASIS_POINTS } from "@/lib/store/pricing";
import type { Outcome } from "../engine/outcome";
import { saleTotalCents, type SaleSnapshot } from "../xml/payload";
import type { ProductCache } from "./cache";
import { upsertContact } from "./contact";
import type { RestContext, RestStep, RestValue } from "./http";
import { amount, Attempt, cleanTags, condition, idOf, idValue, obj, rowsOf, tagCall, type CallResult } from "./run";

// One Sale over REST (docs/ontraport-rest.md, "A Sale"): several calls, resumable. What each call
// taught (contact id, product and tax ids, invoice id, tags applied) is kept in SaleState, which the
// caller stores with the attempt and hands back on the retry, so the retry starts at the call that
// failed. ONTRAPORT has no idempotency key: once a processManual call may have been processed
// without us reading its answer, the next attempt first looks the transaction up and adopts it.

export interface SaleState {
  contactId: string | null;
  /** The contact was created by this Sale's upsert (its first referrer may still need setting). */
  contactCreated: boolean;
  /** `freferrer` was set on the new contact (only for a Sale credited to an affiliate). */
  firstReferrerSet: boolean;
  /** ONTRAPORT product ids by "Sent as" name. */
  productIds: Record<string, string>;
  taxId: string | null;
  /** The transaction's id (`data.invoice_id`): keep it with the order, refunds need it. */
  invoiceId: string | null;
  tagsApplied: boolean;
  /** processManual may have logged the sale without our reading the answer: look it up before posting again. */
  transactionUncertain: boolean;
}

export function emptySaleState(): SaleState {
  return { contactId: null, contactCreated: false, firstReferrerSet: false, productIds: {}, taxId: null, invoiceId: null, tagsApplied: false, transactionUncertain: false };
}

export interface SaleOptions {
  /** The previous attempt's outcome was unknown: look the transaction up before any processManual. */
  reconcile?: boolean;
  /** Tags for the buyer: the items' ONTRAPORT tags plus the store-wide "tag every buyer" (one call). */
  tags?: readonly string[];
  /** The order's tax rate in basis points (800 = 8%); default: the store's rate. */
  taxRateBasisPoints?: number;
  /** When the order was paid (`trans_date`); default: the order's date. */
  paidAt?: Date;
  /**
   * The affiliate credited with the sale (`lreferrer`, and `freferrer` on a new contact); default:
   * the snapshot contact's affiliate id; null: none.
   */
  referrerId?: string | null;
}

export interface SaleResult {
  outcome: Outcome;
  /** Every call made, in order. */
  steps: RestStep[];
  /** What is known now; hand it back on the retry. */
  state: SaleState;
  /** What happened beyond the calls, in words, for the log. */
  notes: string[];
}

/** "Sales tax 8%", "Sales tax 8.25%". */
export function taxName(basisPoints: number): string {
  return `Sales tax ${formatRate(basisPoints)}%`;
}

function formatRate(bp: number): string {
  return String(Math.round(bp) / 100);
}

/** The processManual body (pure). */
export function buildProcessManualBody(
  s: SaleSnapshot,
  ids: { contactId: string; productIds: Record<string, string>; taxId: string | null },
  opts: Pick<SaleOptions, "taxRateBasisPoints" | "paidAt"> = {},
): Record<string, RestValue> {
  const o = s.order;
  const hasTaxes = o.taxCents > 0;
  const bp = opts.taxRateBasisPoints ?? TAX_RATE_BASIS_POINTS;
  const products: RestValue[] = o.lines.map((l) => {
    const id = ids.productIds[l.productName];
    if (id === undefined) throw new Error(`no ONTRAPORT product id for "${l.productName}"`);
    return {
      id: idValue(id),
      quantity: l.quantity,
      price: [{ price: amount(l.unitPriceCents) }],
      total: amount(l.totalCents),
      // Both spellings of the tax flag (ONTRAPORT's SDK says `tax`, other clients `taxable`).
      tax: hasTaxes,
      taxable: hasTaxes,
      shipping: false,
      type: "single",
    };
  });
  const taxes: RestValue[] = [];
  if (hasTaxes) {
    if (ids.taxId === null) throw new Error("no ONTRAPORT tax id");
    taxes.push({ id: idValue(ids.taxId), name: taxName(bp), rate: bp / 100, taxShipping: false, taxTotal: amount(o.taxCents) });
  }
  return {
    contact_id: idValue(ids.contactId),
    chargeNow: "chargeLog",
    trans_date: transDateMs(s, opts),
    invoice_template: -1,
    external_order_id: o.id,
    offer: {
      products,
      taxes,
      // Merchandise after discounts; shipping and handling never appear.
      subTotal: amount(o.subtotalCents - o.discountCents),
      grandTotal: amount(saleTotalCents(s)),
      hasTaxes,
      hasShipping: false,
    },
  };
}

function transDateMs(s: SaleSnapshot, opts: Pick<SaleOptions, "paidAt">): number {
  return (opts.paidAt ?? s.order.date).getTime();
}

type Failure = Extract<CallResult, { ok: false }>;

/** Statuses ONTRAPORT answers before it processes anything: the call certainly did not log a sale. */
function certainlyNotProcessed(step: RestStep | null): boolean {
  if (step === null) return true;
  if (step.status === null) return !step.written;
  return [400, 401, 403, 404, 409, 422, 429].includes(step.status);
}

async function findOrCreate(
  attempt: Attempt,
  cache: ProductCache,
  kind: "product" | "tax",
  name: string,
  create: Record<string, RestValue>,
): Promise<{ ok: true; id: string; created: boolean } | Failure> {
  const find =
    kind === "product"
      ? await attempt.call({ method: "GET", path: "/Products", params: { condition: condition(["name", "=", name]), range: 50 } })
      : await attempt.call({ method: "GET", path: "/objects", params: { objectID: 63, condition: condition(["name", "=", name]), range: 50 } });
  if (!find.ok) return find;
  // ONTRAPORT compares without regard to case; only the exact name counts here.
  const match = rowsOf(find.data).find((r) => r.name === name && !["1", "true"].includes(String(r.deleted ?? "")));
  const found = match ? idOf(match.id) : null;
  if (found !== null) {
    await cache.set(kind, name, found);
    return { ok: true, id: found, created: false };
  }
  const made =
    kind === "product"
      ? await attempt.call({ method: "POST", path: "/Products", params: create })
      : await attempt.call({ method: "POST", path: "/objects", params: { objectID: 63, ...create } });
  if (!made.ok) return made;
  const id = idOf(obj(made.data)?.id);
  if (id === null) return { ok: false, step: made.step, outcome: { kind: "unknown", message: `${made.step.method} /1${made.step.path} answered without an id` } };
  await cache.set(kind, name, id);
  return { ok: true, id, created: true };
}

/**
 * Look for the transaction an earlier attempt may have logged: by `external_order_id`, else among
 * the contact's transactions one with the same date (to the second) and total and no other order id.
 */
async function lookUpTransaction(attempt: Attempt, s: SaleSnapshot, contactId: string, opts: SaleOptions): Promise<{ ok: true; invoiceId: string | null; how: string } | Failure> {
  const orderId = s.order.id;
  const byOrder = await attempt.call({ method: "GET", path: "/Transactions", params: { condition: condition(["external_order_id", "=", orderId]), range: 50 } });
  if (byOrder.ok) {
    const hit = rowsOf(byOrder.data).find((r) => String(r.external_order_id ?? "") === orderId);
    const id = hit ? idOf(hit.id) : null;
    if (id !== null) return { ok: true, invoiceId: id, how: `by external_order_id ${orderId}` };
  } else if (byOrder.outcome.kind !== "rejected") {
    return byOrder; // a refusal of the condition falls through to the contact's transactions
  }
  const byContact = await attempt.call({
    method: "GET",
    path: "/Transactions",
    params: { condition: condition(["contact_id", "=", Number(contactId) || contactId]), sort: "date", sortDir: "desc", range: 50 },
  });
  if (!byContact.ok) return byContact;
  const seconds = Math.floor(transDateMs(s, opts) / 1000);
  const total = saleTotalCents(s);
  const hit = rowsOf(byContact.data).find((r) => {
    const ext = String(r.external_order_id ?? "");
    return (
      String(r.contact_id ?? contactId) === contactId &&
      Number(r.date) === seconds &&
      Math.round(Number(r.total) * 100) === total &&
      (ext === "" || ext === "0" || ext === orderId)
    );
  });
  const id = hit ? idOf(hit.id) : null;
  return { ok: true, invoiceId: id, how: "among the contact's transactions, by date and total" };
}

export async function deliverSale(ctx: RestContext, snapshot: SaleSnapshot, state: SaleState, cache: ProductCache, opts: SaleOptions = {}): Promise<SaleResult> {
  const st: SaleState = { ...emptySaleState(), ...state, productIds: { ...state.productIds } };
  const attempt = new Attempt(ctx);
  const notes: string[] = [];
  const done = (outcome: Outcome): SaleResult => ({ outcome, steps: attempt.steps, state: st, notes });
  const fail = (f: Failure): SaleResult => done(f.outcome);
  const o = snapshot.order;
  const referrer = opts.referrerId === undefined ? (o.contact.affiliate ? String(o.contact.affiliate.id) : null) : opts.referrerId;
  const bp = opts.taxRateBasisPoints ?? TAX_RATE_BASIS_POINTS;
  const names = [...new Set(o.lines.map((l) => l.productName))];
  // What this attempt learned from ONTRAPORT itself (not from the cache or an earlier attempt).
  let contactFresh = false;
  const freshProducts = new Set<string>();
  let taxFresh = false;

  const ensureContact = async (): Promise<Failure | null> => {
    if (st.contactId !== null) return null;
    const r = await upsertContact(attempt, o.contact, referrer === null ? {} : { referrer: { affiliateId: referrer } });
    if (!r.ok) return r;
    st.contactId = r.result.contactId;
    st.contactCreated = r.result.created;
    contactFresh = true;
    return null;
  };

  let f = await ensureContact();
  if (f) return fail(f);

  if (referrer !== null && st.contactCreated && !st.firstReferrerSet) {
    const r = await attempt.call({ method: "PUT", path: "/objects", params: { objectID: 0, id: idValue(st.contactId as string), freferrer: referrer } });
    if (!r.ok) return fail(r);
    st.firstReferrerSet = true;
  }

  if (st.invoiceId === null && (opts.reconcile || st.transactionUncertain)) {
    const r = await lookUpTransaction(attempt, snapshot, st.contactId as string, opts);
    if (!r.ok) {
      st.transactionUncertain = true;
      return fail(r);
    }
    if (r.invoiceId !== null) {
      st.invoiceId = r.invoiceId;
      st.transactionUncertain = false;
      notes.push(`An earlier attempt had already logged this sale (transaction ${r.invoiceId}, found ${r.how}): adopted, not logged again.`);
    } else {
      st.transactionUncertain = false;
      notes.push("Looked for a transaction an earlier attempt may have logged: none found, so the sale is logged now.");
    }
  }

  const resolveIds = async (): Promise<Failure | null> => {
    for (const name of names) {
      if (st.productIds[name] !== undefined) continue;
      const cached = await cache.get("product", name);
      if (cached !== null) {
        st.productIds[name] = cached;
        continue;
      }
      const line = o.lines.find((l) => l.productName === name);
      const r = await findOrCreate(attempt, cache, "product", name, { name, price: amount(line?.unitPriceCents ?? 0), external_id: line?.itemId ?? "" });
      if (!r.ok) return r;
      st.productIds[name] = r.id;
      freshProducts.add(name);
      if (r.created) notes.push(`Created the product "${name}" in ONTRAPORT (id ${r.id}).`);
    }
    if (o.taxCents > 0 && st.taxId === null) {
      const name = taxName(bp);
      const cached = await cache.get("tax", name);
      if (cached !== null) {
        st.taxId = cached;
      } else {
        const r = await findOrCreate(attempt, cache, "tax", name, { name, rate: bp / 100 });
        if (!r.ok) return r;
        st.taxId = r.id;
        taxFresh = true;
        if (r.created) notes.push(`Created the tax "${name}" in ONTRAPORT (id ${r.id}).`);
      }
    }
    return null;
  };

  if (st.invoiceId === null) {
    for (let round = 0; ; round++) {
      f = await resolveIds();
      if (f) return fail(f);
      const r = await attempt.call({
        method: "POST",
        path: "/transaction/processManual",
        params: buildProcessManualBody(snapshot, { contactId: st.contactId as string, productIds: st.productIds, taxId: st.taxId }, opts),
      });
      if (r.ok) {
        const invoiceId = idOf(obj(r.data)?.invoice_id) ?? idOf(obj(r.data)?.transaction_id);
        if (invoiceId === null) {
          st.transactionUncertain = true;
          return done({ kind: "unknown", message: "POST /1/transaction/processManual answered without an invoice_id: the sale may be logged; the next attempt looks it up" });
        }
        st.invoiceId = invoiceId;
        st.transactionUncertain = false;
        break;
      }
      if (!certainlyNotProcessed(r.step)) {
        st.transactionUncertain = true;
        return fail(r);
      }
      // Refused: if it used ids not confirmed by ONTRAPORT in this attempt (cache, earlier attempt),
      // one of them may be gone: forget them all and look everything up again, once.
      const stale = [
        ...names.filter((n) => !freshProducts.has(n)).map((n) => ({ kind: "product" as const, name: n })),
        ...(o.taxCents > 0 && !taxFresh ? [{ kind: "tax" as const, name: taxName(bp) }] : []),
      ];
      if (r.outcome.kind !== "rejected" || round > 0 || (stale.length === 0 && contactFresh)) return fail(r);
      for (const e of stale) {
        await cache.drop(e.kind, e.name);
        if (e.kind === "product") delete st.productIds[e.name];
        else st.taxId = null;
      }
      notes.push(`ONTRAPORT refused the transaction (${r.outcome.message}); forgot the remembered ids (${stale.map((e) => `${e.kind} "${e.name}"`).join(", ") || "contact"}) and looked them up again.`);
      if (!contactFresh) {
        st.contactId = null;
        st.contactCreated = false;
        f = await ensureContact();
        if (f) return fail(f);
      }
    }
  }

  const tags = cleanTags(opts.tags ?? []);
  if (tags.length > 0 && !st.tagsApplied) {
    const r = await attempt.call(tagCall("PUT", st.contactId as string, tags));
    if (!r.ok) return fail(r);
    st.tagsApplied = true;
  }
  return done({ kind: "delivered" });
}
