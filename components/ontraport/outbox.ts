import "server-only";

/*
 * The one seam between the Transmission Log's actions and the delivery engine: the engine's own
 * functions (queue a manual Sale for Review Order, re-queue failed transmissions).
 */
export { enqueueManualResend, requeueFailed, requeueFailedIds, resendTransmission } from "@/lib/ontraport/engine/outbox";
