import "server-only";

/*
 * The one seam between the Transmission Log's actions and the delivery engine: the engine's own
 * functions (queue a manual Sale for Review Order, resend one transmission, re-queue failed ones).
 */
export { enqueueManualResend, requeueFailedIds, resendTransmission } from "@/lib/ontraport/engine/outbox";
