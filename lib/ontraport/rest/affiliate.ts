import type { Outcome } from "../engine/outcome";
import type { AffiliateSnapshot, ContactSnapshot } from "../xml/payload";
import { upsertContact, type ContactBodyOptions } from "./contact";
import type { RestContext, RestStep } from "./http";
import { Attempt, tagCall } from "./run";

// Affiliates over REST.
// - A Sale credited to an affiliate: the buyer's `lreferrer` (and `freferrer` for a new contact) is
//   the affiliate id: the `referrer` option of the saleorupdate body builder (contact.ts);
//   `referrerOptions` derives it from a contact snapshot. deliverSale sets `lreferrer` in its upsert
//   and, when that upsert created the contact, `freferrer` with one more call (PUT /1/objects).
// - A sign-up or an approval change: the affiliate's own contact is upserted and tagged "Affiliate",
//   plus "Affiliate approved" while approved (removed when unapproved).

export const AFFILIATE_TAG = "Affiliate";
export const AFFILIATE_APPROVED_TAG = "Affiliate approved";

/** The saleorupdate option for a buyer credited to an affiliate (none without one). */
export function referrerOptions(c: ContactSnapshot, opts: { newContact?: boolean } = {}): ContactBodyOptions {
  if (!c.affiliate) return {};
  return { referrer: { affiliateId: String(c.affiliate.id), first: opts.newContact ?? false } };
}

export interface AffiliateState {
  contactId: string | null;
  tagged: boolean;
  approvalSynced: boolean;
}

export function emptyAffiliateState(): AffiliateState {
  return { contactId: null, tagged: false, approvalSynced: false };
}

export interface AffiliateResult {
  outcome: Outcome;
  steps: RestStep[];
  state: AffiliateState;
}

export interface AffiliateOptions {
  /**
   * Whether the affiliate was approved before this change, when the engine knows: false skips the
   * removal of "Affiliate approved" (a sign-up never had it). Unknown: an unapproved affiliate's
   * tag is removed in any case.
   */
  wasApproved?: boolean;
}

export async function deliverAffiliate(ctx: RestContext, s: AffiliateSnapshot, state: AffiliateState, opts: AffiliateOptions = {}): Promise<AffiliateResult> {
  const st: AffiliateState = { ...emptyAffiliateState(), ...state };
  const attempt = new Attempt(ctx);
  const done = (outcome: Outcome): AffiliateResult => ({ outcome, steps: attempt.steps, state: st });
  const approved = s.affiliate.contact.affiliate?.approved ?? false;

  if (st.contactId === null) {
    const r = await upsertContact(attempt, s.affiliate.contact);
    if (!r.ok) return done(r.outcome);
    st.contactId = r.result.contactId;
  }
  if (!st.tagged) {
    const r = await attempt.call(tagCall("PUT", st.contactId, approved ? [AFFILIATE_TAG, AFFILIATE_APPROVED_TAG] : [AFFILIATE_TAG]));
    if (!r.ok) return done(r.outcome);
    st.tagged = true;
    if (approved || opts.wasApproved === false) st.approvalSynced = true;
  }
  if (!st.approvalSynced) {
    const r = await attempt.call(tagCall("DELETE", st.contactId, [AFFILIATE_APPROVED_TAG]));
    if (!r.ok) return done(r.outcome);
    st.approvalSynced = true;
  }
  return done({ kind: "delivered" });
}
