import { expect, test, type Locator, type Page } from "@playwright/test";
import { SimClient } from "@/tools/ontraport-sim/client";
import { openFirstOrderIn, screenshot, SIM_URL, storageStateFor } from "./support";

/**
 * Health you can trust: the Health panel's range drives heading, figures and chart; Home and the side
 * menu show failed and waiting counts with links to the log filtered. Also the polish of #17: role
 * changes are confirmed, and Add to cart says Added and announces the cart's count.
 */
const LOG = "/configuration/external-integrations/ontraport/log";
const RESEND = "Resend OntraPort Notification";
const sim = new SimClient(SIM_URL);


const HOUR = 3_600_000;

/** A canned health answer: `delivered` and `failed` spread over the range's last hours. */
function cannedHealth(range: "24h" | "7d", delivered: number, failed: number) {
  const hours = range === "7d" ? 168 : 24;
  const end = Math.floor(Date.now() / HOUR) * HOUR + HOUR;
  const since = end - hours * HOUR;
  const buckets = Array.from({ length: hours }, (_, i) => ({
    start: new Date(since + i * HOUR).toISOString().replace(".000Z", "Z"),
    delivered: 0,
    failed: 0,
    waiting: 0,
    paused: 0,
    skipped: 0,
  }));
  // Everything in a few hours near the end, some further back for the week.
  for (let n = 0; n < delivered; n++) buckets[hours - 1 - (n % (range === "7d" ? 100 : 10))]!.delivered++;
  for (let n = 0; n < failed; n++) buckets[hours - 2 - (n % 5)]!.failed++;
  return {
    delivered,
    failed,
    waiting: 2,
    paused: 0,
    lastSuccessAt: new Date().toISOString(),
    range,
    since: new Date(since).toISOString().replace(".000Z", "Z"),
    buckets,
  };
}

function healthPanel(page: Page): Locator {
  return page.getByRole("region", { name: /^Health, last/ });
}

function stat(panel: Locator, label: string): Locator {
  return panel.getByRole("group", { name: label, exact: true });
}

