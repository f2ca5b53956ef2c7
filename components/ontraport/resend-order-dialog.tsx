"use client";

import { useState, useSyncExternalStore } from "react";
import { toast } from "sonner";
import { resendOrderNotification } from "@/lib/ontraport/log/actions";
import { fetchJson } from "./fetch-json";
import { ResendConfirmDialog, type WaitingCopy } from "./resend-confirm";
import { RESEND_LABEL, resendOrderStore as store } from "./resend-order-store";

type Status = { status: string; lastStatusCode: number | null; lastError: string | null; attempts: number; nextAttemptAt: string };

function clock(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** Follows the new Sale in a toast until ONTRAPORT accepts or refuses it, or it waits for a retry. */
async function followDelivery(id: string, orderId: string, refresh: () => void) {
  const toastId = `resend-${id}`;
  toast.loading(`Sending order ${orderId} to ONTRAPORT…`, { id: toastId });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    let t: Status;
    try {
      t = await fetchJson<Status>(`/api/ontraport/transmissions/${id}`);
    } catch {
      continue;
    }
    if (t.status === "delivered") {
      toast.success("Delivered to ONTRAPORT", { id: toastId, description: `Order ${orderId}` });
      refresh();
      return;
    }
    if (t.status === "failed") {
      toast.error("ONTRAPORT did not accept the notification", { id: toastId, description: t.lastError ?? `Response code ${t.lastStatusCode ?? "none"}. See the Transmission Log.` });
      refresh();
      return;
    }
    if (t.status === "paused") {
      toast.warning("Waiting for a new API key", { id: toastId, description: "ONTRAPORT refuses the saved key. The notification goes out by itself once an admin saves a new key." });
      refresh();
      return;
    }
    if (t.status === "pending" && t.attempts > 0) {
      // Not answered or refused for now: it retries by itself; following it for hours helps nobody.
      toast.info("Not delivered yet: it will retry by itself", { id: toastId, description: `${t.lastError ?? "ONTRAPORT did not accept it yet."} Next try ${clock(t.nextAttemptAt)}.` });
      refresh();
      return;
    }
    if (t.status === "skipped") {
      toast.info("Not sent", { id: toastId, description: t.lastError ?? "See the Transmission Log for why." });
      refresh();
      return;
    }
  }
  toast.info("Still waiting to be delivered", { id: toastId, description: "The Transmission Log shows its retries." });
  refresh();
}

/** Rendered once into <body> by the Tools menu item; shows the confirmation while a request is set. */
export function ResendDialogHost() {
  const req = useSyncExternalStore(store.subscribe, store.get, () => null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [waiting, setWaiting] = useState<WaitingCopy | null>(null);
  if (!req) return null;
  const close = () => {
    setError(undefined);
    setWaiting(null);
    store.set(null);
  };
  const confirm = async () => {
    setPending(true);
    setError(undefined);
    const r = await resendOrderNotification({ orderId: req.orderId, requestId: req.requestId, sendNow: waiting ? true : undefined });
    setPending(false);
    if (r.error || !r.data) {
      setError(r.error ?? "The resend was not queued.");
      return;
    }
    if (r.data.waiting && !waiting) {
      // No second copy: say so, and offer to send the waiting one now.
      setWaiting(r.data.waiting);
      return;
    }
    close();
    req.refresh();
    void followDelivery(r.data.id, req.orderId, req.refresh);
  };
  return (
    <ResendConfirmDialog
      title={RESEND_LABEL}
      description={`Send order ${req.orderId} to ONTRAPORT again?`}
      waitingDescription={`A Sale for order ${req.orderId} is already waiting to go out.`}
      intro="A new Sale notification is built from the order's current items, customer and ONTRAPORT Product Name mappings, so corrections take effect. ONTRAPORT runs its purchase automations for it again. The earlier transmission stays in the Transmission Log."
      confirmLabel="Resend to ONTRAPORT"
      sale
      waiting={waiting}
      pending={pending}
      error={error}
      onConfirm={confirm}
      onClose={close}
    />
  );
}
