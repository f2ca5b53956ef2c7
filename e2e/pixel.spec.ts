import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { screenshot, SIM_URL, storageStateFor } from "./support";

// The shopper has no login; an admin's own browser configures the integration on the ONTRAPORT
// configuration page, as a merchant would, and puts back what it found there at the end.
test.use({ storageState: { cookies: [], origins: [] } });
test.describe.configure({ mode: "serial" });

const CONFIG = "/configuration/external-integrations/ontraport";
const DEMO_KEY = "demo-ontraport-key";
const THEMES = ["DEFAULT", "HOLIDAY"] as const;
type Method = "api" | "pixel" | "off";
type Subdomains = Record<(typeof THEMES)[number], string>;

const simHost = new URL(SIM_URL).host;
let adminContext: BrowserContext | undefined;
let admin: Page;
let original: { method: Method; subdomains: Subdomains } | undefined;

const methodForm = (page: Page) => page.locator("#integration-method");
const subdomainField = (page: Page, theme: string) => methodForm(page).getByLabel(`ONTRAPORT Sub-domain (${theme})`);

async function saveConfig(page: Page) {
  await methodForm(page).getByRole("button", { name: "Save configuration" }).click();
  await expect(methodForm(page).getByRole("status").filter({ hasText: /^(Saved|Nothing changed)/ })).toBeVisible();
}

/** The method and every theme's sub-domain as the configuration page shows them. */
async function readConfig(page: Page): Promise<{ method: Method; subdomains: Subdomains }> {
  await page.goto(CONFIG);
  const status = (await page.getByTestId("integration-status").textContent())?.trim() ?? "Off";
  const method: Method = status.startsWith("API") ? "api" : status.startsWith("Partner") ? "pixel" : "off";
  // Choosing the radio only reveals the sub-domain fields; nothing is saved.
  await methodForm(page).getByRole("radio", { name: /Partner Tracking Pixel/ }).check();
  const subdomains = {} as Subdomains;
  for (const code of THEMES) subdomains[code] = await subdomainField(page, code).inputValue();
  return { method, subdomains };
}

/** Sets the sub-domains (when given, through the pixel form) and then the method, on the page. */
async function configure(page: Page, method: Method, subdomains?: Partial<Subdomains>) {
  await page.goto(CONFIG);
  if (subdomains) {
    await methodForm(page).getByRole("radio", { name: /Partner Tracking Pixel/ }).check();
    for (const [code, value] of Object.entries(subdomains)) await subdomainField(page, code).fill(value);
    await saveConfig(page);
    if (method === "pixel") return;
    await page.goto(CONFIG);
  }
  if (method === "off") {
    const off = page.getByRole("button", { name: "Turn off integration" });
    if ((await off.count()) === 0) return;
    await off.click();
    await page.getByRole("dialog", { name: "Turn off the ONTRAPORT integration?" }).getByRole("button", { name: "Turn off", exact: true }).click();
    await expect(page.getByTestId("integration-status")).toHaveText("Off");
    return;
  }
  if (method === "api") {
    await methodForm(page).getByRole("radio", { name: /API Integration/ }).check();
    // The API needs a key: the demo's, when none is saved.
    if ((await page.getByLabel("Saved key (masked)").count()) === 0) {
      await fetch(`${SIM_URL}/__sim/keys`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key: DEMO_KEY, state: "valid" }) });
      await methodForm(page).getByLabel("ONTRAPORT API Key").fill(DEMO_KEY);
    }
  } else {
    await methodForm(page).getByRole("radio", { name: /Partner Tracking Pixel/ }).check();
  }
  await saveConfig(page);
  await expect(page.getByTestId("integration-status")).toHaveText(method === "api" ? "API Integration" : "Partner Tracking Pixel");
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

test.beforeAll(async ({ browser, baseURL }: { browser: Browser; baseURL: string | undefined }) => {
  adminContext = await browser.newContext({ storageState: storageStateFor("admin"), baseURL });
  admin = await adminContext.newPage();
  original = await readConfig(admin);
  // HOLIDAY's receipts fire the pixel at the simulator; DEFAULT has no sub-domain.
  await configure(admin, "pixel", { DEFAULT: "", HOLIDAY: simHost });
});

