"use client";

import { useEffect, useRef } from "react";
import { toast } from "sonner";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import { addTheme, renameThemeAction } from "./actions";

export function AddThemeForm() {
  const { state, formAction, pending, values: v, errors: f, formKey } = useFormAction(addTheme);
  return (
    <form action={formAction} noValidate className="grid gap-4 sm:grid-cols-2" key={formKey}>
      <div className="sm:col-span-2">
        <ErrorSummary error={state.error} fieldErrors={state.fieldErrors} answer={state} />
        <FormMessage message={state.message} />
      </div>
      <TextField label="Theme code" name="code" defaultValue={v.code} error={f.code} help="Capital letters, digits, - and _. Used in the StoreFront address; it cannot be changed later." required />
      <TextField label="Theme name" name="name" defaultValue={v.name} error={f.name} required />
      <div>
        <Button type="submit" pending={pending}>
          Add theme
        </Button>
      </div>
    </form>
  );
}

export function RenameThemeForm({ id, code, name }: { id: string; code: string; name: string }) {
  const { state, formAction, pending } = useFormAction(renameThemeAction);
  const input = useRef<HTMLInputElement>(null);
  const error = state.fieldErrors?.name ?? (state.fieldErrors ? undefined : state.error);
  useEffect(() => {
    if (state.ok && state.message) toast.success(state.message);
    // A one-field form has no error summary: a refusal puts focus on the field, whose error is its
    // description, so a screen reader reads it once.
    else if (state.error) input.current?.focus();
  }, [state]);
  return (
    <form action={formAction} noValidate className="flex items-start gap-2">
      <input type="hidden" name="id" value={id} />
      <TextField ref={input} label={`Name of ${code}`} name="name" defaultValue={state.values?.name ?? name} error={error} className="w-64 [&>label]:sr-only" />
      <Button type="submit" variant="secondary" size="sm" pending={pending} className="mt-1" aria-label={`Rename ${code}`}>
        Rename
      </Button>
    </form>
  );
}
