/**
 * The Transmission Log's route handlers: session required, merchant from the session, zod-checked
 * query, another merchant's transmission is 404, and the XML download is an attachment.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { openTestDatabase, type TestDatabase } from "@/tools/testing/db";
import { seedDemo } from "@/lib/demo/seed";
import { transmissions, users, userSessions } from "@/lib/db/schema";

import { who } from "@/tools/testing/mock-session";

const req = (url: string) => new NextRequest(new URL(url, "http://127.0.0.1:3000"));

describe("Transmission Log routes", () => {
  let t: TestDatabase;
  const as: Record<string, { id: string; sessionId: string }> = {};
  let demoId = "";
  let logGET: (r: NextRequest) => Promise<Response>;
  let detailGET: (r: NextRequest, ctx: { params: Promise<{ id: string }> }) => Promise<Response>;
  let statusesGET: (r: NextRequest) => Promise<Response>;

  beforeAll(async () => {
    t = await openTestDatabase("pglite");
    globalThis.__cartlinkDb = Promise.resolve(t);
    await seedDemo(t.db, { orderCount: 10 });
    for (const email of ["support@demo.test", "admin@acme.test"]) {
      const [u] = await t.db.select().from(users).where(eq(users.email, email));
      await t.db.insert(userSessions).values({ id: `s-${email}`, userId: u!.id });
      as[email] = { id: u!.id, sessionId: `s-${email}` };
    }
    const [row] = await t.db
      .insert(transmissions)
      .values({
        merchantId: "DEMO",
        type: "sale",
        orderId: "DEMO-0000001",
        description: "Sale DEMO-0000001, 1 item, $10.00",
        payload: '<?xml version="1.0"?><notification type="sale"><order id="DEMO-0000001"><field name="First Name">&lt;script&gt;</field></order></notification>',
        idempotencyKey: "sale:DEMO-0000001",
        status: "delivered",
        lastStatusCode: 200,
      })
      .returning({ id: transmissions.id });
    demoId = row!.id;
    process.env.AUTH_SECRET ??= "x".repeat(32);
    process.env.CARTLINK_ENCRYPTION_KEY ??= "a".repeat(64);
    ({ GET: logGET } = await import("./log/route"));
    ({ GET: detailGET } = await import("./transmissions/[id]/route"));
    ({ GET: statusesGET } = await import("./transmissions/route"));
  }, 120_000);

  afterAll(async () => {
    globalThis.__cartlinkDb = undefined;
    await t?.close();
  });

  it("answers 401 without a session", async () => {
    who.current = null;
    expect((await logGET(req("/api/ontraport/log"))).status).toBe(401);
    expect((await detailGET(req(`/api/ontraport/transmissions/${demoId}`), { params: Promise.resolve({ id: demoId }) })).status).toBe(401);
  });

  it("lists the session's merchant's log and refuses a malformed query", async () => {
    who.current = as["support@demo.test"]!;
    const page = (await (await logGET(req("/api/ontraport/log?status=delivered"))).json()) as { rows: Array<{ id: string }> };
    expect(page.rows.map((r) => r.id)).toEqual([demoId]);
    expect((await logGET(req("/api/ontraport/log?status=nonsense"))).status).toBe(400);
    expect((await logGET(req("/api/ontraport/log?view=health&range=1y"))).status).toBe(400);
    const health = (await (await logGET(req("/api/ontraport/log?view=health&range=7d"))).json()) as { buckets: unknown[]; delivered: number; range: string };
    expect(health.buckets).toHaveLength(168);
    expect(health.delivered).toBe(1);
    expect(health.range).toBe("7d");
  });

  it("gives the detail with support details, and the XML as a download", async () => {
    who.current = as["support@demo.test"]!;
    const res = await detailGET(req(`/api/ontraport/transmissions/${demoId}`), { params: Promise.resolve({ id: demoId }) });
    const body = (await res.json()) as { id: string; supportDetails: string };
    expect(body.id).toBe(demoId);
    expect(body.supportDetails).toContain("Order: DEMO-0000001");
    const xml = await detailGET(req(`/api/ontraport/transmissions/${demoId}?format=xml`), { params: Promise.resolve({ id: demoId }) });
    expect(xml.headers.get("content-disposition")).toMatch(/^attachment; filename="transmission-DEMO-0000001-[0-9a-f]{8}\.xml"$/);
    expect(xml.headers.get("content-type")).toContain("application/xml");
    expect(await xml.text()).toContain('  <order id="DEMO-0000001">');
  });

  it("answers 404 for another merchant's transmission and for a malformed id", async () => {
    who.current = as["admin@acme.test"]!;
    expect((await detailGET(req(`/api/ontraport/transmissions/${demoId}`), { params: Promise.resolve({ id: demoId }) })).status).toBe(404);
    expect((await detailGET(req(`/api/ontraport/transmissions/${demoId}?format=xml`), { params: Promise.resolve({ id: demoId }) })).status).toBe(404);
    expect((await detailGET(req("/api/ontraport/transmissions/nope"), { params: Promise.resolve({ id: "nope" }) })).status).toBe(404);
    const page = (await (await logGET(req(`/api/ontraport/log?q=${demoId}`))).json()) as { rows: unknown[] };
    expect(page.rows).toEqual([]);
  });

  it("gives the statuses of the session's merchant's transmissions only (Resend failed's progress)", async () => {
    who.current = null;
    expect((await statusesGET(req(`/api/ontraport/transmissions?ids=${demoId}`))).status).toBe(401);
    who.current = as["support@demo.test"]!;
    const mine = (await (await statusesGET(req(`/api/ontraport/transmissions?ids=${demoId}`))).json()) as { rows: Array<{ id: string; status: string }> };
    expect(mine.rows).toMatchObject([{ id: demoId, status: "delivered" }]);
    expect((await statusesGET(req("/api/ontraport/transmissions?ids=nope"))).status).toBe(400);
    // No ids: nothing asked, nothing answered.
    expect(await (await statusesGET(req("/api/ontraport/transmissions"))).json()).toEqual({ rows: [] });
    who.current = as["admin@acme.test"]!;
    const theirs = (await (await statusesGET(req(`/api/ontraport/transmissions?ids=${demoId}`))).json()) as { rows: unknown[] };
    expect(theirs.rows).toEqual([]);
  });
});