test.afterAll(async () => {
  try {
    if (original) await configure(admin, original.method, original.subdomains);
  } finally {
    await adminContext?.close();
  }
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

  // The log says what the server knows: the receipt rendered it (not "Delivered, 1 attempt"); View
  // shows the URL, not XML, and nothing offers to resend it.
  await admin.goto(`${CONFIG}/log?type=conversion_pixel&q=${orderId}`);
  const row = admin.getByRole("table", { name: "Transmission Log" }).getByRole("row").filter({ hasText: "Conversion Pixel" });
  await expect(row).toHaveCount(1);
  await expect(row.getByText("Rendered on the receipt")).toBeVisible();
  await expect(row.getByText("Delivered")).toHaveCount(0);
  await expect(row.getByRole("button", { name: /^Resend/ })).toHaveCount(0);
  await row.getByRole("button", { name: /^View/ }).click();
  const dialog = admin.getByRole("dialog", { name: `Conversion Pixel ${orderId}` });
  await expect(dialog.getByRole("region", { name: "Pixel URL" })).toContainText(`order_id=${orderId}`);
  await expect(dialog.getByText("Rendered on the receipt").first()).toBeVisible();
  await expect(dialog.getByRole("link", { name: "Download .xml" })).toHaveCount(0);
  await expect(dialog.getByRole("button", { name: /^Resend/ })).toHaveCount(0);
  await expect(dialog.getByText("No attempt yet.")).toHaveCount(0);
  await screenshot(admin, "log-pixel-dialog");
});

test("no pixel for a theme without sub-domain, a Fraud Review order, or the API method", async ({ page, request }) => {
  const seen = watchPixels(page);
  await buy(page, "DEFAULT", ["CAP-BLACK"]);
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute("content", "img-src 'self' data:");
  await buy(page, "HOLIDAY", ["CAP-BLACK"], "4000000000000259");
  await expect(page.getByTestId("order-status")).toContainText("Payment under review");
  await configure(admin, "api");
  try {
    await buy(page, "HOLIDAY", ["CAP-BLACK"]);
  } finally {
    await configure(admin, "pixel");
  }
  expect(seen).toHaveLength(0);
  expect(await simPixels(request)).toHaveLength(0);
});

test("a sub-domain that is not a host name is refused on the page, so it cannot inject markup or script", async ({ page }) => {
  for (const bad of ['x.com"><script>alert(1)</script>', "javascript:alert(1)"]) {
    await admin.goto(CONFIG);
    await methodForm(admin).getByRole("radio", { name: /Partner Tracking Pixel/ }).check();
    await subdomainField(admin, "HOLIDAY").fill(bad);
    await methodForm(admin).getByRole("button", { name: "Save configuration" }).click();
    await expect(methodForm(admin).getByRole("region", { name: "There is a problem" })).toBeVisible();
    await expect(subdomainField(admin, "HOLIDAY")).toHaveAttribute("aria-invalid", "true");
    await expect(subdomainField(admin, "HOLIDAY")).toHaveValue(bad);
    await admin.reload();
    await methodForm(admin).getByRole("radio", { name: /Partner Tracking Pixel/ }).check();
    await expect(subdomainField(admin, "HOLIDAY")).toHaveValue(simHost);
  }
  // A pasted URL with a path keeps only its host: the shopper's page allows images from that host and nothing more.
  try {
    await configure(admin, "pixel", { HOLIDAY: "evil.com/p?" });
    await methodForm(admin).getByRole("radio", { name: /Partner Tracking Pixel/ }).check();
    await expect(subdomainField(admin, "HOLIDAY")).toHaveValue("evil.com");
    await page.goto("/store/DEMO/HOLIDAY");
    await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute("content", "img-src 'self' data: https://evil.com");
  } finally {
    await configure(admin, "pixel", { HOLIDAY: simHost });
  }
});
