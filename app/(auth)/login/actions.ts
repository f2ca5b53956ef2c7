"use server";

import { AuthError } from "next-auth";
import { z } from "zod";
import { signIn } from "@/lib/auth";
import { safeCallback } from "@/lib/auth/callback";

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
  try {
    await signIn("credentials", { email, password, redirectTo: safeCallback(callbackUrl) });
    return {};
  } catch (e) {
    if (e instanceof AuthError) {
      const code = (e as AuthError & { code?: string }).code;
      if (code === "throttled") return { error: "Too many failed attempts. Wait 15 minutes, then try again.", email };
      return { error: "Wrong email or password.", email };
    }
    // Next's redirect after a successful sign-in is thrown as an error: let it through.
    throw e;
  }
}
