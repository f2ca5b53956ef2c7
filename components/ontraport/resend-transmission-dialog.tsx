"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FormMessage } from "@/components/ui/field";
import type { TransmissionType } from "@/lib/db/schema/ontraport";
import { resendTransmissionAction, type ResendOutcome } from "@/lib/ontraport/log/actions";
import type { ResendTarget } from "./resend-transmission";

function clock(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

const WHAT: Partial<Record<TransmissionType, string>> = {
  sale: "ONTRAPORT runs its purchase automations for it again.",
  refund: "If the order's Sale is not delivered yet, the copy is held and goes out right after the Sale.",
  auto_order_status: "If the order's Sale is not delivered yet, the copy is held and goes out right after the Sale.",
  affiliate: "ONTRAPORT updates the affiliate with it again.",
};

/**
 * Confirms a resend of one transmission. The request id is made when the dialog opens, so a double
 * click queues one copy. When what it would copy is already waiting, it says so and offers
 * "Send it now" (not while paused by a stale key, sending, or held behind the Sale).
 */
export function ResendTransmissionDialog({ target, onClose, onQueued }: { target: ResendTarget; onClose: () => void; onQueued?: (id: string) => void }) {
  const qc = useQueryClient();
  const [requestId] = useState(() => crypto.randomUUID());
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [waiting, setWaiting] = useState<ResendOutcome["waiting"]>(null);
  const nothingToDo = !!waiting && (waiting.merchantPaused || waiting.status === "sending" || waiting.status === "held");

  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ["ontraport-log"] }),
      qc.invalidateQueries({ queryKey: ["ontraport-health"] }),
      qc.invalidateQueries({ queryKey: ["ontraport-transmission"] }),
    ]);

  const close = () => {
    if (!pending) onClose();
  };
  const confirm = async () => {
    if (nothingToDo) return onClose();
    setPending(true);
    setError(undefined);
    const r = await resendTransmissionAction({ transmissionId: target.id, requestId, sendNow: waiting ? true : undefined });
    setPending(false);
    if (r.error || !r.data) {
      setError(r.error ?? "The resend was not queued.");
      return;
    }
    if (r.data.waiting && !waiting) {
      setWaiting(r.data.waiting);
      return;
    }
    if (r.data.waiting) toast.success(`${target.name}: the waiting one goes out now.`);
    else if (r.data.status === "held") toast.success(`Queued a copy of ${target.name}`, { description: "It is held until the order's Sale is delivered, then goes out by itself." });
    else toast.success(`Queued a copy of ${target.name}`, { description: "It appears at the top of the log." });
    void refresh();
    onQueued?.(r.data.id);
    onClose();
  };

  return (
    <ConfirmDialog
      open
      onOpenChange={(o) => !o && close()}
      title={`Resend ${target.name}?`}
      description={waiting ? "It is already waiting to go out." : "A copy of this transmission is queued as a new one; the original stays in the log."}
      cancelLabel={nothingToDo ? "Close" : "Cancel"}
      cancelDisabled={pending}
      confirmLabel={nothingToDo ? "OK" : waiting ? "Send it now" : "Resend"}
      confirmVariant="primary"
      onConfirm={confirm}
      pending={pending}
    >
      <div className="space-y-3 text-sm text-zinc-700">
        {!waiting ? (
          <p>{WHAT[target.type] ?? ""}</p>
        ) : waiting.status === "held" ? (
          <p role="status">It is held until the order&apos;s Sale is delivered, then goes out by itself. No second copy was queued.</p>
        ) : waiting.merchantPaused ? (
          <p role="status">ONTRAPORT refuses the saved API key, so deliveries are paused. It goes out by itself, once, when an admin saves a new key. No second copy was queued.</p>
        ) : waiting.status === "sending" ? (
          <p role="status">It is being sent right now. No second copy was queued.</p>
        ) : (
          <p role="status">
            It goes out by itself (next try {clock(waiting.nextAttemptAt)}
            {waiting.lastError ? `; last answer: ${waiting.lastError}` : ""}). No second copy was queued{target.type === "sale" ? ": ONTRAPORT would log the sale twice" : ""}. Send the waiting
            one now instead?
          </p>
        )}
        <FormMessage error={error} />
      </div>
    </ConfirmDialog>
  );
}
