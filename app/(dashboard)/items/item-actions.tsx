"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { AlertTriangle } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { TextField } from "@/components/ui/field";
import { duplicate, setInactive } from "./actions";

export function DeactivateButton({ id, inactive }: { id: string; inactive: boolean }) {
  const [pending, start] = useTransition();
  const router = useRouter();
  return (
    <Button
      variant="secondary"
      pending={pending}
      onClick={() =>
        start(async () => {
          const r = await setInactive({ id, inactive: !inactive });
          if (r.error) toast.error(r.error);
          else {
            toast.success(r.message ?? "Saved.");
            router.refresh();
          }
        })
      }
    >
      {inactive ? "Reactivate" : "Deactivate"}
    </Button>
  );
}

/**
 * Duplicate copies every custom field, as the real cart does; when the original is mapped to an
 * ONTRAPORT product, the copy would report as the same product, so the dialog says so and offers
 * to clear the mapping or type a new one.
 */
export function DuplicateButton({ id, itemId, productName }: { id: string; itemId: string; productName: string }) {
  const [open, setOpen] = useState(false);
  const [newItemId, setNewItemId] = useState(`${itemId}-COPY`);
  const [choice, setChoice] = useState<"keep" | "clear" | "change">("keep");
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, start] = useTransition();
  const router = useRouter();
  const submit = () =>
    start(async () => {
      const r = await duplicate({ id, newItemId, productChoice: productName ? choice : "keep", productName: name });
      if (r.error) {
        setErrors(r.fieldErrors ?? { _form: r.error });
        return;
      }
      toast.success(r.message ?? "Copied.");
      setOpen(false);
      router.push(`/items/${(r.data as { id: string }).id}`);
    });
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        setErrors({});
      }}
      title={`Duplicate ${itemId}`}
      description="The copy gets a new Item ID and keeps the price, kind and every custom field."
      trigger={<Button variant="secondary">Duplicate</Button>}
      cancelLabel="Cancel"
      confirmLabel="Create copy"
      confirmVariant="primary"
      onConfirm={submit}
      pending={pending}
    >
      <div className="space-y-4">
        {errors._form && (
          <p role="alert" className="text-sm text-red-700">
            {errors._form}
          </p>
        )}
        <TextField label="New Item ID" value={newItemId} onChange={(e) => setNewItemId(e.target.value)} error={errors.newItemId} />
        {productName && (
          <div className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
            <p role="status" className="flex gap-2 text-amber-900">
              <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
              <span>
                The copy keeps ONTRAPORT Product Name &apos;{productName}&apos; from {itemId}: both items would be sent to ONTRAPORT as the same product (the copy also keeps its ONTRAPORT tags).
              </span>
            </p>
            <fieldset className="space-y-1">
              <legend className="sr-only">ONTRAPORT Product Name of the copy</legend>
              <label className="flex items-center gap-2">
                <input type="radio" name="productChoice" checked={choice === "clear"} onChange={() => setChoice("clear")} />
                Clear it (the copy is sent under its own Item ID)
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="productChoice" checked={choice === "change"} onChange={() => setChoice("change")} />
                Change it to a new name
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="productChoice" checked={choice === "keep"} onChange={() => setChoice("keep")} />
                Keep &apos;{productName}&apos; (both report as one product)
              </label>
            </fieldset>
            {choice === "change" && <TextField label="New ONTRAPORT Product Name" value={name} onChange={(e) => setName(e.target.value)} error={errors.productName} />}
          </div>
        )}
      </div>
    </ConfirmDialog>
  );
}
