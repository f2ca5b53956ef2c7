"use client";

import { useActionState, useEffect } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import type { ActionState } from "@/lib/actions";

/**
 * The scaffold of a form bound to a server action: its state, the typing to keep after a refusal
 * (`values`), the message per field (`errors`), and a `formKey` for the <form> that changes after each
 * success, so the form remounts empty, and stays put after a failure, so what was typed is kept.
 */
export function useFormAction(action: (prev: ActionState, formData: FormData) => Promise<ActionState>) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, {});
  return {
    state,
    formAction,
    pending,
    values: state.values ?? {},
    errors: state.fieldErrors ?? {},
    formKey: state.ok ? state.message : "form",
  };
}

/**
 * For a dialog whose form saves through a server action: when the save succeeds, say so in a toast,
 * close the dialog and refresh the page's server data.
 */
export function useCloseOnSuccess(state: ActionState, onClose: () => void): void {
  const router = useRouter();
  useEffect(() => {
    if (state.ok) {
      toast.success(state.message ?? "Saved.");
      onClose();
      router.refresh();
    }
  }, [state, onClose, router]);
}
