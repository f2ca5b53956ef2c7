"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, SelectField, TextAreaField, TextField } from "@/components/ui/field";
import type { ActionState } from "@/lib/actions";
import { saveItem } from "./actions";

export interface ItemFormValues {
  id?: string;
  merchantItemId: string;
  description: string;
  price: string;
  kind: "standard" | "recurring" | "preorder";
  frequency: string;
  oapProductid: string;
  oapTags: string;
  customFields: Array<[string, string]>;
}

const FREQUENCIES = ["Weekly", "Every 2 Weeks", "Monthly", "Every 2 Months", "Quarterly", "Every 6 Months", "Yearly"];

export function ItemForm({ initial, readOnly }: { initial: ItemFormValues; readOnly: boolean }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(saveItem, {});
  const v = state.values ?? {};
  const f = state.fieldErrors ?? {};
  const val = (k: keyof ItemFormValues) => (v[k] ?? initial[k]) as string;
  const [kind, setKind] = useState<string>(val("kind"));
  const rows = initial.customFields.filter(([k]) => k !== "oapProductid" && k !== "oapTags");
  const extra = [...rows, ["", ""] as [string, string], ["", ""] as [string, string]];
  return (
    <form action={formAction} noValidate className="space-y-5">
      {initial.id && <input type="hidden" name="id" value={initial.id} />}
      <FormMessage error={state.error} message={state.message} />
      <fieldset disabled={readOnly} className="grid gap-4 sm:grid-cols-2">
        <TextField label="Item ID" name="merchantItemId" defaultValue={val("merchantItemId")} error={f.merchantItemId} help="Unique in your store; shoppers and ONTRAPORT see it." required />
        <TextField label="Price" name="price" inputMode="decimal" defaultValue={val("price")} error={f.price} help="In dollars, like 19.95." required />
        <TextAreaField label="Description" name="description" rows={2} defaultValue={val("description")} error={f.description} className="sm:col-span-2" />
        <SelectField label="Kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value)} error={f.kind}>
          <option value="standard">Standard</option>
          <option value="recurring">Recurring (auto order)</option>
          <option value="preorder">Pre-order</option>
        </SelectField>
        {kind === "recurring" ? (
          <SelectField label="Renews" name="frequency" defaultValue={val("frequency")} error={f.frequency}>
            <option value="">Choose…</option>
            {FREQUENCIES.map((x) => (
              <option key={x}>{x}</option>
            ))}
          </SelectField>
        ) : (
          <input type="hidden" name="frequency" value="" />
        )}
      </fieldset>
      <fieldset disabled={readOnly} className="space-y-3 rounded-md border border-zinc-200 p-4">
        <legend className="px-1 text-sm font-semibold">Custom fields</legend>
        <TextField
          label="ONTRAPORT Product Name (oapProductid)"
          name="oapProductid"
          defaultValue={val("oapProductid")}
          error={f.oapProductid}
          placeholder={val("merchantItemId") || "Item ID"}
          help="The product ONTRAPORT records for this item. Empty: the Item ID is sent."
          className="max-w-xl"
        />
        <TextField
          label="ONTRAPORT tags (oapTags)"
          name="oapTags"
          defaultValue={val("oapTags")}
          error={f.oapTags}
          placeholder="e.g. Shirts, Apparel"
          help="Comma-separated. Buyers of this item get these tags on their ONTRAPORT contact with each sale (REST API); an ONTRAPORT campaign can start from a tag."
          className="max-w-xl"
        />
        <div className="grid gap-2">
          {extra.map(([name, value], i) => (
            <div key={i} className="grid gap-2 sm:grid-cols-2">
              <TextField label={`Custom field ${i + 1} name`} name={`cfName_${i}`} defaultValue={v[`cfName_${i}`] ?? name} error={f[`cfName_${i}`]} />
              <TextField label={`Custom field ${i + 1} value`} name={`cfValue_${i}`} defaultValue={v[`cfValue_${i}`] ?? value} error={f[`cfValue_${i}`]} />
            </div>
          ))}
        </div>
      </fieldset>
      {!readOnly && (
        <Button type="submit" pending={pending}>
          {initial.id ? "Save item" : "Create item"}
        </Button>
      )}
    </form>
  );
}
