import { formatMoney } from "@/lib/money";
import { priceCart } from "@/lib/store/pricing";
import type { ResolvedCart } from "@/lib/store/catalog";
import { updateCart } from "./actions";

/** Cart lines with quantity and remove controls (plain forms: works without JavaScript). */
export function CartView({ merchant, theme, cart, currency, editable = true }: { merchant: string; theme: string; cart: ResolvedCart; currency: string; editable?: boolean }) {
  if (!cart.length) return <p className="text-sm text-zinc-600">Your cart is empty. Add an item from the catalog.</p>;
  const p = priceCart(cart.map((l) => ({ unitPriceCents: l.item.priceCents, quantity: l.quantity })));
  return (
    <div className="space-y-3">
      <ul className="divide-y divide-zinc-100" aria-label="Cart">
        {cart.map((l) => (
          <li key={l.item.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
            <div className="min-w-0">
              <p className="font-medium text-zinc-900">{l.item.description || l.item.merchantItemId}</p>
              <p className="text-xs text-zinc-500">
                {l.item.merchantItemId} · {formatMoney(l.item.priceCents, currency)} each
                {l.item.kind === "recurring" && ` · renews ${l.item.frequency?.toLowerCase()}`}
                {l.item.kind === "preorder" && " · pre-order"}
              </p>
            </div>
            <div className="flex items-center gap-2">
              {editable ? (
                <form action={updateCart} className="flex items-center gap-1">
                  <input type="hidden" name="merchant" value={merchant} />
                  <input type="hidden" name="theme" value={theme} />
                  <input type="hidden" name="itemId" value={l.item.merchantItemId} />
                  <input type="hidden" name="mode" value="set" />
                  <label className="sr-only" htmlFor={`qty-${l.item.merchantItemId}`}>
                    Quantity of {l.item.merchantItemId}
                  </label>
                  <input key={l.quantity} id={`qty-${l.item.merchantItemId}`} name="quantity" type="number" min={0} max={99} defaultValue={l.quantity} className="w-16 rounded-md border border-zinc-300 px-2 py-1 text-sm" />
                  <button type="submit" className="rounded-md border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-50">
                    Update
                  </button>
                </form>
              ) : (
                <span className="text-zinc-600">× {l.quantity}</span>
              )}
              <span className="w-20 text-right font-medium tabular-nums">{formatMoney(l.item.priceCents * l.quantity, currency)}</span>
              {editable && (
                <form action={updateCart}>
                  <input type="hidden" name="merchant" value={merchant} />
                  <input type="hidden" name="theme" value={theme} />
                  <input type="hidden" name="itemId" value={l.item.merchantItemId} />
                  <input type="hidden" name="mode" value="set" />
                  <input type="hidden" name="quantity" value="0" />
                  <button type="submit" className="text-xs text-red-700 hover:underline" aria-label={`Remove ${l.item.merchantItemId}`}>
                    Remove
                  </button>
                </form>
              )}
            </div>
          </li>
        ))}
      </ul>
      <Totals currency={currency} subtotal={p.subtotalCents} discount={p.discountCents} tax={p.taxCents} shipping={p.shippingHandlingCents} total={p.totalCents} />
    </div>
  );
}

export function Totals({ currency, subtotal, discount, tax, shipping, total }: { currency: string; subtotal: number; discount: number; tax: number; shipping: number; total: number }) {
  const row = (label: string, cents: number, strong = false) => (
    <div className={strong ? "flex justify-between border-t border-zinc-200 pt-2 text-base font-semibold" : "flex justify-between text-zinc-700"}>
      <dt>{label}</dt>
      <dd className="tabular-nums">{formatMoney(cents, currency)}</dd>
    </div>
  );
  return (
    <dl className="space-y-1 text-sm">
      {row("Subtotal", subtotal)}
      {row("Discount", discount === 0 ? 0 : -discount)}
      {row("Tax (8%)", tax)}
      {row("Shipping and handling", shipping)}
      {row("Total", total, true)}
    </dl>
  );
}
