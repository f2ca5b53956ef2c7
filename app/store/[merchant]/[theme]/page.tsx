import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cookies } from "next/headers";
import { getDb } from "@/lib/db/client";
import { formatMoney } from "@/lib/money";
import { findStoreFront, listCatalog, resolveCart } from "@/lib/store/catalog";
import { cartCookieName, parseCart } from "@/lib/store/cart";
import { CartView } from "./cart-view";
import { AddToCartButton } from "./add-to-cart";
import { CollapsibleSummary } from "./collapsible-summary";
import { followAffiliateLink } from "./track";

export const metadata: Metadata = { title: "StoreFront" };

export default async function StorePage({ params, searchParams }: { params: Promise<{ merchant: string; theme: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { merchant, theme } = await params;
  followAffiliateLink(`/store/${merchant}/${theme}`, merchant, theme, await searchParams);
  const db = await getDb();
  const sf = await findStoreFront(db, merchant, theme);
  if (!sf) notFound();
  const [catalog, cart] = await Promise.all([listCatalog(db, sf.merchantId), resolveCart(db, sf.merchantId, parseCart((await cookies()).get(cartCookieName(sf.merchantId))?.value))]);
  const count = cart.reduce((n, l) => n + l.quantity, 0);
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      {/* First in reading order and on a phone (at the top), the sidebar on wide screens. */}
      <CollapsibleSummary
        id="cart"
        title="Your cart"
        note={count ? `${count} ${count === 1 ? "item" : "items"}` : undefined}
        defaultOpen={false}
        footer={
          cart.length > 0 && (
            <Link href={`/store/${sf.merchantId}/${sf.themeCode}/checkout`} className="mt-4 block rounded-md bg-accent-600 px-3 py-2 text-center text-sm font-medium text-white hover:bg-accent-700">
              Checkout
            </Link>
          )
        }
      >
        <CartView merchant={sf.merchantId} theme={sf.themeCode} cart={cart} currency={sf.currency} />
      </CollapsibleSummary>
      <section aria-labelledby="catalog-title" className="lg:col-start-1 lg:row-start-1">
        <h1 id="catalog-title" className="mb-4 text-2xl font-semibold tracking-tight text-zinc-900">
          Shop
        </h1>
        {catalog.length === 0 ? (
          <p className="rounded-lg border border-dashed border-zinc-300 bg-white p-6 text-center text-sm text-zinc-600">Nothing is for sale here yet. Come back soon.</p>
        ) : (
          <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
            {catalog.map((it) => (
              <li key={it.id} className="flex flex-col justify-between rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
                <div>
                  <h2 className="font-medium text-zinc-900">{it.description || it.merchantItemId}</h2>
                  <p className="mt-0.5 text-xs text-zinc-500">Item {it.merchantItemId}</p>
                  <p className="mt-2 text-lg font-semibold tabular-nums">
                    {formatMoney(it.priceCents, sf.currency)}
                    {it.kind === "recurring" && <span className="ml-1 text-sm font-normal text-zinc-600">/ {it.frequency?.toLowerCase()}</span>}
                  </p>
                  {it.kind === "preorder" && <p className="mt-1 text-xs font-medium text-amber-800">Pre-order: charged when it ships</p>}
                </div>
                <AddToCartButton merchant={sf.merchantId} theme={sf.themeCode} itemId={it.merchantItemId} itemName={it.description || it.merchantItemId} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
