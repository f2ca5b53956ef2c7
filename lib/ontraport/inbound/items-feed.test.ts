import { eq } from "drizzle-orm";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ontraportConfigs, transmissions } from "@/lib/db/schema";
import { seedDemo } from "@/lib/demo/seed";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { sha256Hex } from "../config/crypto";
import { answerItemPoll } from "./items-feed";

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", isArray: (n) => n === "item", parseAttributeValue: false });

describe.each(testBackends())("item poll on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    await seedDemo(t.db, { orderCount: 5 });
    await t.db.insert(ontraportConfigs).values({ merchantId: "DEMO", pollingKeyHash: sha256Hex("poll-demo") });
    await t.db.insert(ontraportConfigs).values({ merchantId: "ACME", pollingKeyHash: sha256Hex("poll-acme") });
  });
  afterAll(() => t.close());

  it("answers the merchant's items in pages, with the mapped product name", async () => {
    const a = await answerItemPoll(t.db, { key: "poll-demo", query: { page: "1", per_page: "5" }, path: "/api/ontraport/items" });
    expect(a.status).toBe(200);
    const doc = parser.parse(a.xml) as { items: { "@_total": string; "@_per_page": string; item: Array<Record<string, string>> } };
    expect(doc.items["@_total"]).toBe("21");
    expect(doc.items.item).toHaveLength(5);
    const all = await answerItemPoll(t.db, { key: "poll-demo", query: { item_id: "SHIRT-RED" }, path: "/api/ontraport/items" });
    expect(all.xml).toContain('<item id="SHIRT-RED" product_name="Red Shirt" active="true" currency="USD" price="19.95">');
    expect(all.xml).toContain("<description>Red cotton shirt</description>");
  });

  it("refuses a bad key with 401, an unknown item with 404 and bad paging with 400, all in <error>", async () => {
    expect(await answerItemPoll(t.db, { key: null, query: {}, path: "/x" })).toMatchObject({ status: 401, xml: expect.stringContaining("<error>") });
    expect((await answerItemPoll(t.db, { key: "nope", query: {}, path: "/x" })).status).toBe(401);
    expect(await answerItemPoll(t.db, { key: "poll-demo", query: { item_id: "ANVIL" }, path: "/x" })).toMatchObject({ status: 404, xml: expect.stringContaining("<error>Unknown item: ANVIL</error>") });
    expect((await answerItemPoll(t.db, { key: "poll-demo", query: { per_page: "501" }, path: "/x" })).status).toBe(400);
    expect((await answerItemPoll(t.db, { key: "poll-acme", query: { item_id: "ANVIL" }, path: "/x" })).status).toBe(200);
  });

  it("logs each fetch as an inbound Fetch Items entry without the key", async () => {
    const rows = await t.db.select().from(transmissions).where(eq(transmissions.type, "fetch_items"));
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.every((r) => r.direction === "inbound" && !r.payload.includes("poll-"))).toBe(true);
    expect(rows.find((r) => r.payload.includes("item_id=SHIRT-RED"))).toMatchObject({ status: "delivered", description: "Fetch Items: SHIRT-RED" });
  });
});
