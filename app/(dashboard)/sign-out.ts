"use server";

import { z } from "zod";
import { publicAction } from "@/lib/actions";
import { signOut } from "@/lib/auth";
import { revokeCurrentSession } from "@/lib/auth/session";

export const signOutAction = publicAction(
  {
    schema: z.object({}),
    answer: false,
    why: "signing out needs no role; it only ends the caller's own session",
    unexpected: "Signing out failed.",
    logAs: "sign-out failed",
  },
  async () => {
    await revokeCurrentSession();
    await signOut({ redirectTo: "/login" });
  },
);
