import type { Metadata } from "next";
import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { listAutoOrders } from "@/lib/orders/auto-orders";
import { formatMoney } from "@/lib/money";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/card";
import { AutoOrdersTable } from "./auto-orders-client";

export const metadata: Metadata = { title: "Auto Orders" };

export default async function AutoOrdersPage() {
  const user = await requirePageSession();
  const rows = await listAutoOrders(await getDb(), { merchantId: user.merchantId });
  return (
    <>
      <PageHeader
        title="Auto Orders"
        crumbs={[{ label: "Home", href: "/" }, { label: "Order Management", href: "/orders" }, { label: "Auto Orders" }]}
        description="Subscriptions started by recurring items. Each rebill charges the card on file and creates a new order; a declined card is retried every 3 days and the third failure in a row terminates the auto order."
      />
      {rows.length === 0 ? (
        <EmptyState title="No auto orders yet.">Checking out a recurring item (for example a monthly club) on the StoreFront starts one.</EmptyState>
      ) : (
        <AutoOrdersTable
          rows={rows.map((r) => ({
            id: r.id,
            code: r.code,
            status: r.status,
            item: r.merchantItemId,
            itemDescription: r.itemDescription ?? "",
            price: `${formatMoney(r.unitPriceCents * r.quantity)} ${r.frequency.toLowerCase()}`,
            nextAttempt: r.nextAttemptAt ? r.nextAttemptAt.toISOString() : null,
            failureReason: r.failureReason,
            attempts: r.creditCardAttempt,
            cardLast4: r.cardLast4,
            cancelReason: r.cancelReason,
            originalOrderId: r.originalOrderId,
            customerName: r.customerName,
            email: r.email,
            rebillCount: r.rebillCount,
          }))}
        />
      )}
    </>
  );
}
