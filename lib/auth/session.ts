import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "./index";
import type { Role } from "./config";
import { getDb } from "@/lib/db/client";
import { merchants, users, userSessions } from "@/lib/db/schema";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  merchantId: string;
  merchantName: string;
}

/**
 * The signed-in user, re-read from the database on every request so a disabled user or a changed
 * role takes effect at once. The merchant id always comes from here, never from the request.
 */
export const getSession = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  const sid = session?.user?.sessionId;
  if (!id || !sid) return null;
  const db = await getDb();
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, merchantId: users.merchantId, merchantName: merchants.name })
    .from(users)
    .innerJoin(merchants, eq(merchants.id, users.merchantId))
    .innerJoin(userSessions, and(eq(userSessions.id, sid), eq(userSessions.userId, users.id), isNull(userSessions.revokedAt)))
    .where(and(eq(users.id, id), isNull(users.disabledAt)));
  return row ?? null;
});

/** Ends the current server-side session (sign out). */
export async function revokeCurrentSession(): Promise<void> {
  const session = await auth();
  const sid = session?.user?.sessionId;
  if (!sid) return;
  const db = await getDb();
  await db.update(userSessions).set({ revokedAt: new Date() }).where(eq(userSessions.id, sid));
}

export class AuthError extends Error {
  constructor(
    public readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

/** For pages: the user, or a redirect to /login (anonymous) / 403 page (wrong role). */
export async function requirePageSession(role?: Role): Promise<SessionUser> {
  const user = await getSession();
  if (!user) redirect("/login");
  if (role && !hasRole(user, role)) redirect("/forbidden");
  return user;
}

/** For server actions and route handlers: the user, or an AuthError (401/403). */
export async function requireSession(role?: Role): Promise<SessionUser> {
  const user = await getSession();
  if (!user) throw new AuthError(401, "Sign in to continue.");
  if (role && !hasRole(user, role)) throw new AuthError(403, "Your role does not allow this.");
  return user;
}

/** admin can do everything support can. */
export function hasRole(user: { role: Role }, role: Role): boolean {
  return role === "support" || user.role === "admin";
}
