/**
 * Sweep for route handlers, as action-sweep.test.ts is for server actions: finds every app/ route.ts
 * (from the file tree, so a new one is covered without anyone remembering) and checks that each
 * exported HTTP method is made by route() (session and role) or publicRoute() (with the reason it needs
 * no session), and that the route()-made ones refuse an anonymous caller before doing anything.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { who } from "@/tools/testing/mock-session";
import { filesUnder } from "@/tools/testing/files";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function routeModules(): string[] {
  return filesUnder(["app"], (_p, name) => name === "route.ts");
}

interface Found {
  id: string;
  fn: (req: NextRequest, segments?: { params: Promise<Record<string, string>> }) => Promise<Response>;
  role?: string;
  publicReason?: string;
}

describe("route handler sweep", () => {
  const found: Found[] = [];

  beforeAll(async () => {
    process.env.AUTH_SECRET ??= "x".repeat(32);
    for (const file of routeModules()) {
      const mod = (await import(path.resolve(file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (!METHODS.includes(name) || typeof value !== "function") continue;
        const { requiredRole: role, publicReason } = value as { requiredRole?: string; publicReason?: string };
        found.push({ id: `${file}#${name}`, fn: value as Found["fn"], role, publicReason });
      }
    }
  }, 120_000);

  it("finds the route handlers", () => {
    expect(found.filter((f) => f.role).length).toBeGreaterThan(1);
    expect(found.filter((f) => f.publicReason).length).toBeGreaterThan(1);
  });

  it("every handler is made by route() (a role) or publicRoute() (a reason), never by hand", () => {
    const unmarked = found.filter((f) => !f.role && !(typeof f.publicReason === "string" && f.publicReason.trim().length >= 20)).map((f) => f.id);
    expect(unmarked).toEqual([]);
  });

  it("route()-made handlers refuse an anonymous caller with 401 before reading anything", async () => {
    who.current = null;
    const problems: string[] = [];
    for (const f of found.filter((x) => x.role)) {
      const res = await f.fn(new NextRequest("http://127.0.0.1:3000/sweep?x=1"), { params: Promise.resolve({ id: "00000000-0000-0000-0000-000000000000" }) });
      if (res.status !== 401) problems.push(`${f.id}: ${res.status}`);
    }
    expect(problems).toEqual([]);
  });
});
