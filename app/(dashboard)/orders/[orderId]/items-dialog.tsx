"use client";

import { ErrorSummary } from "@/components/ui/error-summary";
import { FormActions } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { useCloseOnSuccess, useFormAction } from "@/components/ui/use-form-action";
import { correctItemsAction } from "./actions";

export interface ItemLineInfo {
  id: string;
  lineNo: number;
  merchantItemId: string;
  description: string;
  quantity: number;
  total: string;
  /** A subscription line keeps its item (its auto order rebills it). */
  subscription: boolean;
}

/** Edit > Items: correct which store item each line refers to. Quantities and amounts stay as charged. */
export function ItemsDialog({ orderId, lines, onClose }: { orderId: string; lines: ItemLineInfo[]; onClose: () => void }) {
  const { state, formAction, pending, values, errors } = useFormAction(correctItemsAction);
  useCloseOnSuccess(state, onClose);
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title="Correct items"
      description="Point a line at the store item it really is (a wrong Item ID keyed in, a product renamed). Quantities, prices and the amount charged do not change: use Payments to refund. ONTRAPORT hears of it when you resend the OntraPort notification."
      wide
    >
      <form action={formAction} noValidate className="space-y-4">
        <input type="hidden" name="orderId" value={orderId} />
        <ErrorSummary error={state.error} fieldErrors={state.fieldErrors} answer={state} />
        {lines.map((l) => (
          <div key={l.id} className="grid items-start gap-3 sm:grid-cols-[1fr_14rem]">
            <div className="pt-1 text-sm text-zinc-700">
              <div className="font-medium text-zinc-900">Line {l.lineNo}</div>
              <div>
                {l.description || l.merchantItemId} · Qty {l.quantity} · {l.total}
              </div>
            </div>
            {l.subscription ? (
              <TextField label={`Item ID, line ${l.lineNo}`} value={l.merchantItemId} readOnly disabled help="A subscription line: change it from Auto Orders." />
            ) : (
              <TextField label={`Item ID, line ${l.lineNo}`} name={`line_${l.id}`} defaultValue={values[`line_${l.id}`] ?? l.merchantItemId} error={errors[`line_${l.id}`]} maxLength={100} autoComplete="off" spellCheck={false} />
            )}
          </div>
        ))}
        <FormActions onCancel={onClose} submitLabel="Save items" pending={pending} />
      </form>
    </Dialog>
  );
}
