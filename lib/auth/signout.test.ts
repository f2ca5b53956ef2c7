import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { encode } from "next-auth/jwt";
import { openTestDatabase, type TestDatabase } from "@/tools/testing/db";
import { seedDemo } from "@/lib/demo/seed";
import { users, userSessions } from "@/lib/db/schema";

const SECRET = "s".repeat(40);
const BASE = "http://127.0.0.1:3000";

function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

describe("next-auth's own sign-out endpoint", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    process.env.AUTH_SECRET = SECRET;
    process.env.AUTH_URL = `${BASE}/api/auth`;
    process.env.CARTLINK_ENCRYPTION_KEY ??= "a".repeat(64);
    t = await openTestDatabase("pglite");
    globalThis.__cartlinkDb = Promise.resolve(t);
    await seedDemo(t.db, { orderCount: 1 });
  }, 120_000);
  afterAll(async () => {
    globalThis.__cartlinkDb = undefined;
    await t?.close();
  });

  it("POST /api/auth/signout revokes the server-side session, not only the cookie", async () => {
    const [u] = await t.db.select().from(users).where(eq(users.email, "admin@demo.test"));
    await t.db.insert(userSessions).values({ id: "sid-signout-test", userId: u!.id });
    const { handlers } = await import("@/lib/auth");
    const sessionToken = await encode({ token: { sub: u!.id, sid: "sid-signout-test", merchantId: u!.merchantId, role: "admin" }, secret: SECRET, salt: "authjs.session-token" });
    const csrf = await handlers.GET(new NextRequest(`${BASE}/api/auth/csrf`));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const res = await handlers.POST(
      new NextRequest(`${BASE}/api/auth/signout`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${cookiesOf(csrf)}; authjs.session-token=${sessionToken}`, origin: BASE },
        body: new URLSearchParams({ csrfToken, callbackUrl: "/login" }).toString(),
      }),
    );
    expect(res.status).toBeLessThan(400);
    const [s] = await t.db.select().from(userSessions).where(eq(userSessions.id, "sid-signout-test"));
    expect(s!.revokedAt).not.toBeNull();
  });
});
