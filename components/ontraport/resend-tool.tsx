import type { OrderOntraport } from "@/lib/ontraport/log/queries";
import { isPaid } from "@/lib/orders/paid";
import { ResendOntraportMenuItem } from "./resend-menu-item";

/**
 * Review Order → Tools → "Resend OntraPort Notification": from the method and whether the order is
 * paid (the page reads them), renders the item (or nothing).
 * Place it as a child of the Tools menu: `<ResendOntraportTool orderId={order.id} facts={…} />`.
 */
export function ResendOntraportTool({ orderId, facts }: { orderId: string; facts: OrderOntraport["facts"] | null }) {
  if (!facts || facts.method !== "api") return null;
  const paid = isPaid(facts.order.stage, facts.order.paymentStatus);
  return (
    <ResendOntraportMenuItem
      orderId={orderId}
      method={facts.method}
      paid={paid}
      unpaidReason={paid ? undefined : `Not paid (${facts.order.stage}, payment ${facts.order.paymentStatus}): only paid orders are sent to ONTRAPORT.`}
    />
  );
}
