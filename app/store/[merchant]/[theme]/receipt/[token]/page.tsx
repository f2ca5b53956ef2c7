import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CheckCircle2 } from "lucide-react";
import { getDb } from "@/lib/db/client";
import { formatMoney } from "@/lib/money";
import { findReceipt, findStoreFront } from "@/lib/store/catalog";
import { SHOPPER_STAGE } from "@/lib/store/words";
import { Totals } from "../../cart-view";
import { createElement } from "react";
import { env } from "@/lib/env";
import { firePixelOnce } from "@/lib/ontraport/inbound/pixel";

export const metadata: Metadata = { title: "Receipt", referrer: "no-referrer", robots: { index: false } };

export default async function ReceiptPage({ params }: { params: Promise<{ merchant: string; theme: string; token: string }> }) {
  const { merchant, theme, token } = await params;
  const db = await getDb();
  const sf = await findStoreFront(db, merchant, theme);
  if (!sf) notFound();
  const receipt = await findReceipt(db, sf.merchantId, sf.themeCode, token);
  if (!receipt) notFound();
  const { order, lines } = receipt;
  // Claims the pixel for this view (at most one view ever gets it) and logs it as a transmission.
  const pixelUrl = await firePixelOnce(db, { merchantId: sf.merchantId, orderId: order.id, allowLocal: env().CARTLINK_ALLOW_LOCAL_ONTRAPORT === "true" });
  return (
    <article className="mx-auto max-w-2xl rounded-lg border border-zinc-200 bg-white p-6 shadow-xs" aria-labelledby="receipt-title">
      <div className="flex items-start gap-3">
        <CheckCircle2 className="mt-1 size-6 shrink-0 text-emerald-600" aria-hidden="true" />
        <div>
          <h1 id="receipt-title" className="text-2xl font-semibold tracking-tight">
            Thank you, {order.firstName}
          </h1>
          <p className="mt-1 text-sm text-zinc-600">
            Order <span className="font-mono font-medium text-zinc-900" data-testid="order-id">{order.id}</span> · {order.createdAt.toISOString().slice(0, 10)}
          </p>
          <p className="mt-2 text-sm">
            Status: <strong data-testid="order-status">{SHOPPER_STAGE[order.currentStage]}</strong>
          </p>
        </div>
      </div>
      <table className="mt-6 w-full text-sm">
        <caption className="sr-only">Items in this order</caption>
        <thead>
          <tr className="border-b border-zinc-200 text-left text-xs uppercase tracking-wide text-zinc-500">
            <th scope="col" className="py-2">Item</th>
            <th scope="col" className="py-2 text-right">Qty</th>
            <th scope="col" className="py-2 text-right">Price</th>
            <th scope="col" className="py-2 text-right">Total</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.id} className="border-b border-zinc-100">
              <td className="py-2">
                {l.description || l.merchantItemId}
                <span className="block text-xs text-zinc-500">{l.merchantItemId}{l.frequency ? ` · renews ${l.frequency.toLowerCase()}` : ""}</span>
              </td>
              <td className="py-2 text-right tabular-nums">{l.quantity}</td>
              <td className="py-2 text-right tabular-nums">{formatMoney(l.unitPriceCents, order.currency)}</td>
              <td className="py-2 text-right tabular-nums">{formatMoney(l.totalCents, order.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="ml-auto mt-4 max-w-xs">
        <Totals currency={order.currency} subtotal={order.subtotalCents} discount={order.discountCents} tax={order.taxCents} shipping={order.shippingHandlingCents} total={order.totalCents} />
      </div>
      <dl className="mt-6 grid gap-1 text-sm text-zinc-700 sm:grid-cols-2">
        <div>
          <dt className="font-medium text-zinc-900">Billed to</dt>
          <dd>
            {order.firstName} {order.lastName}, {order.email}
            <br />
            {order.address1}, {order.city} {order.stateRegion} {order.postalCode}, {order.countryCode}
          </dd>
        </div>
        <div>
          <dt className="font-medium text-zinc-900">Payment</dt>
          <dd>
            {order.paymentMethod}
            {order.cardLast4 ? ` ending in ${order.cardLast4}` : ""}
          </dd>
        </div>
      </dl>
      <p className="mt-6 text-xs text-zinc-500">Keep this page&apos;s address to come back to your receipt.</p>
      <Link href={`/store/${sf.merchantId}/${sf.themeCode}`} className="mt-2 inline-block text-sm font-medium text-accent-600 hover:underline">
        Continue shopping
      </Link>
      {/* ONTRAPORT's conversion pixel must be a plain 1x1 <img> (next/image would rewrite and lazy-load it);
          an image never blocks rendering. */}
      {pixelUrl && createElement("img", { src: pixelUrl, width: 1, height: 1, alt: "" })}
    </article>
  );
}
