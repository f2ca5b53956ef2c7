"use client";

import { useActionState, useEffect } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { ErrorSummary } from "@/components/ui/error-summary";
import { FormMessage, SelectField, TextAreaField, TextField } from "@/components/ui/field";
import { UnsavedChangesGuard } from "@/components/ui/unsaved-changes";
import type { ActionState } from "@/lib/actions";
import { lazyZodResolver, useBrowserCheck } from "@/components/ui/browser-check";
import { FREQUENCIES } from "@/lib/items/frequencies";
import type { itemSchema } from "@/lib/items/schema";
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

// The server's schema, loaded on the first submit (keeps zod out of the page's first load).
const itemResolver = lazyZodResolver(() => import("@/lib/items/schema").then((m) => m.itemSchema));

/**
 * The item editor. On submit the browser checks the fields with the server's own zod schema
 * (lib/items/schema.ts) and focuses the first invalid one; a valid form goes to the saveItem server
 * action, which checks again (and the custom fields, and the Item ID's uniqueness). Either way the
 * errors show in one ErrorSummary; the typing stays. Unsaved changes are guarded.
 */
export function ItemForm({ initial, readOnly }: { initial: ItemFormValues; readOnly: boolean }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(saveItem, {});
  const v = state.values ?? {};
  const val = (k: keyof ItemFormValues) => (v[k] ?? initial[k] ?? "") as string;
  const rows = initial.customFields.filter(([k]) => k !== "oapProductid" && k !== "oapTags");
  const extra = [...rows, ["", ""] as [string, string], ["", ""] as [string, string]];
  const defaults: z.input<typeof itemSchema> = {
    ...(initial.id ? { id: initial.id } : {}),
    merchantItemId: val("merchantItemId"),
    description: val("description"),
    price: val("price"),
    kind: val("kind") as ItemFormValues["kind"],
    frequency: val("frequency") as (typeof FREQUENCIES)[number] | "",
    oapProductid: val("oapProductid"),
    oapTags: val("oapTags"),
  };
  extra.forEach(([name, value], i) => {
    defaults[`cfName_${i}`] = v[`cfName_${i}`] ?? name;
    defaults[`cfValue_${i}`] = v[`cfValue_${i}`] ?? value;
  });
  const form = useForm({ resolver: itemResolver, defaultValues: defaults, shouldFocusError: true });
  const { register, formState, reset, getValues } = form;
  const kind = useWatch({ control: form.control, name: "kind" });
  // The browser checks first (focusing the first invalid field); a valid form goes to the server action.
  const { submit, errors: f, refusedInBrowser } = useBrowserCheck({ handleSubmit: form.handleSubmit, browserErrors: formState.errors, formAction, pending, state });
  const dirtyCount = Object.keys(formState.dirtyFields).length;

  useEffect(() => {
    // Saved: what is on screen is now the saved item (nothing unsaved).
    if (state.ok) reset(getValues());
  }, [state, reset, getValues]);

  return (
    <form action={formAction} onSubmit={submit} noValidate className="space-y-5">
      {initial.id && <input type="hidden" name="id" value={initial.id} />}
      <ErrorSummary error={refusedInBrowser || pending ? undefined : state.error} fieldErrors={f} takeFocus={!refusedInBrowser} answer={state} />
      {!refusedInBrowser && <FormMessage message={state.ok ? state.message : undefined} />}
      <UnsavedChangesGuard count={readOnly ? 0 : dirtyCount} />
      <fieldset disabled={readOnly} className="grid gap-4 sm:grid-cols-2">
        <TextField label="Item ID" {...register("merchantItemId")} error={f.merchantItemId} help="Unique in your store; shoppers and ONTRAPORT see it." required />
        <TextField label="Price" {...register("price")} inputMode="decimal" error={f.price} help="In dollars, like 19.95." required />
        <TextAreaField label="Description" {...register("description")} rows={2} error={f.description} className="sm:col-span-2" />
        <SelectField label="Kind" {...register("kind")} error={f.kind}>
          <option value="standard">Standard</option>
          <option value="recurring">Recurring (auto order)</option>
          <option value="preorder">Pre-order</option>
        </SelectField>
        {kind === "recurring" ? (
          <SelectField label="Renews" {...register("frequency")} error={f.frequency}>
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
          {...register("oapProductid")}
          error={f.oapProductid}
          placeholder={initial.merchantItemId || "Item ID"}
          help="The product ONTRAPORT records for this item. Empty: the Item ID is sent."
          className="max-w-xl"
        />
        <TextField
          label="ONTRAPORT tags (oapTags)"
          {...register("oapTags")}
          error={f.oapTags}
          placeholder="e.g. Shirts, Apparel"
          help="Comma-separated. Buyers of this item get these tags on their ONTRAPORT contact with each sale (REST API); an ONTRAPORT campaign can start from a tag."
          className="max-w-xl"
        />
        <div className="grid gap-2">
          {extra.map((_, i) => (
            <div key={i} className="grid gap-2 sm:grid-cols-2">
              <TextField label={`Custom field ${i + 1} name`} {...register(`cfName_${i}`)} error={f[`cfName_${i}`]} />
              <TextField label={`Custom field ${i + 1} value`} {...register(`cfValue_${i}`)} error={f[`cfValue_${i}`]} />
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
