"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, formAction } from "@/lib/actions";
import { formatMoney, parseMoney } from "@/lib/money";
import { customerSchema, updateOrderCustomer } from "@/lib/orders/edit";
import { correctOrderItems } from "@/lib/orders/edit-items";
import { itemId as itemIdSchema } from "@/lib/items/schema";
import { previewRefund, REFUND_REASON, refundOrder, type RefundPlan } from "@/lib/orders/refunds";
import { moveOrder, STAGE_ACTION_LABELS, STAGE_ACTIONS, STAGE_NOTE } from "@/lib/orders/stages";
import { plainId } from "@/lib/validation";

const orderId = plainId(40, "Unknown order.");

// Stage moves are open to support as well as admins: reviewing orders (fraud review, clearing
// payments, shipping, holds) is support's daily work. Refunds move money and are admin-only
// unless the merchant allows support to refund (merchants.supportMayRefund).
export const moveOrderStage = action(
  { schema: z.object({ orderId, action: z.enum(STAGE_ACTIONS), note: STAGE_NOTE.optional() }), role: "support" },
  async (input, { user, db }) => {
    const o = await moveOrder(db, { merchantId: user.merchantId, orderId: input.orderId, action: input.action, note: input.note, by: { userId: user.id, label: user.email } });
    revalidatePath(`/orders/${input.orderId}`);
    revalidatePath("/orders");
    return { ok: true, message: `${STAGE_ACTION_LABELS[input.action]}: the order is now in ${o.currentStage}.` };
  },
);

const money = (label: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((s, ctx) => {
      if (!s) return 0;
      const cents = parseMoney(s);
      if (cents === null) {
        ctx.addIssue({ code: "custom", message: `Enter ${label} like 12.50, or leave it empty.` });
        return z.NEVER;
      }
      return cents;
    });

const refundSchema = z.object({
  orderId,
  full: z.boolean(),
  lines: z.array(z.object({ lineId: z.string().uuid(), quantity: z.coerce.number({ message: "Enter a whole number." }).int("Enter a whole number.").min(0, "Enter 0 or more.").max(100_000) })).max(200).default([]),
  amount: money("an amount"),
  shippingHandling: money("an amount"),
  reason: REFUND_REASON.default(""),
  /** false: only work out the amounts for the confirmation; true: refund. */
  confirm: z.boolean(),
});

export interface RefundPreview {
  plan: RefundPlan;
  summary: string;
  code?: string;
}

function summarize(p: RefundPlan, currency: string): string {
  const parts = [`merchandise ${formatMoney(p.merchandiseCents, currency)}`, `tax ${formatMoney(p.taxCents, currency)}`, `shipping and handling ${formatMoney(p.shippingHandlingCents, currency)}`];
  return `${formatMoney(p.amountCents, currency)} (${parts.join(", ")})`;
}

export const refundOrderAction = action({ schema: refundSchema, role: "support" }, async (input, { user, db }) => {
  const request = input.full ? { full: true } : { lines: input.lines, amountCents: input.amount, shippingHandlingCents: input.shippingHandling };
  // lib/orders reads the store's permission and the order once: previewRefund for the confirmation,
  // refundOrder (with the role) inside the refund's own transaction.
  if (!input.confirm) {
    const { plan, currency } = await previewRefund(db, { merchantId: user.merchantId, orderId: input.orderId, role: user.role, request });
    return { ok: true, data: { plan, summary: summarize(plan, currency) } satisfies RefundPreview };
  }
  const refund = await refundOrder(db, { merchantId: user.merchantId, orderId: input.orderId, request, reason: input.reason, role: user.role, by: { userId: user.id, label: user.email } });
  revalidatePath(`/orders/${input.orderId}`);
  revalidatePath("/orders");
  return { ok: true, message: `Refund ${refund.code} of ${formatMoney(refund.amountCents, refund.currency)} recorded.` };
});

export const updateCustomerAction = formAction({ schema: customerSchema.extend({ orderId }), role: "support" }, async ({ orderId: id, ...details }, { user, db }) => {
  await updateOrderCustomer(db, { merchantId: user.merchantId, orderId: id, details, by: { userId: user.id, label: user.email } });
  revalidatePath(`/orders/${id}`);
  return { ok: true, message: "Customer details saved." };
});

// Edit > Items: one Item ID field (name="line_<lineId>") per line.
const UUID = z.string().uuid();
const itemsSchema = z
  // Only orderId and the line_ fields: React adds its own $ACTION_ fields to a form's data.
  .preprocess((v) => (v && typeof v === "object" ? Object.fromEntries(Object.entries(v).filter(([k]) => k === "orderId" || k.startsWith("line_"))) : v), z.object({ orderId }).catchall(z.string().max(100)))
  .transform((v, ctx) => {
    const changes: Array<{ lineId: string; merchantItemId: string }> = [];
    for (const [k, value] of Object.entries(v)) {
      if (k === "orderId") continue;
      const lineId = /^line_(.+)$/.exec(k)?.[1];
      if (!lineId || !UUID.safeParse(lineId).success) continue;
      const item = itemIdSchema.safeParse(value);
      if (!item.success) {
        ctx.addIssue({ code: "custom", path: [k], message: item.error.issues[0]?.message ?? "Enter an Item ID." });
        continue;
      }
      changes.push({ lineId, merchantItemId: item.data });
    }
    if (!changes.length) ctx.addIssue({ code: "custom", path: [], message: "Nothing to save: change the Item ID of a line first." });
    return { orderId: v.orderId, changes };
  });

export const correctItemsAction = formAction({ schema: itemsSchema, role: "support" }, async (input, { user, db }) => {
  const r = await correctOrderItems(db, { merchantId: user.merchantId, orderId: input.orderId, changes: input.changes, by: { userId: user.id, label: user.email } });
  revalidatePath(`/orders/${input.orderId}`);
  const said = r.changed.map((c) => `line ${c.lineNo}: ${c.from} → ${c.to}`).join("; ");
  return { ok: true, message: `Items corrected (${said}). Amounts are unchanged; resend the OntraPort notification if ONTRAPORT should hear of it.` };
});

