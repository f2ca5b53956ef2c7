"use client";

import { useTransition } from "react";
import { toast } from "sonner";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import { addAffiliate, changeApproval } from "./actions";

export function AddAffiliateForm() {
  const { state, formAction, pending, values: v, errors: f, formKey } = useFormAction(addAffiliate);
  return (
    <form action={formAction} noValidate className="grid gap-4 sm:grid-cols-2" key={formKey}>
      <div className="sm:col-span-2">
        <ErrorSummary error={state.error} fieldErrors={state.fieldErrors} answer={state} />
        <FormMessage message={state.message} />
      </div>
      <TextField label="Name" name="name" defaultValue={v.name} error={f.name} required />
      <TextField label="Email" name="email" type="email" defaultValue={v.email} error={f.email} required />
      <label className="flex items-center gap-2 text-sm sm:col-span-2">
        <input type="checkbox" name="approved" defaultChecked={v.approved === "on"} />
        Approved (orders through this affiliate&apos;s links are credited to them in ONTRAPORT)
      </label>
      <div>
        <Button type="submit" pending={pending}>
          Add affiliate
        </Button>
      </div>
    </form>
  );
}

export function ApprovalButton({ id, name, approved }: { id: number; name: string; approved: boolean }) {
  const [pending, start] = useTransition();
  return (
    <Button
      variant="secondary"
      size="sm"
      pending={pending}
      aria-label={`${approved ? "Unapprove" : "Approve"} ${name}`}
      onClick={() =>
        start(async () => {
          const r = await changeApproval({ id, approved: !approved });
          if (r.error) toast.error(r.error);
          else toast.success(r.message ?? "Saved.");
        })
      }
    >
      {approved ? "Unapprove" : "Approve"}
    </Button>
  );
}
