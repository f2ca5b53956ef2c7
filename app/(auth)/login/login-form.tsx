"use client";

import { useActionState } from "react";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { login, type LoginState } from "./actions";

export function LoginForm({ callbackUrl }: { callbackUrl?: string }) {
  const [state, formAction, pending] = useActionState<LoginState, FormData>(login, {});
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <ErrorSummary error={state.error} answer={state} />
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ""} />
      <TextField label="Email" name="email" type="email" autoComplete="username" required defaultValue={state.email ?? ""} key={state.email ?? "email"} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      <Button type="submit" pending={pending} className="w-full">
        Sign in
      </Button>
    </form>
  );
}
