import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { rowsOf } from "@/lib/db/client";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { seedDemo } from "@/lib/demo/seed";
import { auditLog, items, merchants, users } from "@/lib/db/schema";
import { NotFoundError, UserError } from "@/lib/errors";
import { conflictKey, effectiveName, listMappings, MAX_PRODUCT_NAME, normalizeProductName, saveMappings } from "./mapping";

describe("product name rules", () => {
  it("trims, empties to the Item ID, refuses control characters and over-long names", () => {
    expect(normalizeProductName("  Red Shirt ")).toEqual({ ok: true, value: "Red Shirt" });
    expect(normalizeProductName("   ")).toEqual({ ok: true, value: null });
    expect(normalizeProductName("Red\tShirt").ok).toBe(false);
    expect(normalizeProductName("Red\nShirt").ok).toBe(false);
    expect(normalizeProductName("x".repeat(MAX_PRODUCT_NAME)).ok).toBe(true);
    expect(normalizeProductName("x".repeat(MAX_PRODUCT_NAME + 1)).ok).toBe(false);
    expect(normalizeProductName("Café ☕ «deluxe»")).toEqual({ ok: true, value: "Café ☕ «deluxe»" });
    expect(effectiveName("MUG", null)).toBe("MUG");
    expect(effectiveName("MUG", "  ")).toBe("MUG");
    expect(effectiveName("MUG", " Mug ")).toBe("Mug");
    expect(conflictKey("A", "Red Shirt")).toBe(conflictKey("B", "red shirt"));
  });
});

