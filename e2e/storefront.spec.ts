import { expect, test, type Page } from "@playwright/test";
import { screenshot, storageStateFor } from "./support";

// Shoppers have no dashboard login.
test.use({ storageState: { cookies: [], origins: [] } });

const STORE = "/store/DEMO/DEFAULT";

async function add(page: Page, itemId: string, times = 1) {
  for (let i = 0; i < times; i++) {
    const before = await page.getByRole("link", { name: /^Cart \(/ }).textContent();
    await page.getByRole("button", { name: `Add ${itemId} to cart` }).click();
    await expect(page.getByRole("link", { name: /^Cart \(/ })).not.toHaveText(before ?? "");
  }
}

async function fillBilling(page: Page, email = "ada@example.com") {
  await page.getByLabel("First name").fill("Ada");
  await page.getByLabel("Last name").fill("Lovelace");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Address").fill("1 Main St");
  await page.getByLabel("City").fill("Austin");
  await page.getByLabel("State").fill("TX");
  await page.getByLabel("Postal code").fill("73301");
}

async function buy(page: Page, items: string[], pay: { choice?: string; card?: string } = {}) {
  await page.goto(STORE);
  for (const it of items) await add(page, it);
  await page.getByRole("link", { name: "Checkout" }).first().click();
  await fillBilling(page);
  if (pay.choice) await page.getByRole("radio", { name: new RegExp(pay.choice) }).check();
  if (pay.card) await page.getByLabel("Card number").fill(pay.card);
  await page.getByRole("button", { name: pay.choice === "Request a quote" ? "Request a quote" : "Place order" }).click();
}

test("a shopper buys two items with the approved card and lands on the receipt", async ({ page }) => {
  await page.goto(STORE);
  await expect(page.getByRole("heading", { name: "Shop" })).toBeVisible();
  await add(page, "SHIRT-RED", 2);
  await add(page, "MUG-CLASSIC");
  const cart = page.getByRole("list", { name: "Cart" });
  await expect(cart).toContainText("SHIRT-RED");
  await expect(page.getByText("$61.59")).toBeVisible();
  await screenshot(page, "storefront");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "storefront-phone");
  await page.setViewportSize({ width: 1280, height: 860 });

  await page.getByRole("link", { name: "Checkout" }).first().click();
  // Bad input: errors beside the fields, typed values kept.
  await page.getByLabel("First name").fill("Ada");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Card number").fill("4111 1111 1111 1111");
  await page.getByRole("button", { name: "Place order" }).click();
  const problems = page.getByRole("region", { name: "There is a problem" });
  await expect(problems.getByRole("link", { name: "Enter a valid email address, like ada@example.com." })).toBeVisible();
  await expect(problems.getByRole("link", { name: "Enter your last name." })).toBeVisible();
  await expect(page.getByLabel("First name")).toHaveValue("Ada");
  await screenshot(page, "checkout-errors");

  await fillBilling(page);
  await page.getByLabel("Card number").fill("4111 1111 1111 1111");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/store\/DEMO\/DEFAULT\/receipt\/[A-Za-z0-9_-]{32}$/);
  await expect(page.getByTestId("order-id")).toHaveText(/^DEMO-\d{7}$/);
  await expect(page.getByTestId("order-status")).toHaveText("Paid: we are preparing your order for shipping");
  await expect(page.getByRole("definition").first()).toBeVisible();
  await expect(page.locator("dl").first().getByRole("term")).toHaveText(["Subtotal", "Discount", "Tax (8%)", "Shipping and handling", "Total"]);
  await expect(page.getByText("$52.40")).toBeVisible();
  await expect(page.getByText("$4.19")).toBeVisible();
  await expect(page.getByText("$61.59")).toBeVisible();
  await expect(page.getByText("Credit Card ending in 1111")).toBeVisible();
  await screenshot(page, "receipt");
  // The receipt is reachable again, without a session, by its address; the cart is empty now.
  await page.reload();
  await expect(page.getByTestId("order-status")).toBeVisible();
  await expect(page.getByRole("link", { name: "Cart (0 items)" })).toBeVisible();
});

