"use client";

import { startTransition, useState, type FormEvent } from "react";
import type { FieldValues, Resolver } from "react-hook-form";
import type { ActionState } from "@/lib/actions";
import type { z } from "zod";

/**
 * A react-hook-form resolver that checks with a zod schema loaded on first use (the first submit):
 * zod and the resolver are about 45 kB gzipped, which the page's first load cannot afford within its
 * 200 kB budget. The schema is the server's own (`load` imports its module), so the browser and the
 * server agree; the server still checks again.
 */
export function lazyZodResolver<S extends z.ZodType<FieldValues, FieldValues>>(load: () => Promise<S>): Resolver<z.input<S>, unknown, z.output<S>> {
  let ready: Promise<Resolver<z.input<S>, unknown, z.output<S>>> | null = null;
  return async (values, context, options) => {
    ready ??= Promise.all([import("@hookform/resolvers/zod"), load()]).then(([{ zodResolver }, schema]) => zodResolver(schema) as Resolver<z.input<S>, unknown, z.output<S>>);
    return (await ready)(values, context, options);
  };
}

const NO_ERRORS: Record<string, string> = {};

/**
 * A form checked in the browser before it goes to its server action (react-hook-form's handleSubmit):
 * a refusal there focuses the first invalid field and shows the browser's messages; a valid form is
 * sent to the action, whose answer's messages show instead. While a save is on its way the last
 * answer's errors are put away (they may be fixed by now).
 */
export function useBrowserCheck(o: {
  handleSubmit: (valid: () => void, invalid: () => void) => (e: FormEvent<HTMLFormElement>) => Promise<void>;
  browserErrors: Record<string, { message?: unknown } | undefined>;
  formAction: (formData: FormData) => void;
  pending: boolean;
  state: ActionState;
}) {
  const [refusedInBrowser, setRefusedInBrowser] = useState(false);
  const messages: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.browserErrors)) if (typeof v?.message === "string") messages[k] = v.message;
  const errors = refusedInBrowser ? messages : o.pending ? NO_ERRORS : (o.state.fieldErrors ?? NO_ERRORS);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    const el = e.currentTarget;
    void o.handleSubmit(
      () => {
        setRefusedInBrowser(false);
        startTransition(() => o.formAction(new FormData(el)));
      },
      () => setRefusedInBrowser(true),
    )(e);
  };
  return { submit, errors, refusedInBrowser };
}
