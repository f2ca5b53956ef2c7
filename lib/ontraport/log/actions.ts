"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionState } from "@/lib/actions";
import { inArray } from "drizzle-orm";
import { transmissions } from "@/lib/db/schema";
import { countFailedMatching, failedMatchingIds, RESEND_FAILED_LIMIT } from "@/lib/ontraport/log/queries";
import { logQuerySchema, rangeOf } from "@/lib/ontraport/log/params";
import { enqueueManualResend, requeueFailedIds, resendTransmission } from "../engine/outbox";

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

const resendOneSchema = z.object({
  transmissionId: z.string().uuid("No such transmission in your store."),
  /** Made when the confirmation opens: every click of it names the same resend. */
  requestId: z.string().uuid(),
  /** What it would copy is already waiting: make that one due now instead. */
  sendNow: z.boolean().optional(),
});

/**
 * The Transmission Log's Resend (a row's action and View's button): a new transmission copying this
 * one, in the engine's order (held behind an undelivered Sale), never a second Sale while one waits.
 */
export interface ResendOutcome {
  id: string;
  created: boolean;
  /** The new copy's status; null when something already waiting was returned instead. */
  status: "pending" | "held" | null;
  waiting: { id: string; status: "pending" | "sending" | "paused" | "held"; nextAttemptAt: string; lastError: string | null; merchantPaused: boolean } | null;
}

export const resendTransmissionAction = action({ schema: resendOneSchema, role: "support" }, async (input, { user, db }): Promise<ActionState<ResendOutcome>> => {
  const r = await resendTransmission(db, { merchantId: user.merchantId, transmissionId: input.transmissionId, userId: user.id, requestId: input.requestId, sendNow: input.sendNow });
  if (r.waiting) {
    return {
      ok: true,
      message: "It is already waiting to go out; no second copy was queued.",
      data: { id: r.id, created: false, status: null, waiting: { ...r.waiting, nextAttemptAt: r.waiting.nextAttemptAt.toISOString() } },
    };
  }
  const message = r.status === "held" ? "Queued a copy; it waits for the order's Sale to be delivered." : "Queued a copy for ONTRAPORT.";
  return { ok: true, message, data: { id: r.id, created: r.created, status: r.status, waiting: null } };
});

/** The log's filters, as its URL holds them (type, status, dates, search). */
const filterSchema = logQuerySchema.pick({ type: true, status: true, from: true, to: true, q: true });

function filterOf(input: z.infer<typeof filterSchema>) {
  return { type: input.type, status: input.status, q: input.q, ...rangeOf(input) };
}

/** How many failed transmissions match the log's current filters: `Resend failed` states it before asking. */
export const countFailedForFilters = action({ schema: filterSchema, role: "support" }, async (input, { user, db }) => {
  return { ok: true, data: { count: await countFailedMatching(db, { merchantId: user.merchantId, filter: filterOf(input) }), limit: RESEND_FAILED_LIMIT } };
});

/**
 * Re-queues the failed transmissions matching the log's filters (the oldest RESEND_FAILED_LIMIT) and
 * returns their ids, which the log then follows to delivery.
 */
export const resendFailedForFilters = action({ schema: filterSchema, role: "support" }, async (input, { user, db }) => {
  const filter = filterOf(input);
  const candidates = await failedMatchingIds(db, { merchantId: user.merchantId, filter });
  if (!candidates.length) return { ok: true, data: { ids: [] as string[] } };
  const ids = await requeueFailedIds(db, { merchantId: user.merchantId, from: new Date(0), to: new Date("9999-12-31T00:00:00Z"), only: inArray(transmissions.id, candidates) });
  return { ok: true, message: `Re-queued ${ids.length} failed ${ids.length === 1 ? "transmission" : "transmissions"}.`, data: { ids } };
});
