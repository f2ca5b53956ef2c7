"use client";

import { useRouter } from "next/navigation";
import { useState, useSyncExternalStore } from "react";
import { createRoot } from "react-dom/client";
import { toast } from "sonner";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FormMessage } from "@/components/ui/field";
import { MenuItem } from "@/components/ui/menu";
import { resendOrderNotification } from "@/lib/ontraport/log/actions";
import { fetchJson } from "./fetch-json";

export const RESEND_LABEL = "Resend OntraPort Notification";

interface Request {
  orderId: string;
  /** Made when the dialog opens: every click of this dialog's button names the same resend. */
  requestId: string;
  refresh: () => void;
}

/*
 * The confirmation lives outside the Tools menu: a Radix menu unmounts its items when it closes,
 * which would take the dialog with it. A tiny store plus a host rendered once into <body> keeps it
 * alive whatever menu the item sits in.
 */
let current: Request | null = null;
const listeners = new Set<() => void>();
const store = {
  subscribe(l: () => void) {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  get: () => current,
  set(next: Request | null) {
    current = next;
    for (const l of listeners) l();
  },
};
let hostMounted = false;

function ensureHost() {
  if (hostMounted) return;
  hostMounted = true;
  const el = document.createElement("div");
  el.dataset.host = "resend-ontraport";
  document.body.appendChild(el);
  createRoot(el).render(<ResendDialogHost />);
}

type Status = { status: string; lastStatusCode: number | null; lastError: string | null; attempts: number; nextAttemptAt: string };

type Waiting = { id: string; status: "pending" | "sending" | "paused"; nextAttemptAt: string; lastError: string | null; merchantPaused: boolean };

function clock(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

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


function ResendDialogHost() {
  const req = useSyncExternalStore(store.subscribe, store.get, () => null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [waiting, setWaiting] = useState<Waiting | null>(null);
  if (!req) return null;
  const close = () => {
    if (pending) return;
    setError(undefined);
    setWaiting(null);
    store.set(null);
  };
  // A waiting Sale that cannot be sent now (paused by a stale key, or on the wire): nothing to confirm.
  const nothingToDo = !!waiting && (waiting.merchantPaused || waiting.status === "sending");
  const confirm = async () => {
    if (nothingToDo) return close();
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
    setWaiting(null);
    store.set(null);
    req.refresh();
    void followDelivery(r.data.id, req.orderId, req.refresh);
  };
  return (
    <ConfirmDialog
      open
      onOpenChange={(o) => !o && close()}
      title={RESEND_LABEL}
      description={waiting ? `A Sale for order ${req.orderId} is already waiting to go out.` : `Send order ${req.orderId} to ONTRAPORT again?`}
      cancelLabel={nothingToDo ? "Close" : "Cancel"}
      cancelDisabled={pending}
      confirmLabel={nothingToDo ? "OK" : waiting ? "Send it now" : "Resend to ONTRAPORT"}
      confirmVariant="primary"
      onConfirm={confirm}
      pending={pending}
    >
      <div className="space-y-3 text-sm text-zinc-700">
        {!waiting ? (
          <p>
            A new Sale notification is built from the order&apos;s current items, customer and ONTRAPORT Product Name mappings, so corrections take effect. ONTRAPORT
            runs its purchase automations for it again. The earlier transmission stays in the Transmission Log.
          </p>
        ) : waiting.merchantPaused ? (
          <p role="status">
            ONTRAPORT refuses the saved API key, so deliveries are paused. The waiting Sale goes out by itself, once, when an admin saves a new key. No second copy
            was queued: ONTRAPORT would log the sale twice.
          </p>
        ) : waiting.status === "sending" ? (
          <p role="status">It is being sent right now. No second copy was queued: ONTRAPORT would log the sale twice.</p>
        ) : (
          <p role="status">
            It goes out by itself (next try {clock(waiting.nextAttemptAt)}{waiting.lastError ? `; last answer: ${waiting.lastError}` : ""}). No second copy was queued:
            ONTRAPORT would log the sale twice. Send the waiting one now instead?
          </p>
        )}
        <FormMessage error={error} />
      </div>
    </ConfirmDialog>
  );
}

/**
 * Review Order → Tools → "Resend OntraPort Notification". Shown only with the API method; disabled,
 * with the reason, for an order that is not paid.
 */
export function ResendOntraportMenuItem({ orderId, method, paid, unpaidReason }: { orderId: string; method: "off" | "api" | "pixel"; paid: boolean; unpaidReason?: string }) {
  const router = useRouter();
  if (method !== "api") return null;
  return (
    <MenuItem
      disabled={!paid}
      hint={paid ? undefined : (unpaidReason ?? "Only paid orders are sent to ONTRAPORT.")}
      onSelect={() => {
        ensureHost();
        const request: Request = { orderId, requestId: crypto.randomUUID(), refresh: () => router.refresh() };
        // After the menu has closed and given focus back, so the dialog's focus trap starts clean.
        setTimeout(() => store.set(request), 0);
      }}
    >
      {RESEND_LABEL}
    </MenuItem>
  );
}
