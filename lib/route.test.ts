import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { z } from "zod";
import { UserError } from "@/lib/errors";
import { TooManyAttempts } from "@/lib/security/limits";
import { publicRoute } from "@/lib/route";

// publicRoute: the route handlers that answer without a session. Their database is opened only when a
// handler asks (none of these does), so no database is needed here.

const segments = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const req = (query: string) => new NextRequest(`http://127.0.0.1:3000/x?${query}`);

const GET = publicRoute(
  { why: "a test route that anyone may call", params: z.object({ id: z.string().regex(/^\d+$/) }), notFound: "No such thing.", query: z.object({ what: z.enum(["ok", "user", "busy", "boom"]) }) },
  async ({ params, query }) => {
    if (query.what === "user") throw new UserError("That thing is gone.", "id", 409);
    if (query.what === "busy") throw new TooManyAttempts(5, "Wait 5 seconds.");
    if (query.what === "boom") throw new Error("connection refused to db-internal:5432");
    return Response.json({ id: params.id });
  },
);

describe("publicRoute", () => {
  let stderr: string[] = [];
  beforeAll(() => {
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  it("is marked with its reason", () => {
    expect(GET.publicReason).toBe("a test route that anyone may call");
  });

  it("hands the handler the checked segments and query", async () => {
    const res = await GET(req("what=ok"), segments({ id: "42" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "42" });
  });

  it("answers 404 for segments that name nothing and 400 with the fields for a bad query, in JSON", async () => {
    const nf = await GET(req("what=ok"), segments({ id: "x" }));
    expect([nf.status, await nf.json()]).toEqual([404, { error: "No such thing." }]);
    const bad = await GET(req("what=nope"), segments({ id: "42" }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "The query is not valid.", fieldErrors: { what: expect.any(String) } });
  });

  it("answers user errors and refusals with their status and words, and logs an unexpected error behind a 500 in words", async () => {
    const user = await GET(req("what=user"), segments({ id: "42" }));
    expect([user.status, await user.json()]).toEqual([409, { error: "That thing is gone.", fieldErrors: { id: "That thing is gone." } }]);
    const busy = await GET(req("what=busy"), segments({ id: "42" }));
    expect([busy.status, await busy.json()]).toEqual([429, { error: "Wait 5 seconds." }]);
    stderr = [];
    const boom = await GET(req("what=boom"), segments({ id: "42" }));
    expect(boom.status).toBe(500);
    const body = await boom.text();
    expect(body).not.toContain("db-internal");
    expect(body).toContain("Something went wrong");
    expect(stderr.join("")).toContain("connection refused to db-internal");
  });

  it("words its errors in the body `format` makes (the item poll's XML, the ref link's text)", async () => {
    const text = publicRoute({ why: "a test route in plain text", format: (status, message) => new Response(message, { status, headers: { "Content-Type": "text/plain" } }) }, async () => {
      throw new UserError("This link does not lead anywhere.");
    });
    const res = await text(req(""));
    expect([res.status, res.headers.get("content-type"), await res.text()]).toEqual([400, "text/plain", "This link does not lead anywhere."]);
  });
});

describe("the item poll answers ONTRAPORT in XML even when the server fails", () => {
  afterAll(() => {
    globalThis.__cartlinkDb = undefined;
  });
  it("a database that cannot be opened is a 500 in the poll's XML error document", async () => {
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const failed = Promise.reject(new Error("no database"));
    failed.catch(() => undefined);
    globalThis.__cartlinkDb = failed;
    const { GET: poll } = await import("@/app/api/ontraport/items/route");
    const res = await poll(new NextRequest("http://127.0.0.1:3000/api/ontraport/items?key=k"));
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    expect(await res.text()).toMatch(/^<\?xml[\s\S]*Something went wrong on the server/);
    vi.restoreAllMocks();
  });
});
