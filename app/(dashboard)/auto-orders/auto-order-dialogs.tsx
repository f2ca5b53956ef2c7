"use client";

import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import type { ActionState } from "@/lib/actions";
import { FormActions } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { ErrorSummary } from "@/components/ui/error-summary";
import { SelectField, TextField } from "@/components/ui/field";
import { cancelAutoOrderAction, reactivateAutoOrderAction, rebillNowAction, updateCardAction } from "./actions";
import type { AutoOrderView, OpenAutoOrderDialog } from "./auto-orders-client";

/** The auto orders' dialogs, loaded when one first opens (the page's first load stays within its budget). */
export function AutoOrderDialog({ open, onClose }: { open: NonNullable<OpenAutoOrderDialog>; onClose: () => void }) {
  if (open.kind === "rebill") return <RebillDialog ao={open.ao} onClose={onClose} />;
  if (open.kind === "cancel") return <CancelDialog ao={open.ao} onClose={onClose} />;
  if (open.kind === "reactivate") return <ReactivateDialog ao={open.ao} onClose={onClose} />;
  return <CardDialog ao={open.ao} onClose={onClose} />;
}

function useRun(onClose: () => void) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [state, setState] = useState<ActionState>({});
  const run = (fn: () => Promise<ActionState>, closeOnError = false) =>
    start(async () => {
      const r = await fn();
      setState(r);
      // An error that keeps the dialog open shows in its ErrorSummary only; one that closes it, in a toast.
      if (r.error && closeOnError) toast.error(r.error);
      else if (!r.error) toast.success(r.message ?? "Saved.");
      if (!r.error || closeOnError) {
        onClose();
        router.refresh();
      }
    });
  return { pending, state, run };
}

function RebillDialog({ ao, onClose }: { ao: AutoOrderView; onClose: () => void }) {
  const { pending, run } = useRun(onClose);
  return (
    <ConfirmDialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={`Rebill ${ao.code} now?`}
      description={`Charges ${ao.price.split(" ")[0]} plus tax to the card ending ${ao.cardLast4} now and, if approved, creates a new paid order for ${ao.item}. A decline counts as a failed attempt.`}
      cancelLabel="Cancel"
      confirmLabel="Charge card"
      confirmVariant="primary"
      pending={pending}
      // A decline is still a recorded result: close and refresh to show it.
      onConfirm={() => run(() => rebillNowAction({ autoOrderId: ao.id }), true)}
    />
  );
}

function CancelDialog({ ao, onClose }: { ao: AutoOrderView; onClose: () => void }) {
  const [reason, setReason] = useState("");
  const { pending, state, run } = useRun(onClose);
  return (
    <ConfirmDialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={`Cancel ${ao.code}?`}
      description={`${ao.customerName || ao.email} will not be billed again for ${ao.item}. You can reactivate it later.`}
      cancelLabel="Keep it"
      confirmLabel="Cancel auto order"
      pending={pending}
      onConfirm={() => run(() => cancelAutoOrderAction({ autoOrderId: ao.id, reason: reason as "customer" }))}
    >
      <form noValidate className="space-y-3" onSubmit={(e) => e.preventDefault()}>
        <ErrorSummary error={state.error} fieldErrors={state.fieldErrors} answer={state} />
        <SelectField label="Reason" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} error={state.fieldErrors?.reason} help="Sent to ONTRAPORT as the auto order's status.">
        <option value="">Choose a reason…</option>
        <option value="customer">Customer request (cancelled)</option>
        <option value="merchant">Merchant decision (cancelled)</option>
        <option value="upgrade">Upgrade (cancelled upgrade)</option>
        <option value="downgrade">Downgrade (cancelled downgrade)</option>
        </SelectField>
      </form>
    </ConfirmDialog>
  );
}

function ReactivateDialog({ ao, onClose }: { ao: AutoOrderView; onClose: () => void }) {
  const { pending, run } = useRun(onClose);
  return (
    <ConfirmDialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={`Reactivate ${ao.code}?`}
      description={`It becomes active and bills ${ao.price} again, starting one period from today, to the card ending ${ao.cardLast4}.`}
      cancelLabel="Cancel"
      confirmLabel="Reactivate"
      confirmVariant="primary"
      pending={pending}
      onConfirm={() => run(() => reactivateAutoOrderAction({ autoOrderId: ao.id }))}
    />
  );
}

function CardDialog({ ao, onClose }: { ao: AutoOrderView; onClose: () => void }) {
  const [card, setCard] = useState("");
  const { pending, state, run } = useRun(onClose);
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={`Update card for ${ao.code}`} description={`Replaces the card ending ${ao.cardLast4}. The next rebill charges the new card.`}>
      <form
        noValidate
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          run(() => updateCardAction({ autoOrderId: ao.id, cardNumber: card }));
        }}
      >
        <ErrorSummary error={state.error} fieldErrors={state.fieldErrors} answer={state} />
        <TextField
          label="Card number"
          name="cardNumber"
          inputMode="numeric"
          autoComplete="off"
          value={card}
          onChange={(e) => setCard(e.target.value)}
          error={state.fieldErrors?.cardNumber}
          help="Test cards: 4111 1111 1111 1111 is approved, 4000 0000 0000 0002 is declined."
        />
        <FormActions onCancel={onClose} submitLabel="Save card" pending={pending} />
      </form>
    </Dialog>
  );
}
