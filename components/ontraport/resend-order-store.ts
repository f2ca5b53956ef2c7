/**
 * Review Order's "Resend OntraPort Notification" request, held outside the Tools menu: a Radix menu
 * unmounts its items when it closes, which would take the dialog with it. The menu item sets it; the
 * dialog host (resend-order-dialog.tsx, loaded on first use and rendered once into <body>) shows it.
 */
export interface ResendOrderRequest {
  orderId: string;
  /** Made when the dialog opens: every click of this dialog's button names the same resend. */
  requestId: string;
  refresh: () => void;
}

let current: ResendOrderRequest | null = null;
const listeners = new Set<() => void>();

export const resendOrderStore = {
  subscribe(l: () => void) {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  get: (): ResendOrderRequest | null => current,
  set(next: ResendOrderRequest | null) {
    current = next;
    for (const l of listeners) l();
  },
};

export const RESEND_LABEL = "Resend OntraPort Notification";
