import { mulDivRoundHalfUp } from "@/lib/money";

/** Sales tax: 8% of the subtotal after discount, rounded half up to the cent. */
export const TAX_RATE_BASIS_POINTS = 800;
/** Shipping and handling: a flat $5.00 per order (quote requests too: the quote is priced as shown). */
export const SHIPPING_HANDLING_CENTS = 500;

export interface PricedLine {
  unitPriceCents: number;
  quantity: number;
}

export function priceCart(lines: PricedLine[], discountCents = 0) {
  const subtotalCents = lines.reduce((s, l) => s + l.unitPriceCents * l.quantity, 0);
  const taxable = Math.max(0, subtotalCents - discountCents);
  const taxCents = mulDivRoundHalfUp(taxable, TAX_RATE_BASIS_POINTS, 10_000);
  const shippingHandlingCents = lines.length ? SHIPPING_HANDLING_CENTS : 0;
  return { subtotalCents, discountCents, taxCents, shippingHandlingCents, totalCents: taxable + taxCents + shippingHandlingCents };
}
