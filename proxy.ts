import NextAuth from "next-auth";
import { authConfig } from "@/lib/auth/config";

/**
 * First filter only: anonymous visitors to dashboard pages are sent to /login. Every page, server
 * action and route handler checks the session, role and merchant again itself.
 */
const { auth } = NextAuth(authConfig);
export { auth as proxy };

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
