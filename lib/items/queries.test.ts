import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { testBackends, useTestDatabase } from "@/tools/testing/db";
import { auditLog, items, themes } from "@/lib/db/schema";
import { countItems, createItem, duplicateItem, getItem, itemsSharingProductName, listItems, setItemInactive, updateItem } from "./queries";
import { createTheme, renameTheme } from "@/lib/themes/queries";

describe.each(testBackends())("items and themes on %s", (kind) => {
  const t = useTestDatabase(kind, { seedDemo: { orderCount: 3 } });
  const byId = async (merchantItemId: string) => (await t.db.select().from(items).where(and(eq(items.merchantId, "DEMO"), eq(items.merchantItemId, merchantItemId))))[0]!;

  it("counts the merchant's own items only (Home)", async () => {
    const demo = await t.db.select({ id: items.id }).from(items).where(eq(items.merchantId, "DEMO"));
    expect(demo.length).toBeGreaterThan(0);
    expect(await countItems(t.db, { merchantId: "DEMO" })).toBe(demo.length);
    await createItem(t.db, { merchantId: "ACME", actorId: null, input: { merchantItemId: "ANVIL-1", description: "Anvil", priceCents: 100, kind: "standard", frequency: null, inactive: false, customFields: {} } });
    expect(await countItems(t.db, { merchantId: "DEMO" })).toBe(demo.length);
    expect(await countItems(t.db, { merchantId: "NO-SUCH" })).toBe(0);
  });

  it("pages by Item ID forwards and back, and searches product names", async () => {
    const p1 = await listItems(t.db, { merchantId: "DEMO", limit: 8 });
    expect(p1.rows).toHaveLength(8);
    expect(p1.hasNext).toBe(true);
    expect(p1.hasPrev).toBe(false);
    const p2 = await listItems(t.db, { merchantId: "DEMO", limit: 8, after: p1.rows.at(-1)!.merchantItemId });
    expect(p2.rows[0]!.merchantItemId > p1.rows.at(-1)!.merchantItemId).toBe(true);
    const back = await listItems(t.db, { merchantId: "DEMO", limit: 8, before: p2.rows[0]!.merchantItemId });
    expect(back.rows.map((r) => r.id)).toEqual(p1.rows.map((r) => r.id));
    const s = await listItems(t.db, { merchantId: "DEMO", q: "red shirt" });
    expect(s.rows.map((r) => r.merchantItemId).sort()).toEqual(["SHIRT-RED", "SHIRT-RED-COPY"]);
    expect((await listItems(t.db, { merchantId: "DEMO", q: "ANVIL" })).rows).toHaveLength(0);
  });

  it("duplicates with every custom field, or clears / changes the product name", async () => {
    const src = await byId("SHIRT-BLUE");
    await t.db.update(items).set({ customFields: { oapProductid: "Blue Shirt", color: "blue" } }).where(eq(items.id, src.id));
    const kept = await duplicateItem(t.db, { merchantId: "DEMO", actorId: null, id: src.id, newItemId: "SHIRT-BLUE-2" });
    expect(kept.customFields).toEqual({ oapProductid: "Blue Shirt", color: "blue" });
    expect((await itemsSharingProductName(t.db, "DEMO", "Blue Shirt", src.id)).map((r) => r.merchantItemId)).toEqual(["SHIRT-BLUE-2"]);
    const cleared = await duplicateItem(t.db, { merchantId: "DEMO", actorId: null, id: src.id, newItemId: "SHIRT-BLUE-3", productName: "" });
    expect(cleared.customFields).toEqual({ color: "blue" });
    const changed = await duplicateItem(t.db, { merchantId: "DEMO", actorId: null, id: src.id, newItemId: "SHIRT-BLUE-4", productName: "Blue Shirt XL" });
    expect(changed.customFields.oapProductid).toBe("Blue Shirt XL");
    await expect(duplicateItem(t.db, { merchantId: "DEMO", actorId: null, id: src.id, newItemId: "SHIRT-RED" })).rejects.toMatchObject({ field: "newItemId" });
    expect(await t.db.$count(auditLog, eq(auditLog.action, "item.duplicated"))).toBe(3);
  });

  it("creates, updates, deactivates, and other merchants' items are not found", async () => {
    const actorId = null;
    const row = await createItem(t.db, { merchantId: "DEMO", actorId, input: { merchantItemId: "NEW-1", description: "New", priceCents: 1000, kind: "standard", frequency: null, inactive: false, customFields: {} } });
    await expect(createItem(t.db, { merchantId: "DEMO", actorId, input: { merchantItemId: "NEW-1", description: "", priceCents: 1, kind: "standard", frequency: null, inactive: false, customFields: {} } })).rejects.toMatchObject({ field: "merchantItemId" });
    await expect(createItem(t.db, { merchantId: "DEMO", actorId, input: { merchantItemId: "NEW-2", description: "", priceCents: 1, kind: "recurring", frequency: null, inactive: false, customFields: {} } })).rejects.toMatchObject({ field: "frequency" });
    const u = await updateItem(t.db, { merchantId: "DEMO", actorId, id: row.id, input: { merchantItemId: "NEW-1", description: "Newer", priceCents: 1250, kind: "standard", frequency: null, inactive: false, customFields: { oapProductid: "New One" } } });
    expect(u).toMatchObject({ priceCents: 1250, customFields: { oapProductid: "New One" } });
    const [audit] = await t.db.select().from(auditLog).where(and(eq(auditLog.action, "item.updated"), eq(auditLog.target, "Item NEW-1")));
    expect(audit!.detail).toMatchObject({ priceCents: { from: 1000, to: 1250 } });
    expect((await setItemInactive(t.db, { merchantId: "DEMO", actorId, id: row.id, inactive: true })).inactive).toBe(true);
    await expect(getItem(t.db, "ACME", row.id)).rejects.toMatchObject({ status: 404 });
    await expect(setItemInactive(t.db, { merchantId: "ACME", actorId, id: row.id, inactive: false })).rejects.toMatchObject({ status: 404 });
  });

  it("adds and renames themes; codes are validated and unique", async () => {
    const actorId = null;
    const th = await createTheme(t.db, { merchantId: "DEMO", actorId, code: "SPRING", name: "Spring" });
    await expect(createTheme(t.db, { merchantId: "DEMO", actorId, code: "SPRING", name: "x" })).rejects.toMatchObject({ field: "code" });
    await expect(createTheme(t.db, { merchantId: "DEMO", actorId, code: "bad code", name: "x" })).rejects.toMatchObject({ field: "code" });
    expect((await renameTheme(t.db, { merchantId: "DEMO", actorId, id: th.id, name: "Spring sale" })).name).toBe("Spring sale");
    await expect(renameTheme(t.db, { merchantId: "ACME", actorId, id: th.id, name: "x" })).rejects.toMatchObject({ status: 404 });
    const [row] = await t.db.select().from(themes).where(eq(themes.id, th.id));
    expect(row!.code).toBe("SPRING");
  });
});
