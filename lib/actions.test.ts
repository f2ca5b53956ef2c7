import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { redirect } from "next/navigation";
import type { Database } from "@/lib/db/client";
import { UserError } from "@/lib/errors";
import { TooManyAttempts } from "@/lib/security/limits";
import { publicAction, type ActionState } from "@/lib/actions";

// publicAction: the anonymous actions' one wrapper (the StoreFront, signing in and out). The database is
// never touched by these handlers, so a stand-in object is enough.

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};

const schema = z.object({ name: z.string().min(2, "Enter a name."), what: z.enum(["ok", "user", "busy", "boom", "redirect"]) });

const act = publicAction<typeof schema, ActionState>(
  { schema, why: "a test action that anyone may call", echo: { omit: ["cardNumber"] }, unexpected: "Nothing was saved.", logAs: "test action failed" },
  async ({ name, what }) => {
    if (what === "user") throw new UserError("That name is taken.", "name");
    if (what === "busy") throw new TooManyAttempts(30, "Too many tries. Wait 30 seconds.");
    if (what === "boom") throw new Error("connection refused to db-internal:5432");
    if (what === "redirect") redirect("/elsewhere");
    return { ok: true, message: `Hello ${name}` };
  },
);

describe("publicAction", () => {
  let stderr: string[] = [];
  beforeAll(() => {
    globalThis.__cartlinkDb = Promise.resolve({ db: {} } as unknown as Database);
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
  });
  afterAll(() => {
    globalThis.__cartlinkDb = undefined;
    vi.restoreAllMocks();
  });

  it("is marked with its reason, for the action sweep", () => {
    expect(act.publicReason).toBe("a test action that anyone may call");
  });

  it("answers the handler's state when the form is valid", async () => {
    expect(await act({}, form({ name: "Ann", what: "ok" }))).toEqual({ ok: true, message: "Hello Ann" });
  });

  it("answers a form that fails the schema with its fields and the typed values, never passwords, keys or omitted fields", async () => {
    const r = await act({}, form({ name: "A", what: "ok", password: "secret", checkoutKey: "k", cardNumber: "4111111111111111" }));
    expect(r.error).toBe("Some fields need attention.");
    expect(r.fieldErrors).toEqual({ name: "Enter a name." });
    expect(r.values).toEqual({ name: "A", what: "ok" });
  });

  it("turns user errors and refusals (4xx) into values", async () => {
    expect(await act({}, form({ name: "Ann", what: "user" }))).toEqual({ error: "That name is taken.", fieldErrors: { name: "That name is taken." }, values: { name: "Ann", what: "user" } });
    expect(await act({}, form({ name: "Ann", what: "busy" }))).toEqual({ error: "Too many tries. Wait 30 seconds.", values: { name: "Ann", what: "busy" } });
  });

  it("logs an unexpected error and answers in words that say nothing of the server", async () => {
    stderr = [];
    const r = await act({}, form({ name: "Ann", what: "boom" }));
    expect(r).toEqual({ error: "Nothing was saved.", values: { name: "Ann", what: "boom" } });
    expect(stderr.join("")).toContain("test action failed");
    expect(stderr.join("")).toContain("connection refused");
  });

  it("lets a redirect through", async () => {
    await expect(act({}, form({ name: "Ann", what: "redirect" }))).rejects.toThrow(/NEXT_REDIRECT/);
  });

  it("with answer: false makes a plain form action that answers nothing, even to a bad form or an error", async () => {
    const seen: string[] = [];
    const plain = publicAction({ schema, answer: false, why: "a plain form anyone may post", unexpected: "No.", logAs: "plain failed" }, async ({ name, what }) => {
      seen.push(name);
      if (what === "boom") throw new Error("boom");
    });
    expect(plain.publicReason).toBe("a plain form anyone may post");
    expect(await plain(form({ name: "A", what: "ok" }))).toBeUndefined();
    expect(await plain(form({ name: "Bea", what: "boom" }))).toBeUndefined();
    expect(seen).toEqual(["Bea"]);
  });
});
