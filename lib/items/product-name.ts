// The ONTRAPORT Product Name rules. A product name is an item's (lib/ontraport reads it from here, never
// the reverse); pure so the item editor, the mapping page, payloads, the pixel and the standalone worker
// share one definition (see lib/ontraport/config/mapping.ts for the reasons).

export const MAX_PRODUCT_NAME = 255;

export type NormalizedName = { ok: true; value: string | null } | { ok: false; error: string };

export function normalizeProductName(input: string): NormalizedName {
  const v = input.trim();
  if (v === "") return { ok: true, value: null };
  if (/\p{Cc}/u.test(v)) return { ok: false, error: "Remove tabs, line breaks and other control characters from the product name." };
  if ([...v].length > MAX_PRODUCT_NAME) return { ok: false, error: `ONTRAPORT accepts product names of at most ${MAX_PRODUCT_NAME} characters (this one has ${[...v].length}).` };
  return { ok: true, value: v };
}

/** What ONTRAPORT receives as product name for an item. */
export function effectiveName(itemId: string, mapping: string | null | undefined): string {
  const m = mapping?.trim();
  return m ? m : itemId;
}

/** The key two items conflict on. */
export function conflictKey(itemId: string, mapping: string | null | undefined): string {
  return effectiveName(itemId, mapping).toLowerCase();
}

/** What ONTRAPORT receives for an item, from its custom fields (`oapProductid`), else its Item ID. */
export function productNameFor(itemId: string, customFields: Record<string, string> | null | undefined): string {
  return effectiveName(itemId, customFields?.oapProductid);
}