describe.each(testBackends())("product mapping on %s", (kind) => {
  let t: TestDatabase;
  let demoAdmin: string;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    await seedDemo(t.db, { orderCount: 5 });
    demoAdmin = (await t.db.select().from(users).where(eq(users.email, "admin@demo.test")))[0]!.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists every item with Sent as, flags the duplicated pair naming each other, and counts conflicts", async () => {
    const page = await listMappings(t.db, { merchantId: "DEMO" });
    expect(page.rows).toHaveLength(21);
    const red = page.rows.find((r) => r.itemId === "SHIRT-RED")!;
    const copy = page.rows.find((r) => r.itemId === "SHIRT-RED-COPY")!;
    expect(red.sentAs).toBe("Red Shirt");
    expect(red.conflictsWith).toEqual(["SHIRT-RED-COPY"]);
    expect(copy.conflictsWith).toEqual(["SHIRT-RED"]);
    expect(page.rows.find((r) => r.itemId === "MUG-CLASSIC")!.sentAs).toBe("MUG-CLASSIC");
    expect(page.summary).toMatchObject({ items: 21, conflictNames: 1, conflictItems: 2 });
    expect(page.summary.unmapped).toBe(page.rows.filter((r) => !r.mapping).length);

    const conflicts = await listMappings(t.db, { merchantId: "DEMO", filter: "conflicts" });
    expect(conflicts.rows.map((r) => r.itemId)).toEqual(["SHIRT-RED", "SHIRT-RED-COPY"]);
    const unmapped = await listMappings(t.db, { merchantId: "DEMO", filter: "unmapped" });
    expect(unmapped.rows.every((r) => !r.mapping)).toBe(true);
    const search = await listMappings(t.db, { merchantId: "DEMO", q: "mug" });
    expect(search.rows.map((r) => r.itemId).sort()).toEqual(["MUG-CLASSIC", "MUG-TRAVEL"]);
    expect((await listMappings(t.db, { merchantId: "DEMO", q: "%" })).rows).toHaveLength(0);
  });

  it("an unmapped item whose Item ID equals another item's product name is a conflict too (case-insensitive)", async () => {
    await saveMappings(t.db, { merchantId: "DEMO", userId: demoAdmin, changes: [{ itemId: "CAP-BLACK", value: "mug-classic" }] });
    const page = await listMappings(t.db, { merchantId: "DEMO", filter: "conflicts" });
    expect(page.rows.map((r) => r.itemId)).toEqual(["CAP-BLACK", "MUG-CLASSIC", "SHIRT-RED", "SHIRT-RED-COPY"]);
    expect(page.summary.conflictNames).toBe(2);
    await saveMappings(t.db, { merchantId: "DEMO", userId: demoAdmin, changes: [{ itemId: "CAP-BLACK", value: "" }] });
  });

  it("saves many edits at once, counting only real changes; fixing one of the pair clears the conflict", async () => {
    const r = await saveMappings(t.db, {
      merchantId: "DEMO",
      userId: demoAdmin,
      changes: [
        { itemId: "SHIRT-RED-COPY", value: "  Red Shirt (copy) " },
        { itemId: "MUG-CLASSIC", value: "Classic Mug" },
        { itemId: "SHIRT-BLUE", value: "Blue Shirt" },
      ],
    });
    expect(r.saved).toBe(2);
    const [copy] = await t.db.select().from(items).where(and(eq(items.merchantId, "DEMO"), eq(items.merchantItemId, "SHIRT-RED-COPY")));
    expect(copy!.customFields.oapProductid).toBe("Red Shirt (copy)");
    const page = await listMappings(t.db, { merchantId: "DEMO" });
    expect(page.summary.conflictNames).toBe(0);
    expect(page.rows.find((x) => x.itemId === "SHIRT-RED")!.conflictsWith).toEqual([]);
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.action, "ontraport.mapping_changed"));
    expect(audit.some((a) => a.target === "Item SHIRT-RED-COPY" && a.userId === demoAdmin)).toBe(true);

    await saveMappings(t.db, { merchantId: "DEMO", userId: demoAdmin, changes: [{ itemId: "MUG-CLASSIC", value: "" }] });
    const [mug] = await t.db.select().from(items).where(and(eq(items.merchantId, "DEMO"), eq(items.merchantItemId, "MUG-CLASSIC")));
    expect("oapProductid" in mug!.customFields).toBe(false);
  });

  it("a failed save changes nothing: a bad value or an unknown (or other merchant's) item", async () => {
    const before = await t.db.select().from(items).where(eq(items.merchantId, "DEMO"));
    await expect(
      saveMappings(t.db, { merchantId: "DEMO", userId: demoAdmin, changes: [{ itemId: "SHIRT-BLUE", value: "New" }, { itemId: "HOODIE-GREY", value: "bad\u0007" }] }),
    ).rejects.toBeInstanceOf(UserError);
    await t.db.insert(items).values({ merchantId: "ACME", merchantItemId: "ACME-ONLY", priceCents: 100 });
    await expect(
      saveMappings(t.db, { merchantId: "DEMO", userId: demoAdmin, changes: [{ itemId: "SHIRT-BLUE", value: "New" }, { itemId: "ACME-ONLY", value: "Stolen" }] }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const after = await t.db.select().from(items).where(eq(items.merchantId, "DEMO"));
    expect(after.map((i) => i.customFields)).toEqual(before.map((i) => i.customFields));
    const [acme] = await t.db.select().from(items).where(eq(items.merchantItemId, "ACME-ONLY"));
    expect(acme!.customFields).toEqual({});
    expect((await listMappings(t.db, { merchantId: "DEMO", q: "ACME-ONLY" })).rows).toHaveLength(0);
  });

  it("saves an item's ONTRAPORT tags (trimmed, deduplicated), audits them, refuses bad ones all or nothing, and a renamed mapping forgets its cached ONTRAPORT id", async () => {
    await t.db.execute(sql`insert into ontraport_object_ids (merchant_id, kind, name, ontraport_id) values ('DEMO', 'product', 'Blue Shirt', '7')`);
    const r = await saveMappings(t.db, { merchantId: "DEMO", userId: demoAdmin, changes: [{ itemId: "SHIRT-BLUE", tags: " Shirts ,shirts, Blue things,," }] });
    expect(r.saved).toBe(1);
    let page = await listMappings(t.db, { merchantId: "DEMO", q: "SHIRT-BLUE" });
    expect(page.rows[0]).toMatchObject({ tags: "Shirts, Blue things", mapping: "Blue Shirt" });
    await expect(saveMappings(t.db, { merchantId: "DEMO", userId: demoAdmin, changes: [{ itemId: "SHIRT-BLUE", value: "Renamed", tags: "x".repeat(101) }] })).rejects.toMatchObject({ field: "tags_SHIRT-BLUE" });
    page = await listMappings(t.db, { merchantId: "DEMO", q: "SHIRT-BLUE" });
    expect(page.rows[0]).toMatchObject({ tags: "Shirts, Blue things", mapping: "Blue Shirt" });
    await saveMappings(t.db, { merchantId: "DEMO", userId: demoAdmin, changes: [{ itemId: "SHIRT-BLUE", value: "Blue Shirt 2", tags: "" }] });
    page = await listMappings(t.db, { merchantId: "DEMO", q: "SHIRT-BLUE" });
    expect(page.rows[0]).toMatchObject({ tags: "", mapping: "Blue Shirt 2" });
    expect(rowsOf(await t.db.execute(sql`select 1 from ontraport_object_ids where merchant_id = 'DEMO' and name = 'Blue Shirt'`))).toHaveLength(0);
    const audit = rowsOf<{ action: string }>(await t.db.execute(sql`select action from audit_log where target = 'Item SHIRT-BLUE'`)).map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(["ontraport.tags_changed", "ontraport.mapping_changed"]));
  });

  it("pages through 10,000 items with keyset cursors, forwards and back", async () => {
    await t.db.insert(merchants).values({ id: "BIG", name: "Big Store" });
    const batch = Array.from({ length: 10_000 }, (_, i) => ({
      merchantId: "BIG",
      merchantItemId: `SKU-${String(i).padStart(5, "0")}`,
      priceCents: 100,
      customFields: (i % 3 === 0 ? { oapProductid: `Product ${Math.floor(i / 6)}` } : {}) as Record<string, string>,
    }));
    for (let i = 0; i < batch.length; i += 1000) await t.db.insert(items).values(batch.slice(i, i + 1000));

    const started = performance.now();
    const first = await listMappings(t.db, { merchantId: "BIG" });
    expect(first.rows[0]!.itemId).toBe("SKU-00000");
    expect(first.prevCursor).toBeNull();
    const second = await listMappings(t.db, { merchantId: "BIG", after: first.nextCursor! });
    expect(second.rows[0]!.itemId).toBe("SKU-00050");
    const back = await listMappings(t.db, { merchantId: "BIG", before: second.prevCursor! });
    expect(back.rows.map((r) => r.itemId)).toEqual(first.rows.map((r) => r.itemId));
    expect(back.prevCursor).toBeNull();
    const deep = await listMappings(t.db, { merchantId: "BIG", after: "SKU-09949" });
    expect(deep.rows).toHaveLength(50);
    expect(deep.nextCursor).toBeNull();
    const conflicts = await listMappings(t.db, { merchantId: "BIG", filter: "conflicts" });
    expect(conflicts.summary.conflictNames).toBeGreaterThan(0);
    const ms = performance.now() - started;
    console.info(`mapping paging at 10,000 items on ${kind}: 5 pages in ${ms.toFixed(0)} ms`);
  });
});
