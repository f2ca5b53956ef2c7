"use server";

import { AuthError } from "next-auth";
import { z } from "zod";
import { signIn } from "@/lib/auth";
import { headers } from "next/headers";
import { safeCallback } from "@/lib/auth/callback";
import { getDb } from "@/lib/db/client";
import { clientAddress, signInWait, signInWaitMessage } from "@/lib/security/limits";

export interface LoginState {
  error?: string;
  email?: string;
}

const schema = z.object({
  email: z.string().trim().max(254),
  password: z.string().max(200),
  callbackUrl: z.string().max(2000).optional(),
});

export async function login(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const parsed = schema.safeParse(Object.fromEntries(formData.entries()));
  if (!parsed.success) return { error: "Enter your email and password." };
  const { email, password, callbackUrl } = parsed.data;
  if (!email || !password) return { error: "Enter your email and password.", email };
  const client = clientAddress(await headers());
  const wait = await signInWait(await getDb(), { email, client });
  if (wait) return { error: signInWaitMessage(wait), email };
  try {
    await signIn("credentials", { email, password, redirectTo: safeCallback(callbackUrl) });
    return {};
  } catch (e) {
    if (e instanceof AuthError) {
      const code = (e as AuthError & { code?: string }).code;
      if (code === "throttled") return { error: signInWaitMessage((await signInWait(await getDb(), { email, client })) ?? 1), email };
      return { error: "Wrong email or password.", email };
    }
    // Next's redirect after a successful sign-in is thrown as an error: let it through.
    throw e;
  }
}
