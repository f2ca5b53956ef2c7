import type { Outcome } from "../engine/outcome";
import type { AutoOrderStatusSnapshot } from "../xml/payload";
import { upsertContact } from "./contact";
import type { RestContext, RestStep } from "./http";
import { Attempt, cleanTags, tagCall } from "./run";

// An auto order's status over REST. ONTRAPORT has no object for a subscription run outside it, so
// the contact keeps one status tag per subscribed item, "<Sent as> subscription: <status>": the
// previous status's tag is removed (`DELETE /1/objects/tagByName`) and the new one added
// (`PUT /1/objects/tagByName`). Each rebill is its own paid order, hence its own Sale.

export interface AutoOrderState {
  contactId: string | null;
  previousRemoved: boolean;
  tagAdded: boolean;
}

export function emptyAutoOrderState(): AutoOrderState {
  return { contactId: null, previousRemoved: false, tagAdded: false };
}

export interface AutoOrderResult {
  outcome: Outcome;
  steps: RestStep[];
  state: AutoOrderState;
  /** The tag added and the tag removed (null: none), for the log. */
  added: string;
  removed: string | null;
}

/** "Widget subscription: card declined". */
export function subscriptionTag(sentAs: string, status: string): string {
  return `${sentAs} subscription: ${status}`;
}

export async function deliverAutoOrderStatus(ctx: RestContext, s: AutoOrderStatusSnapshot, state: AutoOrderState): Promise<AutoOrderResult> {
  const st: AutoOrderState = { ...emptyAutoOrderState(), ...state };
  const a = s.autoOrder;
  const attempt = new Attempt(ctx);
  const added = cleanTags([subscriptionTag(a.purchase.productName, a.status)])[0] ?? "";
  const previous = a.previousStatus && a.previousStatus !== a.status ? (cleanTags([subscriptionTag(a.purchase.productName, a.previousStatus)])[0] ?? null) : null;
  const done = (outcome: Outcome): AutoOrderResult => ({ outcome, steps: attempt.steps, state: st, added, removed: previous });

  if (st.contactId === null) {
    const r = await upsertContact(attempt, a.contact);
    if (!r.ok) return done(r.outcome);
    st.contactId = r.result.contactId;
  }
  if (previous !== null && !st.previousRemoved) {
    const r = await attempt.call(tagCall("DELETE", st.contactId, [previous]));
    if (!r.ok) return done(r.outcome);
    st.previousRemoved = true;
  }
  if (!st.tagAdded) {
    const r = await attempt.call(tagCall("PUT", st.contactId, [added]));
    if (!r.ok) return done(r.outcome);
    st.tagAdded = true;
  }
  return done({ kind: "delivered" });
}
