import type { NextAuthConfig } from "next-auth";

export type Role = "admin" | "support";

declare module "next-auth" {
  interface User {
    merchantId?: string;
    role?: Role;
    /** Server-side session id (user_sessions), carried in the JWT. */
    sessionId?: string;
  }
  interface Session {
    user: { id: string; email: string; name: string; merchantId: string; role: Role; sessionId: string };
  }
}

/**
 * The part of the auth configuration that needs no database: used by proxy.ts as a first filter.
 * Every page, action and route handler checks the session again itself (lib/auth/session).
 */
export const authConfig = {
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  trustHost: true,
  providers: [],
  callbacks: {
    authorized({ auth, request }) {
      const { pathname } = request.nextUrl;
      if (isPublicPath(pathname)) return true;
      return Boolean(auth?.user);
    },
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.merchantId = user.merchantId;
        token.role = user.role;
        token.sid = user.sessionId;
      }
      return token;
    },
    session({ session, token }) {
      const s = session as unknown as { user: Record<string, unknown> };
      s.user.id = token.sub ?? "";
      s.user.merchantId = typeof token.merchantId === "string" ? token.merchantId : "";
      s.user.role = token.role === "admin" ? "admin" : "support";
      s.user.sessionId = typeof token.sid === "string" ? token.sid : "";
      return session;
    },
  },
} satisfies NextAuthConfig;

/** Paths that need no merchant session: sign-in, the shopper's StoreFront, ONTRAPORT's item poll, health. */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname === "/login" ||
    pathname.startsWith("/api/auth") ||
    pathname.startsWith("/store/") ||
    pathname.startsWith("/api/ontraport/items") ||
    pathname === "/api/health" ||
    pathname.startsWith("/_next") ||
    pathname === "/favicon.ico"
  );
}
