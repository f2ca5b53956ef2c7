"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions";
import { countFailed } from "@/lib/ontraport/log/queries";
import { enqueueManualResend, requeueFailed } from "./outbox";

const MAX_RANGE_MS = 366 * 86_400_000;

const rangeSchema = z
  .object({
    from: z.iso.datetime({ offset: true, message: "Choose when the range starts." }),
    to: z.iso.datetime({ offset: true, message: "Choose when the range ends." }),
  })
  .transform((v) => ({ from: new Date(v.from), to: new Date(v.to) }))
  .refine((v) => v.from < v.to, { message: "The range must end after it starts.", path: ["to"] })
  .refine((v) => v.to.getTime() - v.from.getTime() <= MAX_RANGE_MS, { message: "Choose at most one year at a time.", path: ["from"] });

/** How many failed transmissions `Resend failed` would re-queue: the confirmation states it. */
export const countFailedTransmissions = action({ schema: rangeSchema, role: "support" }, async (input, { user, db }) => {
  return { ok: true, data: { count: await countFailed(db, { merchantId: user.merchantId, from: input.from, to: input.to }) } };
});

/**
 * Re-queues the failed transmissions of one slice of the chosen range; the dialog calls it slice by
 * slice so it can show progress with counts.
 */
export const resendFailedSlice = action({ schema: rangeSchema, role: "support" }, async (input, { user, db }) => {
  const count = await requeueFailed(db, { merchantId: user.merchantId, from: input.from, to: input.to });
  return { ok: true, data: { count } };
});

const resendSchema = z.object({
  orderId: z.string().trim().min(1).max(40),
  requestId: z.string().uuid(),
  /** A Sale of the order is already waiting: make it due now instead of queuing a second copy. */
  sendNow: z.boolean().optional(),
});

/** Review Order → Tools → Resend OntraPort Notification. The request id makes a double click queue one. */
export const resendOrderNotification = action({ schema: resendSchema, role: "support" }, async (input, { user, db }) => {
  const result = await enqueueManualResend(db, { merchantId: user.merchantId, orderId: input.orderId, userId: user.id, requestId: input.requestId, sendNow: input.sendNow });
  revalidatePath(`/orders/${input.orderId}`);
  const message = result.waiting ? "A Sale for this order is already waiting to go out; no second copy was queued." : "Queued a new Sale notification for ONTRAPORT.";
  return { ok: true, message, data: { id: result.id, created: result.created, waiting: result.waiting ? { ...result.waiting, nextAttemptAt: result.waiting.nextAttemptAt.toISOString() } : null } };
});