test("a declined card shows a message beside the card field, keeps the cart and creates no order", async ({ page }) => {
  await buy(page, ["CAP-BLACK"], { card: "4000 0000 0000 0002" });
  const card = page.getByLabel("Card number");
  await expect(page.getByRole("region", { name: "There is a problem" }).getByRole("link", { name: /Your card was declined/ })).toBeVisible();
  await expect(card).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/checkout$/);
  await expect(page.getByRole("link", { name: "Cart (1 item)" })).toBeVisible();
  await expect(page.getByLabel("Last name")).toHaveValue("Lovelace");
  await screenshot(page, "checkout-declined");
});

const outcomes: Array<[string, string[], { choice?: string; card?: string }, string]> = [
  ["fraud review card", ["CAP-BLACK"], { card: "4000 0000 0000 0259" }, "Payment under review: we will email you when it is approved"],
  ["eCheck", ["CAP-BLACK"], { choice: "eCheck" }, "Waiting for your eCheck to clear"],
  ["purchase order", ["CAP-BLACK"], { choice: "Purchase order" }, "Waiting for payment of your purchase order"],
  ["pre-order item", ["LAMP-2027", "CAP-BLACK"], { card: "4111111111111111" }, "Pre-ordered: you will be charged when it ships"],
  ["quote request", ["POSTER-A2"], { choice: "Request a quote" }, "Quote requested: we will send you a quote"],
  ["subscription", ["CLUB-MONTHLY"], { card: "4111111111111111" }, "Paid: we are preparing your order for shipping"],
];
for (const [name, items, pay, status] of outcomes) {
  test(`${name} lands on a receipt in the right stage`, async ({ page }) => {
    await buy(page, items, pay);
    await expect(page.getByTestId("order-status")).toHaveText(status);
  });
}

test("affiliate links set a 30-day HttpOnly cookie and credit the order; a double click places one order", async ({ page, browser }) => {
  const admin = await browser.newContext({ storageState: storageStateFor("admin") });
  const staff = await admin.newPage();
  await staff.goto("/affiliates");
  const name = `Double Click ${Date.now()}`;
  await staff.getByLabel("Name").fill(name);
  await staff.getByLabel("Email").fill("dc@partners.test");
  await staff.getByLabel(/^Approved/).check();
  await staff.getByRole("button", { name: "Add affiliate" }).click();
  const row = staff.getByRole("row").filter({ hasText: name });
  await expect(row).toBeVisible();
  const affId = (await row.getByRole("cell").first().textContent())!.trim();

  await page.goto(`${STORE}?orid=${affId}&sid=spring`);
  // Back on the same host the link was followed on (the cookie belongs to that host).
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/store\/DEMO\/DEFAULT$/);
  const cookie = (await page.context().cookies()).find((c) => c.name === "cl_aff_DEMO");
  expect(cookie?.value).toBe(`${affId}~spring`);
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(29 * 24 * 3600 * 1000);

  await add(page, "STICKERS");
  await page.getByRole("link", { name: "Checkout" }).first().click();
  await fillBilling(page);
  await page.getByLabel("Card number").fill("4111111111111111");
  await page.getByRole("button", { name: "Place order" }).dblclick();
  await expect(page.getByTestId("order-id")).toBeVisible();

  await staff.reload();
  await expect(staff.getByTestId(`orders-of-${affId}`)).toHaveText("1");
  await admin.close();
});

test("resubmitting a checkout form returns the first order instead of placing a second", async ({ page }) => {
  await page.goto(STORE);
  await add(page, "STICKERS");
  await page.getByRole("link", { name: "Checkout" }).first().click();
  const key = await page.locator('input[name="checkoutKey"]').inputValue();
  await fillBilling(page);
  await page.getByLabel("Card number").fill("4111111111111111");
  await page.getByRole("button", { name: "Place order" }).click();
  const first = await page.getByTestId("order-id").textContent();

  await page.goto(STORE);
  await add(page, "STICKERS");
  await page.getByRole("link", { name: "Checkout" }).first().click();
  await page.locator('input[name="checkoutKey"]').evaluate((el, k) => ((el as HTMLInputElement).value = k), key);
  await fillBilling(page);
  await page.getByLabel("Card number").fill("4111111111111111");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByTestId("order-id")).toHaveText(first!);
});

test("unknown merchant, theme or receipt token answers 404", async ({ page }) => {
  for (const path of ["/store/NOPE/DEFAULT", "/store/DEMO/NOPE", "/store/DEMO/DEFAULT/receipt/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/store/ACME/HOLIDAY"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
  }
});
