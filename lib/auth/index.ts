import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { authConfig } from "./config";
import { getDb } from "@/lib/db/client";
import { users, userSessions } from "@/lib/db/schema";
import { randomBytes } from "node:crypto";
import { DUMMY_HASH, verifyPassword } from "./password";
import { clientAddress, signInFailed, signInSucceeded, signInWait } from "@/lib/security/limits";
import { log } from "@/lib/log";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(200),
});

class ThrottledSignin extends CredentialsSignin {
  override code = "throttled";
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  logger: {
    // A wrong password is an expected outcome, not a server error: keep it out of the error log.
    error(error) {
      if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
      log("error", "auth error", { name: error.name, error: error.message });
    },
  },
  events: {
    // next-auth's own POST /api/auth/signout (and signOut()) only drop the cookie: end the
    // server-side session too, so a copy of the cookie stops working at once.
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (typeof sid !== "string" || !sid) return;
      const db = await getDb();
      await db.update(userSessions).set({ revokedAt: new Date() }).where(and(eq(userSessions.id, sid), isNull(userSessions.revokedAt)));
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const db = await getDb();
        const client = clientAddress(request.headers);
        // While a wait applies the password is not even checked (and the attempt not counted).
        if (await signInWait(db, { email, client })) throw new ThrottledSignin();
        const [user] = await db
          .select()
          .from(users)
          .where(and(eq(sql`lower(${users.email})`, email), isNull(users.disabledAt)));
        const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
        if (!user || !ok) {
          await signInFailed(db, { email, client });
          return null;
        }
        await signInSucceeded(db, { email });
        const sessionId = randomBytes(18).toString("base64url");
        await db.insert(userSessions).values({ id: sessionId, userId: user.id });
        return { id: user.id, email: user.email, name: user.name, merchantId: user.merchantId, role: user.role, sessionId };
      },
    }),
  ],
});
