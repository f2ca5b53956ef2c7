"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { turnOffAction } from "./actions";

/**
 * The Connection tab's danger zone (admins, integration on): what turning off does, and the button
 * that does it after a confirmation.
 */
export function TurnOffCard({ method }: { method: string }) {
  const [confirm, setConfirm] = useState(false);
  const [busy, startBusy] = useTransition();

  const turnOff = () =>
    startBusy(async () => {
      const r = await turnOffAction({ confirm: true });
      setConfirm(false);
      if (r.error) toast.error(r.error);
      else toast.success(r.message ?? "Turned off.");
    });

  return (
    <section id="danger-zone" aria-labelledby="danger-zone-title" className="min-w-0 rounded-lg border border-red-300 bg-white shadow-xs">
      <header className="border-b border-red-200 px-5 py-3">
        <h2 id="danger-zone-title" className="text-base font-semibold text-red-800">
          Danger zone
        </h2>
      </header>
      <div className="flex flex-wrap items-center justify-between gap-4 px-4 py-4 sm:px-5">
        <div className="min-w-0 max-w-2xl space-y-1 text-sm">
          <p className="font-medium text-zinc-900">Turn off the integration</p>
          <p className="text-zinc-600">
            The {method} stops at once: nothing is sent to ONTRAPORT and no pixel fires. Your API key, sub-domains and product mapping are kept. Orders paid while it is
            off are never sent later, even after you turn it back on.
          </p>
        </div>
        <Button variant="danger" onClick={() => setConfirm(true)}>
          Turn off integration
        </Button>
      </div>
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title="Turn off the ONTRAPORT integration?"
        description="From now on nothing is sent to ONTRAPORT and nothing is queued for it:"
        cancelLabel="Keep it on"
        confirmLabel="Turn off"
        onConfirm={turnOff}
        pending={busy}
      >
        <ul className="list-disc space-y-1 pl-5 text-sm text-zinc-700">
          <li>no notifications for sales, refunds, auto order status changes or affiliates;</li>
          <li>no Partner Tracking Pixel on receipts;</li>
          <li>the Resend OntraPort Notification item disappears from Review Order’s Tools menu.</li>
        </ul>
        <p className="mt-3 text-sm text-zinc-600">Your key, sub-domains and product mapping are kept. Orders paid while it is off are not sent later when you turn it back on.</p>
      </ConfirmDialog>
    </section>
  );
}
