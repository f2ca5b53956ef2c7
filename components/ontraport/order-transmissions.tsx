import Link from "next/link";
import { formatMoney } from "@/lib/money";
import type { OrderOntraport } from "@/lib/ontraport/log/queries";
import { LOG_PAGE_URL, TYPE_LABELS, transmissionName } from "@/lib/ontraport/log/words";
import { receivedByOntraport } from "@/lib/ontraport/log/received";
import { isPaid } from "@/lib/orders/paid";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { TransmissionStatusBadge } from "./status-badge";
import { LocalTime } from "./local-time";
import { ViewTransmissionButton } from "./view-transmission-button";


/**
 * Review Order's ONTRAPORT card: this order's transmissions (type, status, time, View) and the amount
 * ONTRAPORT received beside the order total, with why they differ (shipping and handling).
 */
export function OrderTransmissions({ orderId, data }: { orderId: string; data: OrderOntraport | null }) {
  if (!data) return null;
  const { facts, rows, delivered } = data;
  const { order } = facts;
  const received = receivedByOntraport(delivered);
  const money = (c: number) => formatMoney(c, order.currency);
  return (
    <section aria-labelledby="order-ontraport-title" className="rounded-lg border border-zinc-200 bg-white shadow-xs">
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-100 px-5 py-3">
        <h2 id="order-ontraport-title" className="text-base font-semibold text-zinc-900">
          ONTRAPORT
        </h2>
        <Link href={`${LOG_PAGE_URL}?q=${encodeURIComponent(orderId)}`} className="text-sm font-medium text-accent-700 hover:underline">
          Open in the Transmission Log
        </Link>
      </header>
      <div className="space-y-4 px-5 py-4">
        <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">Order total</dt>
            <dd className="mt-0.5 tabular-nums text-zinc-900">
              {money(order.totalCents)}
              {order.shippingCents > 0 && <span className="text-zinc-500"> (includes {money(order.shippingCents)} shipping and handling)</span>}
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">ONTRAPORT received</dt>
            <dd className="mt-0.5 tabular-nums text-zinc-900">
              {received.saleCents === null ? (
                <span className="text-zinc-600">Nothing yet</span>
              ) : (
                <>
                  {money(received.saleCents)}
                  {received.refundedCents > 0 && <span className="text-zinc-500">, less {money(received.refundedCents)} refunded</span>}
                </>
              )}
            </dd>
          </div>
        </dl>
        <p className="text-sm text-zinc-600">
          {received.saleCents === null && !isPaid(order.stage, order.paymentStatus)
            ? "Only paid orders are sent to ONTRAPORT; this one will be sent when it is paid. "
            : ""}
          ONTRAPORT does not store shipping and handling, so its total for an order is lower than the order total by that amount. The difference is expected when
          reconciling.
        </p>
        {rows.length === 0 ? (
          <p className="text-sm text-zinc-600">No transmissions for this order yet.</p>
        ) : (
          <Table caption={`Transmissions of order ${orderId}`}>
            <THead>
              <tr>
                <Th>Type</Th>
                <Th>Status</Th>
                <Th>Time</Th>
                <td className="px-3 py-2" />
              </tr>
            </THead>
            <TBody>
              {rows.map((r) => (
                <Tr key={r.id}>
                  <Td>
                    {TYPE_LABELS[r.type]}
                    {r.trigger === "manual" && <span className="ml-1 text-xs text-zinc-500">(manual resend)</span>}
                  </Td>
                  <Td>
                    <TransmissionStatusBadge status={r.status} type={r.type} />
                  </Td>
                  <Td>
                    <LocalTime iso={r.createdAt} withSeconds />
                  </Td>
                  <Td className="text-right">
                    <ViewTransmissionButton id={r.id} name={transmissionName(r)} />
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </div>
    </section>
  );
}
