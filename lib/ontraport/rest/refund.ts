import { formatMoney } from "@/lib/money";
import type { Outcome } from "../engine/outcome";
import { refundAmountCents, type RefundSnapshot } from "../xml/payload";
import { upsertContact } from "./contact";
import type { RestContext, RestStep } from "./http";
import { Attempt, condition, idOf, idValue, obj, rowsOf, tagCall } from "./run";

// A refund over REST. ONTRAPORT's API refunds whole transactions only (`PUT /1/transaction/refund`
// takes ids, no amount), so:
// - a complete refund refunds the Sale's transaction (its invoice id);
// - a partial refund or a price adjustment leaves a Note on the contact (objectID 12) with the
//   refund number, amounts and reason, and the tag "Partial refund" (a campaign can start from it).
// Never before the Sale was delivered: the engine holds a refund until then.

export const PARTIAL_REFUND_TAG = "Partial refund";

export interface RefundState {
  contactId: string | null;
  /** The note was created (its id). */
  noteId: string | null;
  /** A note call may have been processed without our reading the answer: look before adding another. */
  noteUncertain: boolean;
  tagApplied: boolean;
  refunded: boolean;
}

export function emptyRefundState(): RefundState {
  return { contactId: null, noteId: null, noteUncertain: false, tagApplied: false, refunded: false };
}

export interface RefundOptions {
  /** The Sale's transaction id (`invoice_id` of its processManual); null when unknown. */
  invoiceId: string | null;
  /** The Sale's contact id, when known (saves the upsert of a partial refund). */
  contactId?: string | null;
}

export interface RefundResult {
  outcome: Outcome;
  steps: RestStep[];
  state: RefundState;
  /** Why it was done this way, in words (for the log). */
  explanation: string;
}

export type RefundKind = "full" | "partial" | "adjustment";

export function refundKind(s: RefundSnapshot): RefundKind {
  if (s.refund.full) return "full";
  return s.refund.lines.length === 0 ? "adjustment" : "partial";
}

/** The note's text (pure). */
export function buildRefundNote(s: RefundSnapshot): string {
  const r = s.refund;
  const money = (c: number): string => formatMoney(c, s.order.currency);
  const kind = refundKind(s) === "adjustment" ? "Price adjustment" : "Partial refund";
  const lines = [
    `${kind} ${r.code} of order ${s.order.id} on ${r.date.toISOString().slice(0, 10)}: ${money(refundAmountCents(s))} refunded.`,
    ...r.lines.map((l) => `- ${l.productName} (item ${l.itemId}) x ${l.quantity}: ${money(l.totalCents)}`),
    ...(r.lines.length === 0 ? [`Adjustment: ${money(r.merchandiseCents)}`] : []),
    `Tax: ${money(r.taxCents)}`,
    `Total refunded: ${money(refundAmountCents(s))}`,
    `Reason: ${r.reason.trim() === "" ? "(none given)" : r.reason.trim()}`,
    "Logged by cartlink as a note: ONTRAPORT's API refunds whole transactions only; the transaction itself stays paid.",
  ];
  return lines.join("\n");
}

export function explainRefund(s: RefundSnapshot): string {
  switch (refundKind(s)) {
    case "full":
      return "A complete refund: the Sale's transaction is marked refunded in ONTRAPORT.";
    case "partial":
      return `A partial refund: ONTRAPORT's API can only refund a whole transaction, so the refund is written as a note on the contact with the tag "${PARTIAL_REFUND_TAG}", and the transaction stays paid.`;
    case "adjustment":
      return `A price adjustment (money back, nothing returned): ONTRAPORT's API can only refund a whole transaction, so it is written as a note on the contact with the tag "${PARTIAL_REFUND_TAG}", and the transaction stays paid.`;
  }
}