test.describe("Health panel", () => {
  test.use({ storageState: storageStateFor("support") });

  test("the range toggle changes the heading, the figures and the chart; bars show their values on focus", async ({ page }) => {
    const asked: string[] = [];
    await page.route(/\/api\/ontraport\/log\?view=health/, async (route) => {
      const range = new URL(route.request().url()).searchParams.get("range") === "7d" ? "7d" : "24h";
      asked.push(range);
      await route.fulfill({ json: range === "7d" ? cannedHealth("7d", 40, 5) : cannedHealth("24h", 3, 1) });
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(LOG);
    const panel = healthPanel(page);
    await expect(panel.getByRole("heading", { name: "Health, last 24 hours" })).toBeVisible();
    await expect(stat(panel, "Delivered")).toContainText("3");
    await expect(stat(panel, "Delivered")).toContainText("last 24 hours");
    await expect(stat(panel, "Failed")).toContainText("1");
    await expect(panel.getByTestId("health-axis").locator("span")).not.toHaveCount(0);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, "health-24h");

    await panel.getByRole("button", { name: "7 days" }).click();
    await expect(panel.getByRole("button", { name: "7 days" })).toHaveAttribute("aria-pressed", "true");
    await expect(panel.getByRole("heading", { name: "Health, last 7 days" })).toBeVisible();
    await expect(stat(panel, "Delivered")).toContainText("40");
    await expect(stat(panel, "Delivered")).toContainText("last 7 days");
    await expect(stat(panel, "Failed")).toContainText("5");
    expect(asked).toContain("7d");
    // A week's axis labels each day (6 to 8 local midnights in 168 hours).
    const days = await panel.getByTestId("health-axis").locator("span").count();
    expect(days).toBeGreaterThanOrEqual(6);
    expect(days).toBeLessThanOrEqual(8);

    // Keyboard: one bar is in the tab order; focus shows its values, arrows move hour by hour.
    const bars = panel.getByRole("img", { name: /:/ });
    await expect(bars).toHaveCount(168);
    const last = bars.last();
    await last.focus();
    await expect(last).toBeFocused();
    const tooltip = panel.getByTestId("health-tooltip");
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText("Delivered");
    const lastName = await last.getAttribute("aria-label");
    expect(lastName).toMatch(/delivered/);
    await page.keyboard.press("ArrowLeft");
    await expect(bars.nth(166)).toBeFocused();
    await expect(bars.nth(166)).toHaveAttribute("aria-label", /\d+ failed/);
    await page.keyboard.press("Home");
    await expect(bars.first()).toBeFocused();
    await expect(tooltip).toBeVisible();
    // Hover shows the values too.
    await bars.nth(167).hover();
    await expect(tooltip).toBeVisible();
    await screenshot(page, "health-7d");

    // The numbers table follows the range.
    await panel.getByText("Show the numbers as a table").click();
    const table = panel.getByRole("table", { name: "Transmissions per hour by status, last 7 days" });
    await expect(table).toBeVisible();
    const delivered = await table.locator("tbody tr td:nth-of-type(1)").allTextContents();
    expect(delivered.reduce((s, t) => s + Number(t), 0)).toBe(40);
  });

  test("on real data the figures are the table's columns added up, for either range", async ({ page }) => {
    await page.goto(LOG);
    const panel = healthPanel(page);
    for (const [button, words] of [
      ["24 hours", "last 24 hours"],
      ["7 days", "last 7 days"],
    ] as const) {
      await panel.getByRole("button", { name: button }).click();
      await expect(panel.getByRole("heading", { name: `Health, ${words}` })).toBeVisible();
      await expect(panel.locator("[aria-busy=true]")).toHaveCount(0);
      const details = panel.locator("details");
      if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await panel.getByText("Show the numbers as a table").click();
      const table = panel.getByRole("table", { name: `Transmissions per hour by status, ${words}` });
      await expect(table).toBeVisible();
      const sum = async (col: number) => (await table.locator(`tbody tr td:nth-of-type(${col})`).allTextContents()).reduce((s, t) => s + (Number(t) || 0), 0);
      await expect(stat(panel, "Delivered").locator("[data-stat-value]")).toHaveText(String(await sum(1)));
      await expect(stat(panel, "Failed").locator("[data-stat-value]")).toHaveText(String(await sum(2)));
    }
  });
});

test.describe("Home and the side menu", () => {
  test.use({ storageState: storageStateFor("admin") });

  async function homeCount(page: Page, testId: string): Promise<number> {
    await page.goto("/");
    return Number(await page.getByRole("region", { name: "ONTRAPORT deliveries" }).getByTestId(testId).textContent());
  }

  test("show failed (last 7 days) and waiting counts, and link to the log filtered", async ({ page }) => {
    const failedBefore = await homeCount(page, "home-failed");
    // ONTRAPORT refuses the next notification's content (HTTP 422): a Failed transmission at once.
    await sim.faults({ count: 1, status: 422 });
    const id = await openFirstOrderIn(page, "Completed Order");
    await page.getByRole("button", { name: "Tools" }).click();
    await page.getByRole("menuitem", { name: RESEND }).click();
    const dialog = page.getByRole("dialog", { name: RESEND });
    await dialog.getByRole("button", { name: "Resend to ONTRAPORT" }).click();
    await expect(dialog).toBeHidden();
    await expect.poll(() => homeCount(page, "home-failed"), { timeout: 30_000 }).toBe(failedBefore + 1);

    const card = page.getByRole("region", { name: "ONTRAPORT deliveries" });
    await expect(card.getByText("Failed, last 7 days")).toBeVisible();
    await expect(card.getByText("Waiting now")).toBeVisible();
    const waiting = Number(await card.getByTestId("home-waiting").textContent());
    expect(waiting).toBeGreaterThanOrEqual(0);
    // The side menu says the same.
    const side = page.getByRole("complementary").getByRole("group", { name: "ONTRAPORT deliveries" });
    await expect(side.getByRole("link", { name: /^Failed, last 7 days/ })).toContainText(String(failedBefore + 1));
    await expect(side.getByRole("link", { name: /^Waiting/ })).toContainText(String(waiting));
    await screenshot(page, "home");

    await card.getByRole("link", { name: "Show failed" }).click();
    await expect(page).toHaveURL(/\/ontraport\/log\?status=failed$/);
    await expect(page.getByLabel("Status", { exact: true })).toHaveValue("failed");
    const log = page.getByRole("table", { name: "Transmission Log" });
    await expect(log.getByRole("row").filter({ hasText: id }).first()).toContainText("Failed");

    // The side menu's link goes to the same view.
    await page.goto("/");
    await side.getByRole("link", { name: /^Waiting/ }).click();
    await expect(page).toHaveURL(/\/ontraport\/log\?status=(waiting|paused)$/);
  });
});

test.describe("Users", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("a role change asks for confirmation; Cancel keeps the role and focus returns to the select", async ({ page }) => {
    await page.goto("/users");
    const form = page.locator("#add-user");
    const email = `robin.${Date.now()}@demo.test`;
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Name").fill("Robin");
    await form.getByLabel("Initial password").fill("a-good-long-password");
    await form.getByRole("button", { name: "Add user" }).click();
    await expect(form.getByRole("status")).toContainText(`${email} can now sign in`);

    const role = page.getByLabel(`Role of ${email}`);
    await expect(role).toHaveValue("support");
    await role.selectOption("admin");
    const dialog = page.getByRole("dialog", { name: "Change role?" });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(`${email} becomes an admin`);
    await dialog.getByRole("button", { name: "Keep Support" }).click();
    await expect(dialog).toBeHidden();
    await expect(role).toHaveValue("support");
    await expect(role).toBeFocused();
    await page.reload();
    await expect(page.getByLabel(`Role of ${email}`)).toHaveValue("support");

    await page.getByLabel(`Role of ${email}`).selectOption("admin");
    await page.getByRole("dialog", { name: "Change role?" }).getByRole("button", { name: "Make Admin" }).click();
    await expect(page.getByText(`${email} is now an admin.`)).toBeVisible();
    await expect(page.getByRole("dialog", { name: "Change role?" })).toBeHidden();
    await expect(page.getByLabel(`Role of ${email}`)).toBeFocused();
    await page.reload();
    await expect(page.getByLabel(`Role of ${email}`)).toHaveValue("admin");
  });
});

