import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { auditLog, items, merchants, orderLines, orders } from "@/lib/db/schema";
import { loadSale } from "@/lib/ontraport/engine/snapshots";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { insertOrder } from "./create";
import { correctOrderItems } from "./edit-items";

describe.each(testBackends())("Edit > Items (correctOrderItems) on %s", (kind) => {
  let t: TestDatabase;
  const ids: Record<string, string> = {};
  const by = { userId: null, label: "admin@m1.test" };

  beforeAll(async () => {
    t = await openTestDatabase(kind);
    await t.db.insert(merchants).values([
      { id: "M1", name: "M1" },
      { id: "M2", name: "M2" },
    ]);
    const rows = await t.db
      .insert(items)
      .values([
        { merchantId: "M1", merchantItemId: "LAMP", description: "Desk lamp", priceCents: 2500, customFields: { oapProductid: "Lamp (OP)" } },
        { merchantId: "M1", merchantItemId: "LAMP-2", description: "Desk lamp, brass", priceCents: 3500, customFields: { oapProductid: "Brass Lamp (OP)" } },
        { merchantId: "M1", merchantItemId: "CLUB", description: "Club", priceCents: 900, kind: "recurring", frequency: "Monthly" },
        { merchantId: "M2", merchantItemId: "LAMP-2", description: "Not yours", priceCents: 1 },
        { merchantId: "M2", merchantItemId: "ONLY-M2", description: "Not yours either", priceCents: 1 },
      ])
      .returning({ id: items.id, merchantId: items.merchantId, merchantItemId: items.merchantItemId });
    for (const r of rows) ids[`${r.merchantId}:${r.merchantItemId}`] = r.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const order = () =>
    t.db.transaction((tx) =>
      insertOrder(tx, {
        merchantId: "M1",
        stage: "Shipping Department",
        paymentStatus: "Processed",
        paymentMethod: "Credit Card",
        themeCode: "DEFAULT",
        email: "ada@example.com",
        byLabel: "Shopper",
        lines: [
          { itemId: ids["M1:LAMP"], merchantItemId: "LAMP", description: "Desk lamp", quantity: 2, unitPriceCents: 2500 },
          { itemId: ids["M1:CLUB"], merchantItemId: "CLUB", description: "Club", quantity: 1, unitPriceCents: 900, frequency: "Monthly" },
        ],
      }),
    );
  const linesOf = (orderId: string) => t.db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(orderLines.lineNo);

  it("points a line at the right item, keeps every amount, notes it in the audit log, and the next Sale names the new product", async () => {
    const o = await order();
    const [lamp] = await linesOf(o.id);
    const r = await correctOrderItems(t.db, { merchantId: "M1", orderId: o.id, changes: [{ lineId: lamp!.id, merchantItemId: "LAMP-2" }], by });
    expect(r.changed).toEqual([{ lineNo: 1, from: "LAMP", to: "LAMP-2" }]);
    const [after] = await linesOf(o.id);
    expect(after).toMatchObject({ merchantItemId: "LAMP-2", description: "Desk lamp, brass", quantity: 2, unitPriceCents: 2500, totalCents: 5000 });
    const [orderAfter] = await t.db.select().from(orders).where(eq(orders.id, o.id));
    expect(orderAfter!.totalCents).toBe(o.totalCents);
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.target, `Order ${o.id}`));
    expect(audit).toMatchObject({ action: "order.items_corrected", detail: { changed: [{ lineNo: 1, from: "LAMP", to: "LAMP-2" }] } });
    const sale = await loadSale(t.db, { transmissionId: "00000000-0000-0000-0000-000000000001", merchantId: "M1", created: new Date() }, orderAfter!);
    expect(sale.order.lines.map((l) => [l.itemId, l.productName])).toEqual([
      ["LAMP-2", "Brass Lamp (OP)"],
      ["CLUB", "CLUB"],
    ]);
    // Two changes for one line: the last one is what the line gets, with the Item ID trimmed.
    const back = await correctOrderItems(t.db, { merchantId: "M1", orderId: o.id, changes: [{ lineId: lamp!.id, merchantItemId: "LAMP-2" }, { lineId: lamp!.id, merchantItemId: " LAMP " }], by });
    expect(back.changed).toEqual([{ lineNo: 1, from: "LAMP-2", to: "LAMP" }]);
  });

  it("refuses an unknown Item ID, a subscription line, a line of another order and a no-op, writing nothing", async () => {
    const o = await order();
    const other = await order();
    const [lamp, club] = await linesOf(o.id);
    const [otherLamp] = await linesOf(other.id);
    const before = await linesOf(o.id);
    const attempts: Array<[Parameters<typeof correctOrderItems>[1]["changes"], RegExp]> = [
      [[{ lineId: lamp!.id, merchantItemId: "NOPE" }], /no item NOPE/],
      [[{ lineId: lamp!.id, merchantItemId: "ONLY-M2" }], /no item ONLY-M2/],
      // All or nothing: the good first change is rolled back with the refused second one.
      [
        [
          { lineId: lamp!.id, merchantItemId: "LAMP-2" },
          { lineId: club!.id, merchantItemId: "LAMP" },
        ],
        /subscription/,
      ],
      [[{ lineId: lamp!.id, merchantItemId: "CLUB" }], /subscription/],
      [[{ lineId: otherLamp!.id, merchantItemId: "LAMP-2" }], /not on this order/],
      [[{ lineId: lamp!.id, merchantItemId: "LAMP" }], /Nothing to save/],
    ];
    for (const [changes, message] of attempts) {
      await expect(correctOrderItems(t.db, { merchantId: "M1", orderId: o.id, changes, by })).rejects.toMatchObject({ name: "UserError", message: expect.stringMatching(message) });
    }
    expect(await linesOf(o.id)).toEqual(before);
    expect(await t.db.$count(auditLog, eq(auditLog.target, `Order ${o.id}`))).toBe(0);
    // A refunded line keeps the item ONTRAPORT heard of the refund under.
    await t.db.update(orderLines).set({ quantityRefunded: 1, totalRefundedCents: 2500 }).where(eq(orderLines.id, otherLamp!.id));
    await expect(correctOrderItems(t.db, { merchantId: "M1", orderId: other.id, changes: [{ lineId: otherLamp!.id, merchantItemId: "LAMP-2" }], by })).rejects.toMatchObject({
      message: expect.stringMatching(/has been refunded/),
    });
    await expect(correctOrderItems(t.db, { merchantId: "M2", orderId: o.id, changes: [{ lineId: lamp!.id, merchantItemId: "LAMP-2" }], by })).rejects.toMatchObject({ name: "NotFoundError" });
  });
});
