import { expect, test, type Browser, type Page } from "@playwright/test";
import { SimClient } from "@/tools/ontraport-sim/client";
import { openFirstOrderIn, openReviewOrder, screenshot, SIM_URL, storageStateFor } from "./support";

/**
 * The Transmission Log, its View dialog, the stale-key banner and recovery, and Review Order's
 * Tools → Resend OntraPort Notification, end to end against the simulator.
 * Every test sets the integration up itself and the file restores API Integration with the demo key.
 */
const CONFIG = "/configuration/external-integrations/ontraport";
const LOG = `${CONFIG}/log`;
const DEMO_KEY = "demo-ontraport-key";
const RESEND = "Resend OntraPort Notification";
const sim = new SimClient(SIM_URL);

async function asAdmin<T>(browser: Browser, baseURL: string | undefined, fn: (page: Page) => Promise<T>): Promise<T> {
  const ctx = await browser.newContext({ storageState: storageStateFor("admin"), baseURL });
  try {
    return await fn(await ctx.newPage());
  } finally {
    await ctx.close();
  }
}

const methodForm = (page: Page) => page.locator("#integration-method");

/** Chooses the integration method on the configuration page (as admin), with a key for the API. */
async function setMethod(page: Page, method: "api" | "pixel" | "off", key = DEMO_KEY) {
  await page.goto(CONFIG);
  if (method === "off") {
    const off = page.getByRole("button", { name: "Turn off integration" });
    if ((await off.count()) === 0) return;
    await off.click();
    await page.getByRole("dialog", { name: /Turn off the ONTRAPORT integration/ }).getByRole("button", { name: "Turn off", exact: true }).click();
    await expect(page.getByTestId("integration-status")).toContainText("Off");
    return;
  }
  if (method === "api") {
    await methodForm(page).getByRole("radio", { name: /API Integration/ }).check();
    await methodForm(page).getByLabel("ONTRAPORT API Key").fill(key);
  } else {
    // Pixel saves without sub-domains (with a warning), so the themes' settings are left as they are.
    await methodForm(page).getByRole("radio", { name: /Partner Tracking Pixel/ }).check();
  }
  await methodForm(page).getByRole("button", { name: "Save configuration" }).click();
  await expect(methodForm(page).getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
}

async function resendFromTools(page: Page, double = false) {
  await page.getByRole("button", { name: "Tools" }).click();
  await page.getByRole("menuitem", { name: RESEND }).click();
  const dialog = page.getByRole("dialog", { name: RESEND });
  await expect(dialog).toBeVisible();
  const go = dialog.getByRole("button", { name: "Resend to ONTRAPORT" });
  if (double) await go.dblclick();
  else await go.click();
  await expect(dialog).toBeHidden();
}

function logTable(page: Page) {
  return page.getByRole("table", { name: "Transmission Log" });
}

test.describe.configure({ mode: "serial" });

let originalMethod: "api" | "pixel" | "off" = "off";

test.beforeAll(async ({ browser, baseURL }) => {
  await sim.setKey(DEMO_KEY, "valid");
  await asAdmin(browser, baseURL, async (page) => {
    await page.goto(CONFIG);
    const status = (await page.getByTestId("integration-status").textContent())?.trim() ?? "Off";
    originalMethod = status.startsWith("API") ? "api" : status.startsWith("Partner") ? "pixel" : "off";
    await setMethod(page, "api");
  });
});

// Leaves the integration as this file found it, with the demo key (which the stale-key test replaced).
test.afterAll(async ({ browser, baseURL }) => {
  await sim.setKey(DEMO_KEY, "valid");
  await asAdmin(browser, baseURL, async (page) => {
    await setMethod(page, "api");
    if (originalMethod !== "api") await setMethod(page, originalMethod);
  });
});

test.describe("support", () => {
  test.use({ storageState: storageStateFor("support") });

  test("resends a paid order's notification from Tools and sees it delivered in the log", async ({ page }) => {
    const id = await openFirstOrderIn(page, "Completed Orders");
    // Other specs may have resent this order already: Review Order lists its manual resends so far.
    const manualBefore = await page.getByRole("table", { name: `Transmissions of order ${id}` }).getByText("(manual resend)").count();
    await page.getByRole("button", { name: "Tools" }).click();
    await expect(page.getByRole("menuitem", { name: RESEND })).toBeEnabled();
    await screenshot(page, "review-order-tools-resend");
    await page.keyboard.press("Escape");

    const before = (await sim.notifications({ reqType: "sale", orderId: id })).length;
    // A double click on the confirmation queues one resend.
    await resendFromTools(page, true);
    await expect(page.getByText("Delivered to ONTRAPORT")).toBeVisible({ timeout: 30_000 });
    expect((await sim.notifications({ reqType: "sale", orderId: id })).length).toBe(before + 1);

    await page.goto(`${LOG}?q=${id}`);
    // Newest first: the resend just made is the first manual row.
    await expect(logTable(page).getByRole("row").filter({ hasText: "(manual)" })).toHaveCount(manualBefore + 1);
    const manual = logTable(page).getByRole("row").filter({ hasText: "(manual)" }).first();
    await expect(manual.getByText("Delivered")).toBeVisible();
    for (const h of ["Type", "Status", "Description", "Response Code", "Attempts", "Time"]) {
      await expect(logTable(page).getByRole("columnheader", { name: h, exact: true })).toBeVisible();
    }
    await screenshot(page, "transmission-log-search");

    await manual.getByRole("button", { name: `View Sale ${id}` }).click();
    const dialog = page.getByRole("dialog", { name: `Sale ${id}` });
    await expect(dialog.getByText("Manual resend by support@demo.test")).toBeVisible();
    await expect(dialog.getByTestId("xml-viewer").first()).toContainText(`<order id="${id}"`);
    await expect(dialog.getByRole("link", { name: `Review Order ${id}` })).toHaveAttribute("href", `/orders/${id}`);
    await expect(dialog.getByRole("table").getByRole("row")).toHaveCount(2);
    await expect(dialog.getByRole("button", { name: "Copy support details" })).toBeVisible();
    await expect(dialog.getByRole("link", { name: "Download .xml" })).toHaveAttribute("href", /format=xml/);
    await screenshot(page, "transmission-log-dialog");
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
  });
});

test.describe("Tools item visibility", () => {
  test.use({ storageState: storageStateFor("support") });

  test("is absent when the integration is off or on Pixel, and disabled with the reason for an unpaid order", async ({ page, browser, baseURL }) => {
    const paid = await openFirstOrderIn(page, "Completed Orders");
    for (const method of ["off", "pixel"] as const) {
      await asAdmin(browser, baseURL, (admin) => setMethod(admin, method));
      await openReviewOrder(page, paid);
      await page.getByRole("button", { name: "Tools" }).click();
      await expect(page.getByRole("menuitem").first()).toBeVisible();
      await expect(page.getByRole("menuitem", { name: new RegExp(RESEND) })).toHaveCount(0);
      await page.keyboard.press("Escape");
    }
    await asAdmin(browser, baseURL, (admin) => setMethod(admin, "api"));
    await openFirstOrderIn(page, "Accounts Receivable");
    await page.getByRole("button", { name: "Tools" }).click();
    const item = page.getByRole("menuitem", { name: new RegExp(`${RESEND}.*only paid orders are sent`) });
    await expect(item).toHaveAttribute("aria-disabled", "true");
  });
});

test.describe("admin", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("a stale key shows the banner; saving a new key delivers what waited, without further action", async ({ page }) => {
    test.setTimeout(120_000);
    const id = await openFirstOrderIn(page, "Shipping Department");
    const deliveredSales = async () => (await sim.notifications({ reqType: "sale", orderId: id })).filter((n) => n.outcome === "delivered").length;
    const before = await deliveredSales();
    await sim.setKey(DEMO_KEY, "stale");
    await resendFromTools(page);
    await expect(page.getByText("Waiting for a new API key")).toBeVisible({ timeout: 30_000 });

    // Resending again while that Sale waits queues no second copy: the dialog says it goes out by itself.
    await page.getByRole("button", { name: "Tools" }).click();
    await page.getByRole("menuitem", { name: RESEND }).click();
    const again = page.getByRole("dialog", { name: RESEND });
    await again.getByRole("button", { name: "Resend to ONTRAPORT" }).click();
    await expect(again.getByText(/goes out by itself, once, when an admin saves a new key/)).toBeVisible();
    await expect(again.getByRole("button", { name: "Send it now" })).toHaveCount(0);
    await screenshot(page, "resend-waiting-sale");
    await again.getByRole("button", { name: "OK" }).click();
    await expect(again).toBeHidden();

    await page.goto("/orders");
    const banner = page.getByRole("alert").filter({ hasText: "ONTRAPORT no longer accepts your API key" });
    await expect(banner).toBeVisible();
    await expect(banner).toContainText(/\d+ transmissions? (is|are) waiting/);
    await screenshot(page, "stale-key-banner");
    await banner.getByRole("link", { name: "Enter a new API key" }).click();
    await expect(page).toHaveURL(new RegExp(`${CONFIG}#api-key$`));

    const fresh = `e2e-fresh-key-${Date.now()}`;
    await sim.setKey(fresh, "valid");
    await methodForm(page).getByLabel("ONTRAPORT API Key").fill(fresh);
    await methodForm(page).getByRole("button", { name: "Save configuration" }).click();
    await expect(methodForm(page).getByRole("status").filter({ hasText: "Saved" })).toBeVisible();

    await page.goto(`${LOG}?q=${id}`);
    await expect(logTable(page).getByRole("row").filter({ hasText: "(manual)" }).first().getByText("Delivered")).toBeVisible({ timeout: 45_000 });
    // Two resends, one Sale: ONTRAPORT received it once.
    expect(await deliveredSales()).toBe(before + 1);
    await page.goto("/orders");
    await expect(page.getByText("ONTRAPORT no longer accepts your API key")).toHaveCount(0);
  });

  test("the View dialog shows a customer named <script> as text, not markup", async ({ page }) => {
    const scripted: string[] = [];
    page.on("dialog", (d) => {
      scripted.push(d.message());
      void d.dismiss();
    });
    const id = await openFirstOrderIn(page, "Completed Orders");
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByRole("menuitem", { name: "Customer details" }).click();
    const edit = page.getByRole("dialog", { name: "Edit customer details" });
    await edit.getByLabel("First name").fill('<script>alert("x")</script>');
    await edit.getByRole("button", { name: "Save customer" }).click();
    await expect(edit).toBeHidden();
    await resendFromTools(page);
    await expect(page.getByText("Delivered to ONTRAPORT")).toBeVisible({ timeout: 30_000 });

    await page.goto(`${LOG}?q=${id}`);
    await logTable(page).getByRole("row").filter({ hasText: "(manual)" }).first().getByRole("button", { name: `View Sale ${id}` }).click();
    const dialog = page.getByRole("dialog", { name: `Sale ${id}` });
    const xml = dialog.getByTestId("xml-viewer").first();
    await expect(xml).toContainText(/(&lt;|<)script(&gt;|>)alert/);
    await expect(dialog.locator("script")).toHaveCount(0);
    await screenshot(page, "transmission-log-dialog-script");
    expect(scripted).toEqual([]);
  });
});

