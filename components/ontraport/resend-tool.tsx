import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getResendFacts } from "@/lib/ontraport/log/queries";
import { isPaid } from "@/lib/orders/paid";
import { ResendOntraportMenuItem } from "./resend-menu-item";

/**
 * Server side of Review Order → Tools → "Resend OntraPort Notification": looks up the method and
 * whether the order is paid for the signed-in merchant, and renders the item (or nothing).
 * Place it as a child of the Tools menu: `<ResendOntraportTool orderId={order.id} />`.
 */
export async function ResendOntraportTool({ orderId }: { orderId: string }) {
  const user = await requirePageSession("support");
  const facts = await getResendFacts(await getDb(), { merchantId: user.merchantId, orderId });
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
