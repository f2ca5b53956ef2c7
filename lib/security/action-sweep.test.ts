/**
 * Isolation sweep for server actions: finds every "use server" module under app/, components/ and lib/
 * (from the file tree, so a new action is covered without anyone remembering) and checks that each
 * exported action requires a session, and that admin-only actions refuse a support user.
 * Anonymous actions (shoppers, signing in and out) must be made by publicAction() in lib/actions.ts,
 * which marks them with the reason they need no session: there is no list of exceptions here.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { openTestDatabase, type TestDatabase } from "@/tools/testing/db";
import { seedDemo } from "@/lib/demo/seed";
import { users, userSessions } from "@/lib/db/schema";

import { who } from "@/tools/testing/mock-session";
import { filesUnder } from "@/tools/testing/files";

function serverActionModules(): string[] {
  return filesUnder(["app", "components", "lib"], (p, name) => {
    if (!/\.(ts|tsx)$/.test(name) || name.endsWith(".test.ts")) return false;
    const head = fs.readFileSync(p, "utf8").trimStart();
    return head.startsWith('"use server"') || head.startsWith("'use server'");
  });
}

interface Found {
  id: string;
  fn: (...args: unknown[]) => Promise<unknown>;
  role?: "admin" | "support";
  /** Set by publicAction(): why the action needs no session. */
  publicReason?: string;
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
        const { requiredRole: role, publicReason } = value as { requiredRole?: "admin" | "support"; publicReason?: string };
        found.push({ id: `${file}#${name}`, fn: value as Found["fn"], role, publicReason });
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

  it("every action goes through the guarded wrappers (a role), or through publicAction with a reason", () => {
    const unguarded = found.filter((f) => !f.role && !(typeof f.publicReason === "string" && f.publicReason.trim().length >= 20)).map((f) => f.id);
    expect(unguarded).toEqual([]);
    expect(found.filter((f) => f.role && f.publicReason !== undefined).map((f) => f.id), "an action is either guarded or public, never both").toEqual([]);
  });

  it("public actions answer a form that fails their schema with an error value (plain forms with nothing), never a throw", async () => {
    const form = new FormData();
    form.set("id", "00000000-0000-0000-0000-000000000000");
    const problems: string[] = [];
    who.current = null;
    for (const f of found.filter((x) => x.publicReason)) {
      try {
        const result = (await (f.fn.length >= 2 ? f.fn({}, form) : f.fn(form))) as { error?: string; ok?: boolean } | undefined;
        if (f.fn.length >= 2 && (!result?.error || result.ok)) problems.push(`${f.id}: ${JSON.stringify(result)}`);
      } catch (e) {
        problems.push(`${f.id} threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    expect(found.some((f) => f.publicReason)).toBe(true);
    expect(problems).toEqual([]);
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
