import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { testBackends, useTestDatabase } from "@/tools/testing/db";
import { affiliates, domainEvents } from "@/lib/db/schema";
import { insertOrder } from "@/lib/orders/create";
import { createAffiliate, listAffiliates, setAffiliateApproval } from "./queries";

describe.each(testBackends())("affiliates on %s", (kind) => {
  const t = useTestDatabase(kind, { merchants: ["M1", "M2"] });

  it("records signup and approval changes as events in the same transaction", async () => {
    const a = await createAffiliate(t.db, { merchantId: "M1", actorId: null, name: "Pat", email: "pat@x.test", approved: false });
    expect(a.id).toBeGreaterThanOrEqual(1001);
    await setAffiliateApproval(t.db, { merchantId: "M1", actorId: null, id: a.id, approved: true });
    await setAffiliateApproval(t.db, { merchantId: "M1", actorId: null, id: a.id, approved: true }); // no change, no event
    await setAffiliateApproval(t.db, { merchantId: "M1", actorId: null, id: a.id, approved: false });
    const ev = await t.db.select().from(domainEvents).where(and(eq(domainEvents.subjectId, String(a.id)), eq(domainEvents.type, "affiliate.changed"))).orderBy(domainEvents.id);
    expect(ev.map((e) => e.payload)).toEqual([
      { change: "signup", approved: false },
      { change: "approval", approved: true },
      { change: "approval", approved: false },
    ]);
  });

  it("another merchant's affiliate is not found and nothing is written", async () => {
    const a = await createAffiliate(t.db, { merchantId: "M1", actorId: null, name: "Lee", email: "lee@x.test", approved: true });
    const before = await t.db.$count(domainEvents);
    await expect(setAffiliateApproval(t.db, { merchantId: "M2", actorId: null, id: a.id, approved: false })).rejects.toMatchObject({ status: 404 });
    expect(await t.db.$count(domainEvents)).toBe(before);
    const [row] = await t.db.select().from(affiliates).where(eq(affiliates.id, a.id));
    expect(row!.approved).toBe(true);
  });

  it("lists affiliates of the merchant only, with credited order counts", async () => {
    const rows = await listAffiliates(t.db, "M1");
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.orderCount === 0)).toBe(true);
    await t.db.transaction((tx) =>
      insertOrder(tx, { merchantId: "M1", stage: "Shipping Department", paymentStatus: "Processed", paymentMethod: "Credit Card", themeCode: "DEFAULT", email: "a@b.c", affiliateId: rows[0]!.id, byLabel: "Shopper", lines: [{ merchantItemId: "A", quantity: 1, unitPriceCents: 100 }] }),
    );
    expect((await listAffiliates(t.db, "M1")).map((r) => r.orderCount)).toEqual([1, ...rows.slice(1).map(() => 0)]);
    expect(await listAffiliates(t.db, "M2")).toEqual([]);
  });

  it("a failed signup leaves neither the affiliate nor the event", async () => {
    const before = [await t.db.$count(affiliates), await t.db.$count(domainEvents)];
    await expect(createAffiliate(t.db, { merchantId: "NOPE", actorId: null, name: "X", email: "x@x.test", approved: true })).rejects.toThrow();
    expect([await t.db.$count(affiliates), await t.db.$count(domainEvents)]).toEqual(before);
  });
});
