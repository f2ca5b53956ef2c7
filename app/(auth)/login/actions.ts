"use server";

import { AuthError } from "next-auth";
import { z } from "zod";
import { signIn } from "@/lib/auth";
import { headers } from "next/headers";
import { safeCallback } from "@/lib/auth/callback";
import { publicAction } from "@/lib/actions";
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

export const login = publicAction<typeof schema, LoginState>(
  {
    schema,
    why: "signing in is what an anonymous visitor does",
    invalid: () => ({ error: "Enter your email and password." }),
    unexpected: "Signing in failed on the server. Try again in a moment.",
    logAs: "sign-in failed",
  },
  async ({ email, password, callbackUrl }, { db }) => {
    if (!email || !password) return { error: "Enter your email and password.", email };
    const client = clientAddress(await headers());
    const wait = await signInWait(db, { email, client });
    if (wait) return { error: signInWaitMessage(wait), email };
    try {
      await signIn("credentials", { email, password, redirectTo: safeCallback(callbackUrl) });
      return {};
    } catch (e) {
      if (e instanceof AuthError) {
        const code = (e as AuthError & { code?: string }).code;
        if (code === "throttled") return { error: signInWaitMessage((await signInWait(db, { email, client })) ?? 1), email };
        return { error: "Wrong email or password.", email };
      }
      // Next's redirect after a successful sign-in is thrown as an error: publicAction lets it through.
      throw e;
    }
  },
);
