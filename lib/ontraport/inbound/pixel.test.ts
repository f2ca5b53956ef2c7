import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { affiliates, ontraportConfigs, orders, themes, transmissions } from "@/lib/db/schema";
import { seedDemo } from "@/lib/demo/seed";
import { placeOrder, type CheckoutInput } from "@/lib/orders/checkout";
import { buildPixelUrl, firePixelOnce, isPixelHost, storeFrontCsp } from "./pixel";

describe("buildPixelUrl", () => {
  it("lists the parameters of the protocol, in order, URL-encoded", () => {
    const url = buildPixelUrl({
      host: "ontraport.ontraport.com",
      allowLocal: false,
      orderId: "DEMO-10042",
      email: "ada+x@example.com",
      lines: [
        { productName: "Red Shirt & Co", totalCents: 3990 },
        { productName: "MUG-CLASSIC", totalCents: 1250 },
      ],
      taxCents: 319,
      shippingCents: 500,
    });
    expect(url).toBe("https://ontraport.ontraport.com/p?order_id=DEMO-10042&email=ada%2Bx%40example.com&item_id_1=Red+Shirt+%26+Co&item_price_1=39.90&item_id_2=MUG-CLASSIC&item_price_2=12.50&tax=3.19&shipping_amt=5.00");
    const q = new URL(url!).searchParams;
    expect(q.get("item_id_1")).toBe("Red Shirt & Co");
    expect(q.get("email")).toBe("ada+x@example.com");
  });

  it("uses http only for the local simulator when allowed, and refuses hosts that could inject anything", () => {
    const base = { orderId: "O", email: "e@x.y", lines: [], taxCents: 0, shippingCents: 0 };
    expect(buildPixelUrl({ ...base, host: "127.0.0.1:4201", allowLocal: true })).toMatch(/^http:\/\/127\.0\.0\.1:4201\/p\?order_id=O/);
    expect(buildPixelUrl({ ...base, host: "127.0.0.1:4201", allowLocal: false })).toBeNull();
    for (const bad of ['a.com"><script>alert(1)</script>', "javascript:alert(1)", "evil.com/x", "a b.com", "exa_mple.com", "-a.com", "10.0.0.1", "", "localhost:99999999"]) {
      expect(isPixelHost(bad, true), bad).toBe(false);
      expect(buildPixelUrl({ ...base, host: bad, allowLocal: true })).toBeNull();
    }
    expect(isPixelHost("ontraport.ontraport.com", false)).toBe(true);
  });

  it("CSP allows images from the theme's ONTRAPORT host only", () => {
    expect(storeFrontCsp("ontraport.ontraport.com", false)).toBe("img-src 'self' data: https://ontraport.ontraport.com");
    expect(storeFrontCsp(null, false)).toBe("img-src 'self' data:");
    expect(storeFrontCsp("bad host\"", false)).toBe("img-src 'self' data:");
  });
});

const billing = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", address1: "1 Main St", city: "Austin", stateRegion: "TX", postalCode: "73301", countryCode: "US", dayPhone: "" };

describe.each(testBackends())("firePixelOnce on %s", (kind) => {
  let t: TestDatabase;
  let n = 0;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    await seedDemo(t.db, { orderCount: 3 });
    await t.db.insert(ontraportConfigs).values({ merchantId: "DEMO", method: "pixel" });
    await t.db.update(themes).set({ ontraportSubdomain: "127.0.0.1:4201" }).where(and(eq(themes.merchantId, "DEMO"), eq(themes.code, "HOLIDAY")));
  });
  afterAll(async () => {
    await t?.close();
  });
  const buy = (over: Partial<CheckoutInput> = {}) =>
    placeOrder(t.db, {
      merchantId: "DEMO",
      themeCode: "HOLIDAY",
      cart: [
        { itemId: "SHIRT-RED", quantity: 2 },
        { itemId: "MUG-CLASSIC", quantity: 1 },
      ],
      billing,
      choice: "card",
      cardNumber: "4111111111111111",
      checkoutKey: `px-${kind}-${++n}-000000000000`,
      ...over,
    }).then((r) => r.order);
  const fire = (orderId: string) => firePixelOnce(t.db, { merchantId: "DEMO", orderId, allowLocal: true });

  it("fires once for a paid order, with mapped and unmapped items, and logs a Conversion Pixel", async () => {
    const [aff] = await t.db.select().from(affiliates).where(eq(affiliates.merchantId, "DEMO"));
    const order = await buy({ affiliate: { affiliateId: aff!.id, subId: null } });
    const url = await fire(order.id);
    const q = Object.fromEntries(new URL(url!).searchParams);
    expect(q).toEqual({ order_id: order.id, email: "ada@example.com", item_id_1: "Red Shirt", item_price_1: "39.90", item_id_2: "MUG-CLASSIC", item_price_2: "12.50", tax: "4.19", shipping_amt: "5.00" });
    expect(await fire(order.id)).toBeNull();
    const logged = await t.db.select().from(transmissions).where(eq(transmissions.orderId, order.id));
    expect(logged).toMatchObject([{ type: "conversion_pixel", status: "delivered", payload: url, description: `Conversion Pixel ${order.id}, 2 items`, idempotencyKey: `pixel:${order.id}`, attempts: 1 }]);
    expect(logged[0]!.deliveredAt).not.toBeNull();
  });

  it("two concurrent views fire it once", async () => {
    const order = await buy();
    const urls = await Promise.all([fire(order.id), fire(order.id), fire(order.id)]);
    expect(urls.filter(Boolean)).toHaveLength(1);
    expect(await t.db.$count(transmissions, eq(transmissions.orderId, order.id))).toBe(1);
  });

  it("an unpaid order fires nothing until it becomes paid", async () => {
    const order = await buy({ cardNumber: "4000000000000259" });
    expect(await fire(order.id)).toBeNull();
    await t.db.update(orders).set({ currentStage: "Shipping Department", paymentStatus: "Processed" }).where(eq(orders.id, order.id));
    expect(await fire(order.id)).toContain(order.id);
  });

  it("no pixel for a theme without sub-domain, the API method, or another merchant", async () => {
    const plain = await buy({ themeCode: "DEFAULT" });
    expect(await fire(plain.id)).toBeNull();
    const order = await buy();
    expect(await firePixelOnce(t.db, { merchantId: "ACME", orderId: order.id, allowLocal: true })).toBeNull();
    await t.db.update(ontraportConfigs).set({ method: "api" }).where(eq(ontraportConfigs.merchantId, "DEMO"));
    expect(await fire(order.id)).toBeNull();
    await t.db.update(ontraportConfigs).set({ method: "off" }).where(eq(ontraportConfigs.merchantId, "DEMO"));
    expect(await fire(order.id)).toBeNull();
    await t.db.update(ontraportConfigs).set({ method: "pixel" }).where(eq(ontraportConfigs.merchantId, "DEMO"));
    // A sub-domain that slipped past validation is refused at render time.
    await t.db.update(themes).set({ ontraportSubdomain: '"><script>alert(1)</script>' }).where(and(eq(themes.merchantId, "DEMO"), eq(themes.code, "HOLIDAY")));
    expect(await fire(order.id)).toBeNull();
    const [row] = await t.db.select().from(orders).where(eq(orders.id, order.id));
    expect(row!.pixelFiredAt).toBeNull();
  });
});
