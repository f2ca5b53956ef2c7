import { expect, test } from "@playwright/test";
import { openFirstOrderIn, screenshot, storageStateFor } from "./support";

test.describe("Order Management as admin", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("lists orders by stage with counts, searches and pages with Newer/Older", async ({ page }) => {
    await page.goto("/orders");
    await expect(page.getByRole("heading", { level: 1, name: "Order Management" })).toBeVisible();
    const tabs = page.getByRole("navigation", { name: "Stages" });
    for (const t of ["All", "Pre-ordered", "Quote Request", "Accounts Receivable", "Pending Clearance", "Fraud Review", "Shipping Department", "Completed Order"]) {
      await expect(tabs.getByRole("link", { name: new RegExp(`^${t} \\d`) })).toBeVisible();
    }
    await expect(page.getByRole("table").getByRole("row")).toHaveCount(26);
    const allBefore = (await tabs.getByRole("link", { name: /^All \d/ }).textContent())!.replace(/\s+/g, " ").trim();
    await screenshot(page, "orders");

    await page.getByRole("link", { name: "Older" }).click();
    await expect(page).toHaveURL(/after=/);
    await expect(page.getByRole("link", { name: "Newer" })).toBeVisible();
    await page.getByRole("link", { name: "Newer" }).click();
    await expect(page).toHaveURL(/before=/);

    const firstId = (await page.getByRole("table").getByRole("link").first().textContent())!.trim();
    await page.getByLabel("Search orders").fill(firstId.toLowerCase());
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/q=/);
    await expect(page.getByRole("table").getByRole("link")).toHaveCount(1);
    // The tab counts follow the search: one order in All and in its own stage's tab, none in the others.
    await expect(tabs.getByRole("link", { name: /^All \d/ })).toHaveAccessibleName("All 1");
    await expect(tabs.getByRole("link", { name: /^\D+ 0$/ })).toHaveCount(9);
    const stageTab = tabs.getByRole("link", { name: /^(?!All )\D+ 1$/ });
    await expect(stageTab).toHaveCount(1);
    await stageTab.click();
    await expect(page).toHaveURL(/stage=.*q=|q=.*stage=/);
    await expect(page.getByRole("table").getByRole("link")).toHaveText([firstId]);
    await page.getByLabel("Search orders").fill("nobody-at-all@nowhere.test");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByText("No orders match")).toBeVisible();
    await expect(tabs.getByRole("link", { name: /^All \d/ })).toHaveAccessibleName("All 0");
    await expect(tabs.getByRole("link", { name: /^\D+ 0$/ })).toHaveCount(11);
    await page.getByRole("link", { name: "Clear search" }).click();
    await expect(tabs.getByRole("link", { name: /^All \d/ })).toHaveAccessibleName(allBefore);
  });

  test("staff move an order through Fraud Review to Completed Order and refund part of it", async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const id = await openFirstOrderIn(page, "Fraud Review");
    const history = page.getByRole("list", { name: "Stage history" });

    // Shipping is refused with the reason while the order is in Fraud Review.
    await page.getByRole("button", { name: "Shipping" }).click();
    await expect(page.getByRole("menuitem", { name: /Ship.*Only orders in Shipping Department can be shipped/ })).toHaveAttribute("aria-disabled", "true");
    await page.keyboard.press("Escape");

    // Cancel closes the confirmation without moving the order.
    await page.getByRole("button", { name: "Approve fraud review" }).click();
    const approve = page.getByRole("dialog", { name: "Approve fraud review?" });
    await approve.getByRole("button", { name: "Cancel" }).click();
    await expect(approve).toBeHidden();
    await expect(history).not.toContainText("Shipping Department");
    await page.getByRole("button", { name: "Approve fraud review" }).click();
    await approve.getByLabel("Note (optional)").fill("Address verified by phone");
    await approve.getByRole("button", { name: "Approve fraud review" }).click();
    await expect(approve).toBeHidden();
    await expect(history).toContainText("Shipping Department");
    await expect(history).toContainText("Address verified by phone");

    await page.getByRole("button", { name: "Shipping" }).click();
    await page.getByRole("menuitem", { name: "Ship", exact: true }).click();
    const ship = page.getByRole("dialog", { name: "Ship?" });
    await ship.getByRole("button", { name: "Ship" }).click();
    await expect(ship).toBeHidden();
    await expect(history.getByRole("listitem").last()).toContainText("Completed Order");
    await expect(history.getByRole("listitem").last()).toContainText("admin@demo.test");

    // Partial refund: one unit of the first line plus 1.00 of shipping.
    const totalBefore = await page.getByLabel("Total refunded", { exact: true }).textContent();
    await page.getByRole("button", { name: "Payments" }).click();
    await screenshot(page, "review-order-menu");
    await page.getByRole("menuitem", { name: "Partial refund" }).click();
    const dialog = page.getByRole("dialog", { name: "Partial refund" });
    await dialog.getByLabel("Shipping and handling").fill("99999");
    await dialog.getByRole("button", { name: "Review refund" }).click();
    await expect(dialog.getByText(/of shipping and handling can be refunded/).first()).toBeVisible();
    await dialog.getByLabel(/^Units of .* to refund$/).first().fill("1");
    await dialog.getByLabel("Shipping and handling").fill("1.00");
    await dialog.getByRole("button", { name: "Review refund" }).click();
    await expect(dialog.getByRole("status")).toContainText("This will refund $");
    await expect(dialog.getByRole("status")).toContainText("shipping and handling $1.00");
    await screenshot(page, "review-order-refund-dialog");
    await dialog.getByRole("button", { name: /^Refund \$/ }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(/Refund R-\d+ of \$[\d.,]+ recorded/)).toBeVisible();
    await expect(page.getByLabel("Total refunded", { exact: true })).not.toHaveText(totalBefore ?? "");
    await expect(page.getByLabel("Shipping and handling refunded", { exact: true })).toHaveText("$1.00");
    await expect(page.getByRole("table", { name: "Refunds of this order" }).getByRole("row")).toHaveCount(2);
    await expect(page.getByText("Processed").first()).toBeVisible();
    await screenshot(page, "review-order");

    await page.goto(`/orders?stage=${encodeURIComponent("Completed Order")}&q=${id}`);
    await expect(page.getByRole("table").getByRole("link", { name: id })).toBeVisible();
    expect(errors).toEqual([]);
  });

  test("edits the customer with validation, keeping what was typed", async ({ page }) => {
    await openFirstOrderIn(page, "Shipping Department");
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByRole("menuitem", { name: "Customer details" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit customer details" });
    await dialog.getByLabel("Email").fill("not-an-email");
    await dialog.getByLabel("City").fill("Springfield West");
    await dialog.getByRole("button", { name: "Save customer" }).click();
    await expect(dialog.getByRole("region", { name: "There is a problem" }).getByRole("link", { name: "Enter a valid email address." })).toBeVisible();
    await expect(dialog.getByLabel("City")).toHaveValue("Springfield West");
    await dialog.getByLabel("Email").fill("edited.customer@example.com");
    await dialog.getByRole("button", { name: "Save customer" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.locator("#customer")).toContainText("edited.customer@example.com");
    await expect(page.locator("#customer")).toContainText("Springfield West");
  });

  test("the Tools menu offers the shopper's receipt", async ({ page }) => {
    await openFirstOrderIn(page, "Completed Order");
    await page.getByRole("button", { name: "Tools" }).click();
    await expect(page.getByRole("menuitem", { name: /View receipt as shopper/ })).toBeVisible();
    await expect(page.getByRole("menuitem", { name: "Print this order" })).toBeVisible();
  });
});

test.describe("Review Order as support", () => {
  test.use({ storageState: storageStateFor("support") });

  test("support may move stages but not refund unless the merchant allows it", async ({ page }) => {
    await openFirstOrderIn(page, "Completed Order");
    await page.getByRole("button", { name: "Payments" }).click();
    await expect(page.getByRole("menuitem", { name: /Complete refund/ })).toHaveAttribute("aria-disabled", "true");
    await expect(page.getByRole("menuitem", { name: /Partial refund.*Only admins may refund/ })).toBeVisible();
  });
});

test.describe("tenancy", () => {
  test.use({ storageState: storageStateFor("acme") });

  test("another merchant's order answers not found", async ({ page }) => {
    const res = await page.goto("/orders/DEMO-0000001");
    expect(res?.status()).toBe(404);
    await page.goto("/orders?q=DEMO-0000001");
    await expect(page.getByText("No orders match")).toBeVisible();
  });
});
