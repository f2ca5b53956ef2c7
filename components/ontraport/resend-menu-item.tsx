"use client";

import { useRouter } from "next/navigation";
import { MenuItem } from "@/components/ui/menu";
import { RESEND_LABEL, resendOrderStore, type ResendOrderRequest } from "./resend-order-store";

export { RESEND_LABEL };

let host: Promise<void> | null = null;

/** The dialog's code loads on first use (Review Order's first load stays small) and renders once into <body>. */
function ensureHost(): Promise<void> {
  host ??= Promise.all([import("react-dom/client"), import("./resend-order-dialog")]).then(([{ createRoot }, { ResendDialogHost }]) => {
    const el = document.createElement("div");
    el.dataset.host = "resend-ontraport";
    document.body.appendChild(el);
    createRoot(el).render(<ResendDialogHost />);
  });
  return host;
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
        const request: ResendOrderRequest = { orderId, requestId: crypto.randomUUID(), refresh: () => router.refresh() };
        // After the menu has closed and given focus back (and the dialog's code is loaded), so the dialog's focus trap starts clean.
        void ensureHost().then(() => setTimeout(() => resendOrderStore.set(request), 0));
      }}
    >
      {RESEND_LABEL}
    </MenuItem>
  );
}
