/** The cart lives in a cookie per merchant: Item IDs and quantities only; prices always come from the database. */
export const MAX_QTY = 99;
export const MAX_LINES = 50;

export type Cart = Array<{ itemId: string; quantity: number }>;

export function cartCookieName(merchantId: string): string {
  return `cl_cart_${merchantId}`;
}

export function parseCart(raw: string | undefined): Cart {
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    if (!Array.isArray(v)) return [];
    const out: Cart = [];
    for (const e of v) {
      if (!Array.isArray(e) || typeof e[0] !== "string" || !Number.isInteger(e[1])) continue;
      const qty = Math.min(MAX_QTY, Math.max(0, e[1] as number));
      if (qty > 0 && e[0].length <= 64 && !out.some((x) => x.itemId === e[0])) out.push({ itemId: e[0], quantity: qty });
      if (out.length >= MAX_LINES) break;
    }
    return out;
  } catch {
    return [];
  }
}

export function serializeCart(cart: Cart): string {
  return JSON.stringify(cart.map((l) => [l.itemId, l.quantity]));
}

export function setQuantity(cart: Cart, itemId: string, quantity: number): Cart {
  const q = Math.min(MAX_QTY, Math.max(0, Math.trunc(quantity)));
  const rest = cart.filter((l) => l.itemId !== itemId);
  if (q === 0) return rest;
  const idx = cart.findIndex((l) => l.itemId === itemId);
  if (idx === -1) return [...cart, { itemId, quantity: q }].slice(0, MAX_LINES);
  return cart.map((l) => (l.itemId === itemId ? { itemId, quantity: q } : l));
}

export function addToCart(cart: Cart, itemId: string, quantity = 1): Cart {
  const current = cart.find((l) => l.itemId === itemId)?.quantity ?? 0;
  return setQuantity(cart, itemId, current + quantity);
}