test.describe("tenancy", () => {
  test.use({ storageState: storageStateFor("acme") });

  test("another merchant's transmission answers 404 and its log holds none of DEMO's rows", async ({ page, browser, baseURL }) => {
    const demoId = await asAdmin(browser, baseURL, async (admin) => {
      const res = await admin.request.get("/api/ontraport/log");
      const body = (await res.json()) as { rows: Array<{ id: string }> };
      return body.rows[0]?.id;
    });
    // The support tests above delivered at least one DEMO transmission.
    expect(demoId).toBeTruthy();
    const res = await page.request.get(`/api/ontraport/transmissions/${demoId}`);
    expect(res.status()).toBe(404);
    const xml = await page.request.get(`/api/ontraport/transmissions/${demoId}?format=xml`);
    expect(xml.status()).toBe(404);
    const log = (await (await page.request.get("/api/ontraport/log")).json()) as { rows: Array<{ id: string }> };
    expect(log.rows.map((r) => r.id)).not.toContain(demoId);
  });
});

test.describe("log page", () => {
  test.use({ storageState: storageStateFor("support") });

  test("filters live in the URL, and the page says why it is empty", async ({ page }) => {
    await page.goto(LOG);
    await expect(page.getByRole("heading", { name: "Transmission Log", level: 2 })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Health, last 24 hours" })).toBeVisible();
    await page.getByLabel("Type", { exact: true }).selectOption("fetch_items");
    await page.getByLabel("Status", { exact: true }).selectOption("failed");
    await expect(page).toHaveURL(/type=fetch_items/);
    await expect(page).toHaveURL(/status=failed/);
    await page.reload();
    await expect(page.getByLabel("Type", { exact: true })).toHaveValue("fetch_items");
    await expect(page.getByText("No transmissions match these filters.").or(logTable(page).getByRole("cell", { name: "Fetch Items" }).first())).toBeVisible();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(page).not.toHaveURL(/type=/);
    await page.getByRole("button", { name: "7 days" }).click();
    await expect(page.getByRole("button", { name: "7 days" })).toHaveAttribute("aria-pressed", "true");
    await screenshot(page, "transmission-log");
  });
});
