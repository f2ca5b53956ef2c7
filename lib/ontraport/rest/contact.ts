import type { ContactSnapshot } from "../xml/payload";
import { type RestValue } from "./http";
import { Attempt, idOf, obj, type CallResult } from "./run";

// The contact upsert every delivery starts with: `POST /1/Contacts/saveorupdate`, matched by e-mail.

export interface ContactBodyOptions {
  /**
   * The sale is credited to this affiliate: `lreferrer` (last referrer) is set to the id. With
   * `first: true` (a contact ONTRAPORT has not seen before) `freferrer` (first referrer) is set too.
   */
  referrer?: { affiliateId: string; first?: boolean };
}

/** One line, no control characters, trimmed (ONTRAPORT stores every contact field as one line). */
export function cleanValue(v: string | null | undefined): string {
  return (v ?? "").replace(/\p{Cc}/gu, " ").replace(/ {2,}/g, " ").trim();
}

/** The saveorupdate body: the contact fields ONTRAPORT names, plus referrers when asked. */
export function buildContactBody(c: ContactSnapshot, opts: ContactBodyOptions = {}): Record<string, RestValue> {
  const body: Record<string, RestValue> = {
    firstname: cleanValue(c.firstName),
    lastname: cleanValue(c.lastName),
    email: cleanValue(c.email),
    address: cleanValue(c.address1),
    address2: cleanValue(c.address2),
    city: cleanValue(c.city),
    state: cleanValue(c.state),
    zip: cleanValue(c.zip),
    country: cleanValue(c.country),
    office_phone: cleanValue(c.phone),
    company: cleanValue(c.company),
  };
  if (opts.referrer) {
    body.lreferrer = opts.referrer.affiliateId;
    if (opts.referrer.first) body.freferrer = opts.referrer.affiliateId;
  }
  return body;
}

export interface UpsertResult {
  contactId: string;
  /** `data.id` answered (a new contact) rather than `data.attrs` (merged into an existing one). */
  created: boolean;
}

/** Reads the contact id: `data.id` (new) or `data.attrs.id` (merged). */
export function readUpsert(data: unknown): UpsertResult | null {
  const d = obj(data);
  if (d === null) return null;
  const attrs = obj(d.attrs);
  if (attrs !== null) {
    const id = idOf(attrs.id) ?? idOf(d.id);
    return id === null ? null : { contactId: id, created: false };
  }
  const id = idOf(d.id);
  return id === null ? null : { contactId: id, created: true };
}

export async function upsertContact(
  attempt: Attempt,
  c: ContactSnapshot,
  opts: ContactBodyOptions = {},
): Promise<{ ok: true; result: UpsertResult } | Extract<CallResult, { ok: false }>> {
  const r = await attempt.call({ method: "POST", path: "/Contacts/saveorupdate", params: buildContactBody(c, opts) });
  if (!r.ok) return r;
  const result = readUpsert(r.data);
  if (result === null) {
    return { ok: false, step: r.step, outcome: { kind: "unknown", message: "POST /1/Contacts/saveorupdate answered without a contact id (neither data.id nor data.attrs.id)" } };
  }
  return { ok: true, result };
}
