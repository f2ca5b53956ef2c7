"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions";
import { formatMoney } from "@/lib/money";
import { CANCEL_REASONS, cancelAutoOrder, reactivateAutoOrder, rebillNow, updateCardOnFile, type CancelReason } from "@/lib/orders/auto-orders";

// Auto order care (rebill now, cancel, reactivate, new card) is customer service: support and admins.
const autoOrderId = z.string().uuid("Unknown auto order.");

function refresh() {
  revalidatePath("/auto-orders");
  revalidatePath("/orders");
}

export const rebillNowAction = action({ schema: z.object({ autoOrderId }), role: "support" }, async (input, { user, db }) => {
  const r = await rebillNow(db, { merchantId: user.merchantId, autoOrderId: input.autoOrderId, by: { userId: user.id, label: user.email } });
  refresh();
  if (r.outcome === "approved") return { ok: true, message: `Rebill approved: order ${r.orderId} for ${formatMoney(r.autoOrder.unitPriceCents * r.autoOrder.quantity)} (plus tax).` };
  return {
    error:
      r.autoOrder.status === "terminated"
        ? `${r.reason}. That was the third failure in a row: the auto order is terminated.`
        : `${r.reason}. The auto order is now card declined; it is retried in 3 days (attempt ${r.autoOrder.creditCardAttempt} of 3).`,
  };
});

export const cancelAutoOrderAction = action(
  { schema: z.object({ autoOrderId, reason: z.enum(Object.keys(CANCEL_REASONS) as [CancelReason, ...CancelReason[]], { message: "Choose a reason." }) }), role: "support" },
  async (input, { user, db }) => {
    const ao = await cancelAutoOrder(db, { merchantId: user.merchantId, autoOrderId: input.autoOrderId, reason: input.reason, by: { userId: user.id, label: user.email } });
    refresh();
    return { ok: true, message: `Auto order ${ao.code} is ${ao.status}. It will not rebill.` };
  },
);

export const reactivateAutoOrderAction = action({ schema: z.object({ autoOrderId }), role: "support" }, async (input, { user, db }) => {
  const ao = await reactivateAutoOrder(db, { merchantId: user.merchantId, autoOrderId: input.autoOrderId, by: { userId: user.id, label: user.email } });
  refresh();
  return { ok: true, message: `Auto order ${ao.code} is active again; next rebill ${ao.nextAttemptAt?.toISOString().slice(0, 10) ?? "not scheduled"}.` };
});

export const updateCardAction = action(
  {
    schema: z.object({
      autoOrderId,
      cardNumber: z
        .string()
        .trim()
        .transform((s) => s.replace(/[\s-]/g, ""))
        .pipe(z.string().regex(/^\d{12,19}$/, "Enter a card number of 12 to 19 digits.")),
    }),
    role: "support",
  },
  async (input, { user, db }) => {
    const ao = await updateCardOnFile(db, { merchantId: user.merchantId, autoOrderId: input.autoOrderId, cardNumber: input.cardNumber, by: { userId: user.id, label: user.email } });
    refresh();
    return { ok: true, message: `Card ending ${ao.cardLast4} is now on file for ${ao.code}.` };
  },
);
