"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import type { TransmissionType } from "@/lib/db/schema/ontraport";
import { resendTransmissionAction, type ResendOutcome } from "@/lib/ontraport/log/actions";
import { ResendConfirmDialog } from "./resend-confirm";
import type { ResendTarget } from "./resend-transmission";

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

  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ["ontraport-log"] }),
      qc.invalidateQueries({ queryKey: ["ontraport-health"] }),
      qc.invalidateQueries({ queryKey: ["ontraport-transmission"] }),
    ]);

  const confirm = async () => {
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
    <ResendConfirmDialog
      title={`Resend ${target.name}?`}
      description="A copy of this transmission is queued as a new one; the original stays in the log."
      intro={WHAT[target.type] ?? ""}
      confirmLabel="Resend"
      sale={target.type === "sale"}
      waiting={waiting}
      pending={pending}
      error={error}
      onConfirm={confirm}
      onClose={onClose}
    />
  );
}
