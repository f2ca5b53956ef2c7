"use client";

import { useActionState, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import type { ActionState } from "@/lib/actions";
import type { StageAction } from "@/lib/orders/stages";
import { FormActions } from "@/components/ui/button";
import { useCloseOnSuccess } from "@/components/ui/use-form-action";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { ErrorSummary } from "@/components/ui/error-summary";
import { TextAreaField, TextField } from "@/components/ui/field";
import { ItemsDialog, type ItemLineInfo } from "./items-dialog";
import { moveOrderStage, refundOrderAction, updateCustomerAction, type RefundPreview } from "./actions";

export interface MoveOption {
  action: StageAction;
  label: string;
  /** Why it is not possible now; absent when it is. */
  refused?: string;
  /** What happens, said in the confirmation. */
  effect: string;
}

export interface RefundLineInfo {
  id: string;
  label: string;
  quantity: number;
  remaining: number;
  unitPrice: string;
}

/** Which of Review Order's dialogs is open (order-menus.tsx opens them). */
export type OpenDialog = null | "customer" | "items" | "full" | "partial" | { move: MoveOption };

export interface OrderDialogProps {
  open: Exclude<OpenDialog, null>;
  orderId: string;
  itemLines: ItemLineInfo[];
  refund: { fullSummary?: string; lines: RefundLineInfo[]; shippingLeft: string; merchandiseLeft: string };
  customer: Record<string, string>;
  onClose: () => void;
}

/** Review Order's dialogs, loaded when one first opens (the page's first load stays small). */
export function OrderDialog({ open, orderId, itemLines, refund, customer, onClose: close }: OrderDialogProps) {
  if (typeof open === "object") return <MoveDialog orderId={orderId} move={open.move} onClose={close} />;
  if (open === "customer") return <CustomerDialog orderId={orderId} customer={customer} onClose={close} />;
  if (open === "items") return <ItemsDialog orderId={orderId} lines={itemLines} onClose={close} />;
  if (open === "full") return <FullRefundDialog orderId={orderId} summary={refund.fullSummary ?? ""} onClose={close} />;
  return <PartialRefundDialog orderId={orderId} lines={refund.lines} shippingLeft={refund.shippingLeft} merchandiseLeft={refund.merchandiseLeft} onClose={close} />;
}

/** After an action: success says so in a toast and closes; an error stays in the dialog's ErrorSummary (no toast repeating it). */
function useDone(onClose: () => void) {
  const router = useRouter();
  return (r: ActionState) => {
    if (r.error) return false;
    toast.success(r.message ?? "Saved.");
    onClose();
    router.refresh();
    return true;
  };
}

/** A confirmation that calls one action: its error stays in the dialog, success closes it. */
function useConfirmAction(onClose: () => void) {
  const [answer, setAnswer] = useState<ActionState>({});
  const [pending, start] = useTransition();
  const done = useDone(onClose);
  const run = (call: () => Promise<ActionState>) =>
    start(async () => {
      const r = await call();
      if (r.error) setAnswer(r);
      done(r);
    });
  return { answer, pending, run };
}

function MoveDialog({ orderId, move, onClose }: { orderId: string; move: MoveOption; onClose: () => void }) {
  const [note, setNote] = useState("");
  const { answer, pending, run } = useConfirmAction(onClose);
  return (
    <ConfirmDialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={`${move.label}?`}
      description={move.effect}
      cancelLabel="Cancel"
      confirmLabel={move.label}
      confirmVariant={move.action === "reject" ? "danger" : "primary"}
      pending={pending}
      onConfirm={() => run(() => moveOrderStage({ orderId, action: move.action, note }))}
    >
      <form noValidate className="space-y-3" onSubmit={(e) => e.preventDefault()}>
        <ErrorSummary error={answer.error} fieldErrors={answer.fieldErrors} answer={answer} />
        <TextAreaField label="Note (optional)" name="note" help="Kept in the stage history." value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={500} />
      </form>
    </ConfirmDialog>
  );
}

const CUSTOMER_FIELDS: Array<{ name: string; label: string; type?: string; wide?: boolean }> = [
  { name: "firstName", label: "First name" },
  { name: "lastName", label: "Last name" },
  { name: "email", label: "Email", type: "email" },
  { name: "dayPhone", label: "Phone", type: "tel" },
  { name: "company", label: "Company", wide: true },
  { name: "address1", label: "Address", wide: true },
  { name: "address2", label: "Address line 2", wide: true },
  { name: "city", label: "City" },
  { name: "stateRegion", label: "State or region" },
  { name: "postalCode", label: "Postal code" },
  { name: "countryCode", label: "Country code" },
];

function CustomerDialog({ orderId, customer, onClose }: { orderId: string; customer: Record<string, string>; onClose: () => void }) {
  const [state, submit, pending] = useActionState<ActionState, FormData>(updateCustomerAction, {});
  useCloseOnSuccess(state, onClose);
  const v = state.values ?? customer;
  const f = state.fieldErrors ?? {};
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title="Edit customer details" description="The billing details on this order. Shipping details stay as they are; items are corrected under Edit › Items." wide>
      <form action={submit} noValidate className="grid gap-3 sm:grid-cols-2">
        <input type="hidden" name="orderId" value={orderId} />
        <div className="sm:col-span-2">
          <ErrorSummary error={state.error} fieldErrors={state.fieldErrors} answer={state} />
        </div>
        {CUSTOMER_FIELDS.map((field) => (
          <TextField key={field.name} className={field.wide ? "sm:col-span-2" : undefined} label={field.label} name={field.name} type={field.type ?? "text"} defaultValue={v[field.name] ?? ""} error={f[field.name]} />
        ))}
        <FormActions className="flex justify-end gap-2 sm:col-span-2" onCancel={onClose} submitLabel="Save customer" pending={pending} />
      </form>
    </Dialog>
  );
}

