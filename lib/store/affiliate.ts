/** The affiliate link the shopper followed last, per merchant, for 30 days. */
export const AFFILIATE_COOKIE_DAYS = 30;

export function affiliateCookieName(merchantId: string): string {
  return `cl_aff_${merchantId}`;
}

export interface AffiliateRef {
  affiliateId: number;
  subId: string | null;
}

/** Reads `?aff=` or ONTRAPORT's `?orid=` (and `sid=`); anything that is not a plain id is ignored. */
export function affiliateFromParams(params: Record<string, string | string[] | undefined>): AffiliateRef | null {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const raw = first(params.aff) ?? first(params.orid);
  if (!raw || !/^\d{1,9}$/.test(raw.trim())) return null;
  const sid = first(params.sid)?.trim();
  return { affiliateId: Number(raw.trim()), subId: sid && /^[\w.-]{1,64}$/.test(sid) ? sid : null };
}

// `~` survives cookie encoding unchanged (a `:` would come back percent-encoded).
export function serializeAffiliate(ref: AffiliateRef): string {
  return ref.subId ? `${ref.affiliateId}~${ref.subId}` : String(ref.affiliateId);
}

export function parseAffiliateCookie(raw: string | undefined): AffiliateRef | null {
  if (!raw) return null;
  let value = raw;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return null;
  }
  const m = /^(\d{1,9})(?:~([\w.-]{1,64}))?$/.exec(value);
  return m ? { affiliateId: Number(m[1]), subId: m[2] ?? null } : null;
}
