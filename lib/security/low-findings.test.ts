/**
 * The review's low findings: the ref route's `next`, text that is not well-formed Unicode, what a
 * refused form echoes back, and the message for an e-mail address that is taken elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { z } from "zod";
import { openTestDatabase, type TestDatabase } from "@/tools/testing/db";
import { seedDemo } from "@/lib/demo/seed";
import { who } from "@/tools/testing/mock-session";
import { checkedText, cleanSearch, decodeSegment, ECHO_LIMIT, lineText, multilineText, plainId } from "@/lib/validation";
import { sameStorePath } from "@/lib/store/ref-path";

const { formAction } = await import("@/lib/actions");
const { GET: refGET } = await import("@/app/store/[merchant]/[theme]/ref/route");

const ref = (query: string) => refGET(new NextRequest(`http://127.0.0.1:3000/store/DEMO/DEFAULT/ref?${query}`), { params: Promise.resolve({ merchant: "DEMO", theme: "DEFAULT" }) });

describe("ref route", () => {
  it.each([
    "next=%2Fstore%2FDEMO%2FDEFAULT%0d%0aSet-Cookie:%20x=1",
    "next=%2Fstore%2FDEMO%2FDEFAULT%2F%E2%80%A8",
    "next=%2Fstore%2FACME%2FDEFAULT",
    "next=https%3A%2F%2Fevil.example%2F",
    "next=%2F%2Fevil.example%2Fstore%2FDEMO%2FDEFAULT",
    "next=%2Fstore%2FDEMO%2FDEFAULT%2F..%2F..%2FACME%2FDEFAULT",
    "next=%2Fstore%2FDEMO%2FDEFAULT%2F%252e%252e%2F%252e%252e%2Flogin",
    "next=%2Fstore%2FDEMO%2FDEFAULT%5C..%5C..%2Flogin",
    "next=",
  ])("%s answers 400 with a short message", async (q) => {
    const res = await ref(q);
    expect(res.status).toBe(400);
    expect((await res.text()).length).toBeLessThan(100);
  });
  it("a path of the same store, or none, redirects", async () => {
    const a = await ref("aff=12&next=%2Fstore%2FDEMO%2FDEFAULT%2Fcheckout%3Fx%3D1");
    expect(a.status).toBe(303);
    expect(a.headers.get("location")).toBe("/store/DEMO/DEFAULT/checkout?x=1");
    expect((await ref("aff=12")).headers.get("location")).toBe("/store/DEMO/DEFAULT");
    expect(sameStorePath("/store/DEMO/DEFAULT", "/store/DEMO/DEFAULT")).toBe("/store/DEMO/DEFAULT");
    expect(sameStorePath("/store/DEMO/DEFAULTX", "/store/DEMO/DEFAULT")).toBeNull();
  });
});

describe("shared validators", () => {
  it("refuse text that is not well-formed Unicode, beside its field", () => {
    for (const schema of [lineText(100, "the name"), multilineText(100, "the note"), plainId(64)]) {
      expect(schema.safeParse("Mug \ud800").success).toBe(false);
      expect(schema.safeParse("Mug \udc00 x").success).toBe(false);
      expect(schema.safeParse("Mug 😀").success).toBe(true);
    }
    expect(() => checkedText(z.string(), "a\ud800", "name")).toThrow(expect.objectContaining({ field: "name" }));
    expect(decodeSegment("%ED%A0%80")).toBeNull();
    expect(cleanSearch("a\ud800b")).toBe("a\ufffdb");
  });
});

describe("forms", () => {
  it("echo back at most a short prefix of a refused value", async () => {
    who.current = null;
    const act = formAction({ schema: z.object({ name: z.string().max(10) }), role: "support" }, async () => undefined);
    const f = new FormData();
    f.set("name", "x".repeat(900 * 1024));
    const r = await act({}, f);
    expect(r.error).toBeTruthy();
    expect(r.values!.name!.length).toBeLessThanOrEqual(ECHO_LIMIT);
    expect(JSON.stringify(r).length).toBeLessThan(2000);
  });
});

describe("adding a user", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase("pglite");
    await seedDemo(t.db, { orderCount: 1 });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });
  it("whose e-mail belongs to another store gets a neutral message that says nothing about that store", async () => {
    const { createUser } = await import("@/lib/users/queries");
    const add = (email: string) => createUser(t.db, { merchantId: "DEMO", actorId: null, email, name: "X", role: "support", password: "correct horse battery" }).catch((e: Error) => e);
    const elsewhere = (await add("admin@acme.test")) as Error;
    const here = (await add("support@demo.test")) as Error;
    expect(elsewhere.message).not.toMatch(/already|exists|another store/i);
    expect(elsewhere.message).toBe(here.message);
  });
});
