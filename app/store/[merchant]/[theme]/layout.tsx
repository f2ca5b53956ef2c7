import Link from "next/link";
import { notFound } from "next/navigation";
import { cookies } from "next/headers";
import { ShoppingCart } from "lucide-react";
import { getDb } from "@/lib/db/client";
import { findStoreFront } from "@/lib/store/catalog";
import { cartCookieName, parseCart } from "@/lib/store/cart";
import { storeFrontCsp } from "@/lib/ontraport/inbound/pixel";
import { env } from "@/lib/env";

export default async function StoreLayout({ children, params }: { children: React.ReactNode; params: Promise<{ merchant: string; theme: string }> }) {
  const { merchant, theme } = await params;
  const sf = await findStoreFront(await getDb(), merchant, theme);
  if (!sf) notFound();
  const count = parseCart((await cookies()).get(cartCookieName(sf.merchantId))?.value).reduce((s, l) => s + l.quantity, 0);
  const holiday = sf.themeCode === "HOLIDAY";
  return (
    <div className="min-h-screen bg-zinc-50" data-storefront="">
      {/* Pages cannot set response headers, so each theme's image policy is a CSP <meta> (React hoists it
          into <head>, before any image): images from this site, data: and this theme's ONTRAPORT host
          only. next.config.ts adds the header-only directives for every StoreFront page. */}
      <meta httpEquiv="Content-Security-Policy" content={storeFrontCsp(sf.ontraportSubdomain, env().CARTLINK_ALLOW_LOCAL_ONTRAPORT === "true")} />
      <header className={holiday ? "bg-red-800 text-white" : "bg-white text-zinc-900 border-b border-zinc-200"}>
        <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3">
          <Link href={`/store/${sf.merchantId}/${sf.themeCode}`} className="text-lg font-semibold tracking-tight">
            {sf.merchantName}
            {holiday && <span className="ml-2 text-sm font-normal opacity-90">Holiday shop</span>}
          </Link>
          <Link href={`/store/${sf.merchantId}/${sf.themeCode}/checkout`} className="inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-sm font-medium hover:underline">
            <ShoppingCart className="size-4" aria-hidden="true" />
            Cart ({count} {count === 1 ? "item" : "items"})
          </Link>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </div>
  );
}
