"use client";

import { useRouter } from "next/navigation";
import { useState, useSyncExternalStore } from "react";
import { createRoot } from "react-dom/client";
import { toast } from "sonner";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FormMessage } from "@/components/ui/field";
import { MenuItem } from "@/components/ui/menu";
import { resendOrderNotification } from "./actions";
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

type Status = { status: string; lastStatusCode: number | null; lastError: string | null; attempts: number };

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
  if (!req) return null;
  const close = () => {
    if (pending) return;
    setError(undefined);
    store.set(null);
  };
  const confirm = async () => {
    setPending(true);
    setError(undefined);
    const r = await resendOrderNotification({ orderId: req.orderId, requestId: req.requestId });
    setPending(false);
    if (r.error || !r.data) {
      setError(r.error ?? "The resend was not queued.");
      return;
    }
    store.set(null);
    req.refresh();
    void followDelivery(r.data.id, req.orderId, req.refresh);
  };
  return (
    <ConfirmDialog
      open
      onOpenChange={(o) => !o && close()}
      title={RESEND_LABEL}
      description={`Send order ${req.orderId} to ONTRAPORT again?`}
      cancelLabel="Cancel"
      cancelDisabled={pending}
      confirmLabel="Resend to ONTRAPORT"
      confirmVariant="primary"
      onConfirm={confirm}
      pending={pending}
    >
      <div className="space-y-3 text-sm text-zinc-700">
        <p>
          A new Sale notification is built from the order&apos;s current items, customer and ONTRAPORT Product Name mappings, so corrections take effect. ONTRAPORT
          runs its purchase automations for it again. The earlier transmission stays in the Transmission Log.
        </p>
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
