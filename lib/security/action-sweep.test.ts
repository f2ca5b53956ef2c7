/**
 * Isolation sweep for server actions: finds every "use server" module under app/, components/ and lib/
 * (from the file tree, so a new action is covered without anyone remembering) and checks that each
 * exported action requires a session, and that admin-only actions refuse a support user.
 * Shopper-facing actions (no session by design) must be listed in PUBLIC_ACTIONS with a reason.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { openTestDatabase, type TestDatabase } from "@/tools/testing/db";
import { seedDemo } from "@/lib/demo/seed";
import { users, userSessions } from "@/lib/db/schema";

import { who } from "@/tools/testing/mock-session";

/** Actions a shopper or an anonymous visitor may call, and why. */
const PUBLIC_ACTIONS: Record<string, string> = {
  "app/(auth)/login/actions.ts#login": "signing in is what an anonymous visitor does",
  "app/(dashboard)/sign-out.ts#signOutAction": "signing out needs no role; it only ends the caller's own session",
  "app/store/[merchant]/[theme]/actions.ts#updateCart": "shoppers have no login; it only edits the caller's own cart cookie (Item IDs and quantities, prices come from the database)",
  "app/store/[merchant]/[theme]/actions.ts#addToCartAction": "shoppers have no login; like updateCart it only adds an Item ID to the caller's own cart cookie (validated with zod), and answers with the cart's unit count",
  "app/store/[merchant]/[theme]/actions.ts#checkout": "shoppers have no login; it places an order from the caller's own cart, validated with zod, idempotent per checkout key",
};

function serverActionModules(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|tsx)$/.test(e.name) && !e.name.endsWith(".test.ts")) {
        const head = fs.readFileSync(p, "utf8").trimStart();
        if (head.startsWith('"use server"') || head.startsWith("'use server'")) out.push(p);
      }
    }
  };
  walk("app");
  walk("components");
  walk("lib");
  return out.sort();
}

interface Found {
  id: string;
  fn: (...args: unknown[]) => Promise<unknown>;
  role?: "admin" | "support";
}

describe("server action sweep", () => {
  let t: TestDatabase;
  const found: Found[] = [];
  const sessions: Record<"support" | "admin", { id: string; sessionId: string }> = {} as never;

  beforeAll(async () => {
    t = await openTestDatabase("pglite");
    globalThis.__cartlinkDb = Promise.resolve(t);
    await seedDemo(t.db, { orderCount: 20 });
    for (const [role, email] of [
      ["support", "support@demo.test"],
      ["admin", "admin@demo.test"],
    ] as const) {
      const [u] = await t.db.select().from(users).where(eq(users.email, email));
      const sessionId = `sweep-${role}`;
      await t.db.insert(userSessions).values({ id: sessionId, userId: u!.id });
      sessions[role] = { id: u!.id, sessionId };
    }
    process.env.AUTH_SECRET ??= "x".repeat(32);
    process.env.CARTLINK_ENCRYPTION_KEY ??= "a".repeat(64);
    for (const file of serverActionModules()) {
      const mod = (await import(path.resolve(file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value !== "function") continue;
        const role = (value as { requiredRole?: "admin" | "support" }).requiredRole;
        found.push({ id: `${file}#${name}`, fn: value as Found["fn"], role });
      }
    }
  }, 120_000);

  afterAll(async () => {
    globalThis.__cartlinkDb = undefined;
    await t?.close();
  });

  it("finds the actions", () => {
    expect(found.length).toBeGreaterThan(2);
  });

  it("every action goes through the guarded wrappers, or is a listed public action", () => {
    const unguarded = found.filter((f) => !f.role && !PUBLIC_ACTIONS[f.id]).map((f) => f.id);
    expect(unguarded).toEqual([]);
  });

  it("refuses anonymous callers and, for admin actions, support users — before touching anything", async () => {
    const problems: string[] = [];
    const form = new FormData();
    form.set("id", "00000000-0000-0000-0000-000000000000");
    for (const f of found.filter((x) => x.role)) {
      for (const as of ["anonymous", ...(f.role === "admin" ? ["support"] : [])] as const) {
        who.current = as === "anonymous" ? null : sessions.support;
        // Form actions take (prevState, formData); object actions take (input). Both must refuse first.
        const result = (await (f.fn.length >= 2 ? f.fn({}, form) : f.fn({}))) as { error?: string; ok?: boolean };
        const expected = as === "anonymous" ? /sign in/i : /role does not allow/i;
        if (!result?.error || !expected.test(result.error) || result.ok) problems.push(`${f.id} as ${as}: ${JSON.stringify(result)}`);
      }
    }
    who.current = null;
    expect(problems).toEqual([]);
  });
});
