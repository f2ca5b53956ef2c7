import type { Metadata } from "next";
import Link from "next/link";
import { randomUUID } from "node:crypto";
import { notFound } from "next/navigation";
import { cookies } from "next/headers";
import { getDb } from "@/lib/db/client";
import { findStoreFront, resolveCart } from "@/lib/store/catalog";
import { cartCookieName, parseCart } from "@/lib/store/cart";
import { CartView } from "../cart-view";
import { CollapsibleSummary } from "../collapsible-summary";
import { followAffiliateLink } from "../track";
import { CheckoutForm } from "./checkout-form";

export const metadata: Metadata = { title: "Checkout" };

export default async function CheckoutPage({ params, searchParams }: { params: Promise<{ merchant: string; theme: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { merchant, theme } = await params;
  followAffiliateLink(`/store/${merchant}/${theme}/checkout`, merchant, theme, await searchParams);
  const db = await getDb();
  const sf = await findStoreFront(db, merchant, theme);
  if (!sf) notFound();
  const cart = await resolveCart(db, sf.merchantId, parseCart((await cookies()).get(cartCookieName(sf.merchantId))?.value));
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      {/* The order and its total come first: at the top on a phone (collapsible), the sidebar on wide screens. */}
      <CollapsibleSummary
        id="summary"
        title="Order summary"
        defaultOpen
        footer={
          <Link className="mt-3 inline-block text-sm font-medium text-accent-700 hover:underline" href={`/store/${sf.merchantId}/${sf.themeCode}`}>
            Continue shopping
          </Link>
        }
      >
        <CartView merchant={sf.merchantId} theme={sf.themeCode} cart={cart} currency={sf.currency} />
      </CollapsibleSummary>
      <section aria-labelledby="checkout-title" className="min-w-0 lg:col-start-1 lg:row-start-1 rounded-lg border border-zinc-200 bg-white p-5 shadow-xs">
        <h1 id="checkout-title" className="mb-4 text-2xl font-semibold tracking-tight">
          Checkout
        </h1>
        {/* Always mounted, even once the cart is emptied by a successful checkout, so the form can take
            the shopper on to the receipt. A fresh key per rendering: resubmitting returns the same order. */}
        <CheckoutForm merchant={sf.merchantId} theme={sf.themeCode} checkoutKey={randomUUID()} hasRecurring={cart.some((l) => l.item.kind === "recurring")} cartEmpty={cart.length === 0} />
      </section>
    </div>
  );
}
