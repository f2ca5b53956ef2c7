import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth";
import { signInLimited } from "@/lib/auth/sign-in-limit";

export const { GET } = handlers;

/** next-auth's own endpoints; a direct credentials sign-in meets the sign-in limits first (429). */
export async function POST(request: NextRequest): Promise<Response> {
  return (await signInLimited(request)) ?? handlers.POST(request);
}
