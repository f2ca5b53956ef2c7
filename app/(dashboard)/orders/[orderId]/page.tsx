import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { formatMoney } from "@/lib/money";
import { getOrderForReview } from "@/lib/orders/queries";
import { planRefund, refundable, userMayRefund } from "@/lib/orders/refunds";
import { planMove, STAGE_ACTION_LABELS, STAGE_ACTIONS, type StageAction } from "@/lib/orders/stages";
import { PageHeader } from "@/components/ui/page-header";
import { decodeSegment } from "@/lib/validation";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { AutoOrderStatusBadge, PaymentBadge, StageBadge } from "@/components/orders/badges";
import { LocalTime } from "@/components/ontraport/local-time";
import { ToolsMenu } from "@/components/orders/tools-menu";
import { ResendOntraportTool } from "@/components/ontraport/resend-tool";
import { OrderTransmissions } from "@/components/ontraport/order-transmissions";
import { getOrderOntraport } from "@/lib/ontraport/log/queries";
import type { MoveOption } from "./order-actions";
import { OrderActions } from "./order-menus";

type Props = { params: Promise<{ orderId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Review Order ${decodeSegment((await params).orderId) ?? ""}`.trim() };
}

const EFFECTS: Record<StageAction, string> = {
  approve: "The order passes fraud review: the payment is captured (Processed) and the order moves to Shipping Department.",
  reject: "The order is rejected: the payment is voided and the order moves to Rejected.",
  clear: "The eCheck has cleared: the payment is Processed and the order moves to Shipping Department.",
  receivePayment: "Payment for this purchase order arrived: the payment is Processed and the order moves to Shipping Department.",
  sendQuote: "The quote was sent to the customer: the order moves to Quote Sent.",
  acceptQuote: "The customer accepted the quote and paid: the payment is Processed and the order moves to Shipping Department.",
  releasePreorder: "The pre-ordered item is available: the card is charged (Processed) and the order moves to Shipping Department.",
  ship: "The order has shipped: it moves to Completed Order.",
  hold: "The order is paused on Hold; releasing it returns it to its current stage.",
  releaseHold: "The order leaves Hold and returns to the stage it was held from.",
};

export default async function ReviewOrderPage({ params }: Props) {
  const user = await requirePageSession();
  const orderId = decodeSegment((await params).orderId);
  if (orderId === null) notFound();
  const db = await getDb();
  const review = await getOrderForReview(db, { merchantId: user.merchantId, orderId });
  if (!review) notFound();
  const { order: o, lines, history, affiliate, theme, heldFrom } = review;
  const [mayRefund, ontraport] = await Promise.all([userMayRefund(db, { merchantId: user.merchantId, role: user.role }), getOrderOntraport(db, { merchantId: user.merchantId, orderId })]);
  const money = (c: number) => formatMoney(c, o.currency);
  const subject = { currentStage: o.currentStage, paymentStatus: o.paymentStatus, heldFrom };
  const moves: MoveOption[] = STAGE_ACTIONS.map((a) => {
    const p = planMove(subject, a);
    return { action: a, label: STAGE_ACTION_LABELS[a], effect: a === "releaseHold" && "to" in p ? `The order leaves Hold and returns to ${p.to}.` : EFFECTS[a], refused: "refused" in p ? p.refused : undefined };
  });
  const refundSubject = { ...o, lines };
  const full = planRefund(refundSubject, { full: true });
  const left = refundable(refundSubject);
  const receiptUrl = `/store/${encodeURIComponent(o.merchantId)}/${encodeURIComponent(o.themeCode)}/receipt/${o.receiptToken}`;

  return (
    <>
      <PageHeader
        title={`Review Order ${o.id}`}
        crumbs={[{ label: "Order Management", href: "/orders" }, { label: o.currentStage, href: `/orders?stage=${encodeURIComponent(o.currentStage)}` }, { label: o.id }]}
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            <StageBadge stage={o.currentStage} />
            <PaymentBadge status={o.paymentStatus} />
            <span>
              Placed <LocalTime iso={o.createdAt.toISOString()} /> · {money(o.totalCents)}
            </span>
          </span>
        }
        actions={
          <div className="flex flex-wrap items-center justify-end gap-2">
            <OrderActions
              orderId={o.id}
              moves={moves}
              refund={{
                allowed: mayRefund,
                refused: "refused" in full ? full.refused : undefined,
                fullSummary: "refused" in full ? undefined : `${money(full.amountCents)} (merchandise ${money(full.merchandiseCents)}, tax ${money(full.taxCents)}, shipping and handling ${money(full.shippingHandlingCents)})`,
                merchandiseLeft: money(left.merchandiseCents),
                shippingLeft: money(left.shippingHandlingCents),
                lines: lines.map((l) => ({ id: l.id, label: `${l.merchantItemId} ${l.description}`.trim(), quantity: l.quantity, remaining: l.quantity - l.quantityRefunded, unitPrice: money(l.unitPriceCents) })),
              }}
              itemLines={lines.map((l) => ({ id: l.id, lineNo: l.lineNo, merchantItemId: l.merchantItemId, description: l.description, quantity: l.quantity, total: money(l.totalCents), subscription: Boolean(l.frequency) }))}
              customer={{
                firstName: o.firstName,
                lastName: o.lastName,
                email: o.email,
                dayPhone: o.dayPhone,
                company: o.company,
                address1: o.address1,
                address2: o.address2,
                city: o.city,
                stateRegion: o.stateRegion,
                postalCode: o.postalCode,
                countryCode: o.countryCode,
              }}
            />
            <ToolsMenu receiptUrl={receiptUrl}>
              <ResendOntraportTool orderId={orderId} facts={ontraport?.facts ?? null} />
            </ToolsMenu>
          </div>
        }
      />

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Card title="Items" id="items">
            <Table caption="Items on this order" className="border-0">
              <THead>
                <tr>
                  <Th>Item ID</Th>
                  <Th>Description</Th>
                  <Th className="text-right">Qty</Th>
                  <Th className="text-right">Unit price</Th>
                  <Th className="text-right">Discount</Th>
                  <Th className="text-right">Total</Th>
                  <Th className="text-right">Refunded</Th>
                </tr>
              </THead>
              <TBody>
                {lines.map((l) => (
                  <Tr key={l.id}>
                    <Td className="whitespace-nowrap font-medium">{l.merchantItemId}</Td>
                    <Td>
                      {l.description}
                      {l.frequency && <div className="text-xs text-zinc-500">Auto order, {l.frequency}</div>}
                    </Td>
                    <Td className="text-right tabular-nums">{l.quantity}</Td>
                    <Td className="text-right tabular-nums">{money(l.unitPriceCents)}</Td>
                    <Td className="text-right tabular-nums">{l.discountCents ? money(-l.discountCents) : "—"}</Td>
                    <Td className="text-right tabular-nums">{money(l.totalCents)}</Td>
                    <Td className="text-right tabular-nums">{l.quantityRefunded ? `${l.quantityRefunded} · ${money(l.totalRefundedCents)}` : "—"}</Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          </Card>

          <Card title="Money" id="money" description="Total = subtotal − discount + tax + shipping and handling.">
            {/* The column headings sit outside the list (a <dl> holds only dt/dd groups); each value is named. */}
            <div className="grid grid-cols-[1fr_5.5rem_5.5rem] gap-x-3 text-xs font-semibold uppercase text-zinc-500 sm:gap-x-6" aria-hidden="true">
              <span />
              <span className="text-right">Charged</span>
              <span className="text-right">Refunded</span>
            </div>
            <dl className="mt-1 grid grid-cols-[1fr_5.5rem_5.5rem] gap-x-3 gap-y-1 text-sm sm:gap-x-6" aria-label="Order money">
              <MoneyRow label="Subtotal" value={money(o.subtotalCents)} refunded={money(o.subtotalRefundedCents)} />
              <MoneyRow label="Discount" value={money(-o.discountCents)} />
              <MoneyRow label="Tax" value={money(o.taxCents)} refunded={money(o.taxRefundedCents)} />
              <MoneyRow label="Shipping and handling" value={money(o.shippingHandlingCents)} refunded={money(o.shippingHandlingRefundedCents)} />
              <MoneyRow label="Total" value={money(o.totalCents)} refunded={money(o.totalRefundedCents)} strong />
              <MoneyRow label="Net after refunds" value={money(o.totalCents - o.totalRefundedCents)} strong />
            </dl>
            <p className="mt-2 text-xs text-zinc-500">Merchandise refunded is after discounts; the subtotal is before them.</p>
          </Card>

          <Card title="Refunds" id="refunds">
            {review.refunds.length === 0 ? (
              <p className="text-sm text-zinc-600">No refunds. Use Payments › Complete refund or Partial refund.</p>
            ) : (
              <Table caption="Refunds of this order" className="border-0">
                <THead>
                  <tr>
                    <Th>Refund</Th>
                    <Th>When</Th>
                    <Th>By</Th>
                    <Th>Reason</Th>
                    <Th className="text-right">Amount</Th>
                  </tr>
                </THead>
                <TBody>
                  {review.refunds.map((r) => (
                    <Tr key={r.id}>
                      <Td className="whitespace-nowrap font-medium">
                        {r.code} {r.full && <Badge tone="muted">Complete</Badge>}
                      </Td>
                      <Td className="whitespace-nowrap"><LocalTime iso={r.createdAt.toISOString()} /></Td>
                      <Td>{r.byEmail ?? "—"}</Td>
                      <Td>{r.reason || "—"}</Td>
                      <Td className="text-right tabular-nums">
                        <div className="font-medium">{money(r.amountCents)}</div>
                        <div className="text-xs text-zinc-500">
                          merchandise {money(r.merchandiseCents)}, tax {money(r.taxCents)}, shipping {money(r.shippingHandlingCents)}
                        </div>
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            )}
          </Card>

          <OrderTransmissions orderId={orderId} data={ontraport} />
          <Card title="Stage history" id="history">
            <ol className="space-y-2 text-sm" aria-label="Stage history">
              {history.map((h) => (
                <li key={h.id} className="flex flex-wrap items-center gap-x-2 gap-y-1 border-b border-zinc-100 pb-2 last:border-0">
                  <span className="whitespace-nowrap text-zinc-500"><LocalTime iso={h.at.toISOString()} /></span>
                  {h.fromStage ? (
                    <>
                      <StageBadge stage={h.fromStage} /> <span aria-hidden="true">→</span>
                      <span className="sr-only">to</span>
                    </>
                  ) : (
                    <span className="text-zinc-600">Placed in</span>
                  )}
                  <StageBadge stage={h.toStage} />
                  <span className="text-zinc-700">by {h.byLabel}</span>
                  {h.note && <span className="text-zinc-500">— {h.note}</span>}
                </li>
              ))}
            </ol>
          </Card>
        </div>

        <div className="min-w-0 space-y-6">
          <Card title="Customer" id="customer">
            <Address
              lines={[`${o.firstName} ${o.lastName}`.trim(), o.company, o.address1, o.address2, [o.city, o.stateRegion, o.postalCode].filter(Boolean).join(", "), o.countryCode]}
            />
            <p className="mt-2 text-sm">
              <a className="text-accent-700 hover:underline" href={`mailto:${o.email}`}>
                {o.email}
              </a>
            </p>
            {o.dayPhone && <p className="text-sm text-zinc-700">{o.dayPhone}</p>}
          </Card>
          <Card title="Shipping" id="shipping">
            <Address
              lines={[
                `${o.shipToFirstName} ${o.shipToLastName}`.trim(),
                o.shipToAddress1,
                o.shipToAddress2,
                [o.shipToCity, o.shipToStateRegion, o.shipToPostalCode].filter(Boolean).join(", "),
                o.shipToCountryCode,
              ]}
            />
            <Facts rows={[["Shipping method", o.shippingMethod || "—"]]} />
          </Card>
          <Card title="Payment" id="payment">
            <Facts
              rows={[
                ["Method", o.paymentMethod + (o.cardLast4 ? ` ending ${o.cardLast4}` : "")],
                ["Status", <PaymentBadge key="s" status={o.paymentStatus} />],
                ["Paid", o.paidAt ? <LocalTime iso={o.paidAt.toISOString()} /> : "Not paid yet"],
                ["Currency", o.currency],
              ]}
            />
          </Card>
          <Card title="Details" id="details">
            <Facts
              rows={[
                ["Theme", theme ? `${theme.name} (${theme.code})` : o.themeCode],
                ["Affiliate", affiliate ? `${affiliate.name} (#${affiliate.id})${o.affiliateSubId ? `, sub id ${o.affiliateSubId}` : ""}` : "None"],
                [
                  "Receipt",
                  <a key="r" href={receiptUrl} target="_blank" rel="noopener" className="text-accent-700 hover:underline">
                    Shopper&apos;s receipt page
                  </a>,
                ],
                ...review.autoOrders.map(
                  (ao): [string, ReactNode] => [
                    ao.originalOrderId === o.id ? "Started auto order" : "Rebill of",
                    <Link key={ao.id} href="/auto-orders" className="inline-flex items-center gap-2 text-accent-700 hover:underline">
                      {ao.code} <AutoOrderStatusBadge status={ao.status} />
                    </Link>,
                  ],
                ),
              ]}
            />
          </Card>
        </div>
      </div>

    </>
  );
}

function MoneyRow({ label, value, refunded, strong }: { label: string; value: string; refunded?: string; strong?: boolean }) {
  return (
    <div className="contents">
      <dt className={strong ? "font-semibold text-zinc-900" : "text-zinc-700"}>{label}</dt>
      <dd className={`text-right tabular-nums ${strong ? "font-semibold" : ""}`} aria-label={`${label} charged`}>
        {value}
      </dd>
      <dd className="text-right tabular-nums text-zinc-600" aria-label={refunded ? `${label} refunded` : undefined}>
        {refunded ?? ""}
      </dd>
    </div>
  );
}

function Address({ lines }: { lines: string[] }) {
  const shown = lines.filter((l) => l.trim());
  return shown.length ? (
    <address className="text-sm not-italic leading-6 text-zinc-800">
      {shown.map((l, i) => (
        <div key={i}>{l}</div>
      ))}
    </address>
  ) : (
    <p className="text-sm text-zinc-500">No address given.</p>
  );
}

function Facts({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-zinc-500">{k}</dt>
          <dd className="text-zinc-800">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
