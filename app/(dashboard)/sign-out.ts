"use server";

import { signOut } from "@/lib/auth";
import { revokeCurrentSession } from "@/lib/auth/session";

export async function signOutAction(): Promise<void> {
  await revokeCurrentSession();
  await signOut({ redirectTo: "/login" });
}
