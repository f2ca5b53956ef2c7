/**
 * The Users page's "Support users may refund orders" setting, through its server action with real
 * sessions: admins set it for their own store only (with an audit entry), support users are
 * refused, and the setting decides whether support's refund action is allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { seedDemo } from "@/lib/demo/seed";
import { auditLog, merchants, orders, users, userSessions } from "@/lib/db/schema";
import { who } from "@/tools/testing/mock-session";

const { saveStaffPermissions } = await import("./actions");
const { refundOrderAction } = await import("../orders/[orderId]/actions");

const form = (ticked: boolean | string) => {
  const f = new FormData();
  if (ticked === true) f.set("supportMayRefund", "on");
  else if (typeof ticked === "string") f.set("supportMayRefund", ticked);
  return f;
};

describe.each(testBackends())("staff permissions on %s", (kind) => {
  let t: TestDatabase;
  const as: Record<"demoAdmin" | "demoSupport" | "acmeAdmin", { id: string; sessionId: string }> = {} as never;
  let orderId = "";

  const allowed = async (merchantId: string) => (await t.db.select().from(merchants).where(eq(merchants.id, merchantId)))[0]!.supportMayRefund;
  const audits = (merchantId: string) =>
    t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.merchantId, merchantId), eq(auditLog.action, "merchant.support_may_refund_changed")));
  const previewRefundAsSupport = async () => {
    who.current = as.demoSupport;
    return refundOrderAction({ orderId, full: true, confirm: false });
  };

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    globalThis.__cartlinkDb = Promise.resolve(t);
    await seedDemo(t.db, { orderCount: 20 });
    for (const [key, email] of [
      ["demoAdmin", "admin@demo.test"],
      ["demoSupport", "support@demo.test"],
      ["acmeAdmin", "admin@acme.test"],
    ] as const) {
      const [u] = await t.db.select().from(users).where(eq(users.email, email));
      await t.db.insert(userSessions).values({ id: `perm-${key}`, userId: u!.id });
      as[key] = { id: u!.id, sessionId: `perm-${key}` };
    }
    const [o] = await t.db
      .select()
      .from(orders)
      .where(and(eq(orders.merchantId, "DEMO"), eq(orders.currentStage, "Completed Order"), eq(orders.paymentStatus, "Processed")))
      .limit(1);
    orderId = o!.id;
    process.env.AUTH_SECRET ??= "x".repeat(32);
    process.env.CARTLINK_ENCRYPTION_KEY ??= "a".repeat(64);
  }, 120_000);

  afterAll(async () => {
    who.current = null;
    globalThis.__cartlinkDb = undefined;
    await t?.close();
  });

  it("starts off: support may not refund", async () => {
    expect(await allowed("DEMO")).toBe(false);
    const r = await previewRefundAsSupport();
    expect(r.error).toMatch(/Only admins can refund orders in this store/);
  });

  it("a support user cannot change it", async () => {
    who.current = as.demoSupport;
    const r = await saveStaffPermissions({}, form(true));
    expect(r.ok).toBeFalsy();
    expect(r.error).toMatch(/role does not allow/i);
    expect(await allowed("DEMO")).toBe(false);
    expect(await audits("DEMO")).toEqual([]);
  });

  it("an admin turns it on for their store only, with an audit entry, and support may then refund", async () => {
    who.current = as.demoAdmin;
    const r = await saveStaffPermissions({}, form(true));
    expect(r).toMatchObject({ ok: true, message: "Saved. Support users may now refund orders." });
    expect(await allowed("DEMO")).toBe(true);
    expect(await allowed("ACME")).toBe(false);
    const entries = await audits("DEMO");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ userId: as.demoAdmin.id, detail: { from: false, to: true } });
    expect(await audits("ACME")).toEqual([]);

    const preview = await previewRefundAsSupport();
    expect(preview.error).toBeUndefined();
    expect(preview.ok).toBe(true);

    // Saving the same value again changes nothing and writes no audit entry.
    who.current = as.demoAdmin;
    expect(await saveStaffPermissions({}, form(true))).toMatchObject({ ok: true, message: "Nothing changed." });
    expect(await audits("DEMO")).toHaveLength(1);
  });

  it("another store's admin changing theirs leaves this store's setting alone", async () => {
    who.current = as.acmeAdmin;
    expect((await saveStaffPermissions({}, form(true))).ok).toBe(true);
    expect(await allowed("ACME")).toBe(true);
    expect((await saveStaffPermissions({}, form(false))).ok).toBe(true);
    expect(await allowed("ACME")).toBe(false);
    expect(await allowed("DEMO")).toBe(true);
    expect(await audits("ACME")).toHaveLength(2);
    expect(await audits("DEMO")).toHaveLength(1);
  });

  it("refuses a value a checkbox cannot send, keeping the setting", async () => {
    who.current = as.demoAdmin;
    const r = await saveStaffPermissions({}, form("yes"));
    expect(r.ok).toBeFalsy();
    expect(r.fieldErrors?.supportMayRefund).toBeTruthy();
    expect(await allowed("DEMO")).toBe(true);
  });

  it("an admin turns it off again and support is refused once more", async () => {
    who.current = as.demoAdmin;
    expect(await saveStaffPermissions({}, form(false))).toMatchObject({ ok: true, message: "Saved. Only admins may refund orders now." });
    expect(await allowed("DEMO")).toBe(false);
    expect((await audits("DEMO")).map((a) => a.detail)).toEqual(expect.arrayContaining([{ from: true, to: false }]));
    expect((await previewRefundAsSupport()).error).toMatch(/Only admins can refund/);
  });
});
