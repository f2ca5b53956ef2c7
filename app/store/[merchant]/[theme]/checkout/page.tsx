import type { Metadata } from "next";
import Link from "next/link";
import { randomUUID } from "node:crypto";
import { notFound } from "next/navigation";
import { cookies } from "next/headers";
import { getDb } from "@/lib/db/client";
import { findStoreFront, resolveCart } from "@/lib/store/catalog";
import { cartCookieName, parseCart } from "@/lib/store/cart";
import { CartView } from "../cart-view";
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
      <section aria-labelledby="checkout-title" className="rounded-lg border border-zinc-200 bg-white p-5 shadow-xs">
        <h1 id="checkout-title" className="mb-4 text-2xl font-semibold tracking-tight">
          Checkout
        </h1>
        {/* Always mounted, even once the cart is emptied by a successful checkout, so the form can take
            the shopper on to the receipt. A fresh key per rendering: resubmitting returns the same order. */}
        <CheckoutForm merchant={sf.merchantId} theme={sf.themeCode} checkoutKey={randomUUID()} hasRecurring={cart.some((l) => l.item.kind === "recurring")} cartEmpty={cart.length === 0} />
      </section>
      <aside aria-labelledby="summary-title" className="h-fit rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
        <h2 id="summary-title" className="mb-2 text-lg font-semibold">
          Order summary
        </h2>
        <CartView merchant={sf.merchantId} theme={sf.themeCode} cart={cart} currency={sf.currency} />
        <Link className="mt-3 inline-block text-sm font-medium text-accent-600 hover:underline" href={`/store/${sf.merchantId}/${sf.themeCode}`}>
          Continue shopping
        </Link>
      </aside>
    </div>
  );
}
