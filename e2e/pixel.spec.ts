import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { SIM_URL, storageStateFor } from "./support";

// The shopper has no login; the admin's context sets the integration state through the e2e-only
// endpoint (the ONTRAPORT configuration page is built separately) and restores it afterwards.
test.use({ storageState: { cookies: [], origins: [] } });
test.describe.configure({ mode: "serial" });

const simHost = new URL(SIM_URL).host;
let admin: APIRequestContext;
let restore: { method: string; subdomain: string | null } | undefined;

async function setup(method: "off" | "api" | "pixel", subdomain: string | null, themeCode = "HOLIDAY") {
  const res = await admin.post("/api/e2e/pixel-setup", { data: { method, themeCode, subdomain } });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { previous: { method: string; subdomain: string | null } }).previous;
}

async function newAdmin(browser: Browser) {
  const ctx = await browser.newContext({ storageState: storageStateFor("admin") });
  return ctx.request;
}

/** Collects every request the page makes to the simulator's pixel endpoint. */
function watchPixels(page: Page) {
  const seen: URL[] = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.host === simHost && u.pathname === "/p") seen.push(u);
  });
  return seen;
}

async function buy(page: Page, theme: string, items: string[], card = "4111111111111111", query = "") {
  await page.goto(`/store/DEMO/${theme}${query}`);
  for (const it of items) {
    const before = await page.getByRole("link", { name: /^Cart \(/ }).textContent();
    await page.getByRole("button", { name: `Add ${it} to cart` }).click();
    await expect(page.getByRole("link", { name: /^Cart \(/ })).not.toHaveText(before ?? "");
  }
  await page.getByRole("link", { name: "Checkout" }).first().click();
  await page.getByLabel("First name").fill("Grace");
  await page.getByLabel("Last name").fill("Hopper");
  await page.getByLabel("Email").fill("grace+pixel@example.com");
  await page.getByLabel("Address").fill("1 Navy Way");
  await page.getByLabel("City").fill("Arlington");
  await page.getByLabel("State").fill("VA");
  await page.getByLabel("Postal code").fill("22201");
  await page.getByLabel("Card number").fill(card);
  await page.getByRole("button", { name: "Place order" }).click();
  const orderId = (await page.getByTestId("order-id").textContent())!;
  await page.waitForLoadState("networkidle");
  return orderId;
}

async function simPixels(request: APIRequestContext) {
  return (await (await request.get(`${SIM_URL}/__sim/pixels`)).json()) as Array<{ query: Record<string, string> }>;
}

test.beforeAll(async ({ browser }) => {
  admin = await newAdmin(browser);
  restore = await setup("pixel", simHost);
});

test.afterAll(async () => {
  if (restore) await setup(restore.method as "off" | "api" | "pixel", restore.subdomain);
});

test.beforeEach(async ({ request }) => {
  await request.post(`${SIM_URL}/__sim/reset`);
});

test("a paid order through a theme with a sub-domain loads exactly one pixel whose parameters match the order", async ({ page, request }) => {
  const seen = watchPixels(page);
  const orderId = await buy(page, "HOLIDAY", ["SHIRT-RED", "SHIRT-RED", "MUG-CLASSIC", "HOODIE-GREY"], "4111111111111111", "?aff=1001&sid=px");
  await expect.poll(() => seen.length).toBe(1);
  const q = Object.fromEntries(seen[0]!.searchParams);
  // SHIRT-RED x2 = 39.90 (mapped "Red Shirt"), HOODIE-GREY 49.00 (mapped "Hoodie"), MUG-CLASSIC 12.50 (unmapped: Item ID).
  expect(q).toEqual({
    order_id: orderId,
    email: "grace+pixel@example.com",
    item_id_1: "Red Shirt",
    item_price_1: "39.90",
    item_id_2: "MUG-CLASSIC",
    item_price_2: "12.50",
    item_id_3: "Hoodie",
    item_price_3: "49.00",
    tax: "8.11",
    shipping_amt: "5.00",
  });
  await expect.poll(async () => (await simPixels(request)).length).toBe(1);
  expect((await simPixels(request))[0]!.query.order_id).toBe(orderId);
  // The page allows images from this theme's ONTRAPORT host only.
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute("content", `img-src 'self' data: http://${simHost}`);

  await page.reload();
  await page.waitForLoadState("networkidle");
  await expect(page.getByTestId("order-id")).toHaveText(orderId);
  expect(seen).toHaveLength(1);
  await expect(page.locator(`img[src*="${simHost}/p"]`)).toHaveCount(0);
  expect(await simPixels(request)).toHaveLength(1);
});

test("no pixel for a theme without sub-domain, a Fraud Review order, or the API method", async ({ page, request }) => {
  const seen = watchPixels(page);
  await buy(page, "DEFAULT", ["CAP-BLACK"]);
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute("content", "img-src 'self' data:");
  await buy(page, "HOLIDAY", ["CAP-BLACK"], "4000000000000259");
  await expect(page.getByTestId("order-status")).toContainText("Payment under review");
  await setup("api", simHost);
  try {
    await buy(page, "HOLIDAY", ["CAP-BLACK"]);
  } finally {
    await setup("pixel", simHost);
  }
  expect(seen).toHaveLength(0);
  expect(await simPixels(request)).toHaveLength(0);
});

test("a sub-domain that is not a host name is refused, so it cannot inject markup or script", async () => {
  for (const bad of ['x.com"><script>alert(1)</script>', "javascript:alert(1)", "evil.com/p?"]) {
    const res = await admin.post("/api/e2e/pixel-setup", { data: { method: "pixel", themeCode: "HOLIDAY", subdomain: bad } });
    expect(res.status()).toBe(400);
  }
});