test.describe("StoreFront", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("Add to cart says Adding… then Added at the button and announces the cart's count", async ({ page }) => {
    await page.goto("/store/DEMO/DEFAULT");
    const button = page.getByRole("button", { name: "Add MUG-CLASSIC to cart" });
    // The visible words; the item's id is in the name for screen readers only.
    await expect(button).toHaveText(/^Add .+ to cart$/);
    // Slow the action down a little so "Adding…" can be seen.
    await page.route("**/store/DEMO/DEFAULT", async (route) => {
      if (route.request().method() === "POST") await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    });
    await button.click();
    await expect(button).toHaveText(/^Adding…/);
    await expect(button).toHaveAttribute("aria-disabled", "true");
    await expect(button).toHaveText(/^Added/);
    await expect(page.getByRole("status").filter({ hasText: /Added .* to your cart\. Your cart has 1 item\./ })).toHaveCount(1);
    await expect(page.getByRole("link", { name: /^Cart \(1 item\)/ })).toBeVisible();
    await button.click();
    await expect(page.getByRole("status").filter({ hasText: "Your cart has 2 items." })).toHaveCount(1);
    await expect(page.getByRole("link", { name: /^Cart \(2 items\)/ })).toBeVisible();
    // "Added" fades after a few seconds: the button offers to add again.
    await expect(button).toHaveText(/^Add .+ to cart$/, { timeout: 8_000 });
  });
});

test.describe("ONTRAPORT key field", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("a Test connection result clears when the key field changes", async ({ page }) => {
    await page.goto("/configuration/external-integrations/ontraport");
    const form = page.locator("#integration-method");
    await form.getByRole("button", { name: "Test connection" }).click();
    const result = form.getByTestId("test-result");
    await expect(result).toBeVisible({ timeout: 20_000 });
    // Typing a new key: the result spoke of the saved key, so it goes. Nothing is saved.
    await form.getByLabel("ONTRAPORT API Key").fill("a-new-key");
    await expect(result).toBeHidden();
  });
});

test.describe("Side menu", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("its background spans the whole height of a long page, and the menu stays in view", async ({ page }) => {
    // The ONTRAPORT page's Product Mapping tab: its table of all the demo's items is over two screens tall.
    await page.goto("/configuration/external-integrations/ontraport/mapping");
    const aside = page.getByRole("complementary");
    const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(pageHeight).toBeGreaterThan(2 * page.viewportSize()!.height);
    const box = (await aside.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(pageHeight - 60);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect(aside.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" })).toBeInViewport();
  });
});