export async function deliverRefund(ctx: RestContext, s: RefundSnapshot, state: RefundState, opts: RefundOptions): Promise<RefundResult> {
  const st: RefundState = { ...emptyRefundState(), ...state };
  const attempt = new Attempt(ctx);
  let explanation = explainRefund(s);
  const done = (outcome: Outcome): RefundResult => ({ outcome, steps: attempt.steps, state: st, explanation });

  if (refundKind(s) === "full") {
    if (st.refunded) return done({ kind: "delivered" });
    let invoiceId = opts.invoiceId;
    if (invoiceId === null) {
      // No invoice id kept with the order (e.g. the Sale went out before it was kept): look it up.
      const r = await attempt.call({ method: "GET", path: "/Transactions", params: { condition: condition(["external_order_id", "=", s.order.id]), range: 50 } });
      if (!r.ok) return done(r.outcome);
      const hit = rowsOf(r.data).find((t) => String(t.external_order_id ?? "") === s.order.id);
      invoiceId = hit ? idOf(hit.id) : null;
      if (invoiceId === null) {
        return done({ kind: "rejected", message: `No ONTRAPORT transaction is known for order ${s.order.id} (no invoice id kept, none found by external_order_id): nothing to refund` });
      }
      explanation += ` The transaction (${invoiceId}) was found by the order id.`;
    }
    const r = await attempt.call({ method: "PUT", path: "/transaction/refund", params: { objectID: 46, ids: [idValue(invoiceId)] } });
    if (!r.ok) {
      if (r.outcome.kind !== "rejected") return done(r.outcome);
      // Refused: an earlier attempt whose answer was lost may have refunded it already.
      const t = await attempt.call({ method: "GET", path: "/Transaction", params: { id: idValue(invoiceId) } });
      if (!t.ok || String(obj(t.data)?.status ?? "") !== "2") return done(r.outcome);
      explanation += ` The transaction (${invoiceId}) was already refunded (an earlier attempt's answer was lost): nothing more to do.`;
    }
    st.refunded = true;
    return done({ kind: "delivered" });
  }

  if (st.contactId === null) st.contactId = opts.contactId ?? null;
  let contactFresh = false;
  const upsert = async (): Promise<Outcome | null> => {
    const r = await upsertContact(attempt, s.order.contact);
    if (!r.ok) return r.outcome;
    st.contactId = r.result.contactId;
    contactFresh = true;
    return null;
  };
  if (st.contactId === null) {
    const failed = await upsert();
    if (failed) return done(failed);
  }
  let contactId = st.contactId as string;
  const text = buildRefundNote(s);
  if (st.noteId === null && st.noteUncertain) {
    // The previous note call may have been processed: look for it before adding another.
    const r = await attempt.call({ method: "GET", path: "/objects", params: { objectID: 12, condition: condition(["contact_id", "=", Number(contactId) || contactId]), range: 50 } });
    if (!r.ok) return done(r.outcome);
    const hit = rowsOf(r.data).find((n) => String(n.data ?? "").includes(`${s.refund.code} of order ${s.order.id}`));
    const id = hit ? idOf(hit.id) : null;
    if (id !== null) {
      st.noteId = id;
      explanation += " The note left by an earlier attempt was found and kept.";
    }
    st.noteUncertain = false;
  }
  for (let round = 0; st.noteId === null; round++) {
    const r = await attempt.call({ method: "POST", path: "/objects", params: { objectID: 12, contact_id: idValue(contactId), data: text } });
    if (r.ok) {
      st.noteId = idOf(obj(r.data)?.id) ?? "unknown";
      break;
    }
    const step = r.step;
    if (step !== null && !(step.status === null ? !step.written : [400, 401, 403, 404, 409, 422, 429].includes(step.status))) st.noteUncertain = true;
    // Refused with a contact id not confirmed in this attempt (the Sale's): the contact may be gone
    // or merged; upsert it and try once more.
    if (r.outcome.kind !== "rejected" || contactFresh || round > 0) return done(r.outcome);
    const failed = await upsert();
    if (failed) return done(failed);
    contactId = st.contactId as string;
  }
  if (!st.tagApplied) {
    const r = await attempt.call(tagCall("PUT", contactId, [PARTIAL_REFUND_TAG]));
    if (!r.ok) return done(r.outcome);
    st.tagApplied = true;
  }
  return done({ kind: "delivered" });
}