function FullRefundDialog({ orderId, summary, onClose }: { orderId: string; summary: string; onClose: () => void }) {
  const [reason, setReason] = useState("");
  const { answer, pending, run } = useConfirmAction(onClose);
  return (
    <ConfirmDialog
      open
      onOpenChange={(o) => !o && onClose()}
      title="Complete refund"
      description={`Refund everything still refundable: ${summary}. The payment becomes Refunded. This cannot be undone.`}
      cancelLabel="Cancel"
      confirmLabel={`Refund ${summary.split(" ")[0]}`}
      pending={pending}
      onConfirm={() => run(() => refundOrderAction({ orderId, full: true, reason, confirm: true, lines: [] }))}
    >
      <form noValidate className="space-y-3" onSubmit={(e) => e.preventDefault()}>
        <ErrorSummary error={answer.error} fieldErrors={answer.fieldErrors} answer={answer} />
        <TextField label="Reason (optional)" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
      </form>
    </ConfirmDialog>
  );
}

function PartialRefundDialog({ orderId, lines, shippingLeft, merchandiseLeft, onClose }: { orderId: string; lines: RefundLineInfo[]; shippingLeft: string; merchandiseLeft: string; onClose: () => void }) {
  const [qty, setQty] = useState<Record<string, string>>({});
  const [amount, setAmount] = useState("");
  const [shippingHandling, setShipping] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<{ message?: string; fields: Record<string, string> }>({ fields: {} });
  // Each refusal is a new `errors` object: the ErrorSummary takes focus again.
  const [preview, setPreview] = useState<RefundPreview | null>(null);
  const [pending, start] = useTransition();
  const done = useDone(onClose);
  const input = (confirm: boolean) => ({
    orderId,
    full: false,
    confirm,
    reason,
    amount,
    shippingHandling,
    lines: lines.map((l) => ({ lineId: l.id, quantity: qty[l.id]?.trim() || 0 })),
  });
  const edit = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setPreview(null);
  };
  const review = () =>
    start(async () => {
      const r = await refundOrderAction(input(false));
      if (r.error) {
        setErrors({ message: r.error, fields: r.fieldErrors ?? {} });
        return;
      }
      setErrors({ fields: {} });
      setPreview((r.data as RefundPreview) ?? null);
    });
  const confirm = () =>
    start(async () => {
      const r = await refundOrderAction(input(true));
      if (r.error) setErrors({ message: r.error, fields: r.fieldErrors ?? {} });
      done(r);
    });
  return (
    <ConfirmDialog
      open
      onOpenChange={(o) => !o && onClose()}
      wide
      title="Partial refund"
      description={`Choose units to return, an amount of merchandise, and/or shipping and handling. Tax is refunded in proportion to merchandise. Still refundable: merchandise ${merchandiseLeft}, shipping and handling ${shippingLeft}.`}
      cancelLabel="Cancel"
      // Two steps: Review refund asks the server for the exact amounts, then the same button refunds them.
      confirmLabel={preview ? `Refund ${preview.summary.split(" ")[0]}` : "Review refund"}
      confirmVariant={preview ? "danger" : "primary"}
      onConfirm={preview ? confirm : review}
      pending={pending}
    >
      <form
        noValidate
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!pending) (preview ? confirm : review)();
        }}
      >
        <ErrorSummary error={errors.message} fieldErrors={errors.fields} answer={errors} />
        <table className="w-full text-sm">
          <caption className="sr-only">Units to refund per line</caption>
          <thead>
            <tr className="text-left text-xs uppercase text-zinc-500">
              <th className="py-1">Item</th>
              <th className="py-1">Unit price</th>
              <th className="py-1">Refundable</th>
              <th className="w-32 py-1">Units to refund</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              <tr key={l.id} className="border-t border-zinc-100 align-top">
                <td className="py-2">{l.label}</td>
                <td className="py-2 tabular-nums">{l.unitPrice}</td>
                <td className="py-2">
                  {l.remaining} of {l.quantity}
                </td>
                <td className="py-1">
                  <TextField
                    label={<span className="sr-only">Units of {l.label} to refund</span>}
                    type="number"
                    min={0}
                    max={l.remaining}
                    disabled={l.remaining === 0}
                    value={qty[l.id] ?? ""}
                    placeholder="0"
                    onChange={(e) => edit<string>((v) => setQty((q) => ({ ...q, [l.id]: v })))(e.target.value)}
                    name={`lines.${i}.quantity`}
                    error={errors.fields[`lines.${i}.quantity`]}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField label="Merchandise amount" name="amount" inputMode="decimal" placeholder="0.00" help="On top of the units above, e.g. a price adjustment." value={amount} onChange={(e) => edit(setAmount)(e.target.value)} error={errors.fields.amount} />
          <TextField label="Shipping and handling" name="shippingHandling" inputMode="decimal" placeholder="0.00" help={`Up to ${shippingLeft}.`} value={shippingHandling} onChange={(e) => edit(setShipping)(e.target.value)} error={errors.fields.shippingHandling} />
          <TextField className="sm:col-span-2" label="Reason (optional)" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        </div>
        {preview && (
          <div role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            This will refund {preview.summary}. It cannot be undone.
          </div>
        )}
      </form>
    </ConfirmDialog>
  );
}
