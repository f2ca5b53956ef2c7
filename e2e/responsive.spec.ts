import { expect, test } from "@playwright/test";
import { expectNoPageOverflow, expectNoSeriousViolations } from "./a11y-checks";
import { screenshot, storageStateFor } from "./support";

/**
 * Issue 17, point 2, on a 390 px phone: the side navigation collapses behind a named Menu button that
 * Escape closes; the orders' stage tabs scroll inside their own strip; tables scroll inside a named,
 * focusable region; the StoreFront's order summary is at the top (collapsible) and the checkout total
 * shows before "Place order". (No sideways page scroll on every page: e2e/a11y.spec.ts.)
 */
test.use({ viewport: { width: 390, height: 844 } });

test.describe("dashboard on a phone", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("the side navigation hides behind a Menu button that Escape closes", async ({ page }) => {
    await page.goto("/orders");
    const menu = page.getByRole("button", { name: "Menu" });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Items" })).toBeVisible();
    await expectNoSeriousViolations(page, "Order Management with the phone menu open");
    await expectNoPageOverflow(page, "Order Management with the phone menu open");
    await nav.getByRole("link", { name: "Items" }).focus();
    await page.keyboard.press("Escape");
    await expect(nav).toBeHidden();
    await expect(menu).toBeFocused();
    // Following a link closes it too.
    await menu.click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Items" }).click();
    await expect(page).toHaveURL(/\/items$/);
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  });

  test("Order Management: stage tabs on one scrolling line, the table scrolls in its own region", async ({ page }) => {
    await page.goto("/orders");
    const tabs = page.getByRole("navigation", { name: "Stages" });
    const all = tabs.getByRole("link", { name: /^All / });
    const rejected = tabs.getByRole("link", { name: /^Rejected / });
    // One line: the first and last tab share a row.
    expect(Math.abs((await all.boundingBox())!.y - (await rejected.boundingBox())!.y)).toBeLessThan(2);
    expect(await tabs.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);

    const region = page.getByRole("region", { name: "Orders" });
    await expect(region).toHaveAttribute("tabindex", "0");
    expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    // The key column (Order ID) stays in view while the table scrolls.
    await region.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    const firstId = region.getByRole("link").first();
    const box = (await firstId.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await screenshot(page, "phone-orders");

    await firstId.click();
    await expect(page.getByRole("heading", { level: 1, name: /^Review Order / })).toBeVisible();
    await screenshot(page, "phone-review-order");
  });
});

test.describe("StoreFront on a phone", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("the cart and the order summary are at the top, collapsible, and the total shows before Place order", async ({ page }) => {
    await page.goto("/store/DEMO/DEFAULT");
    const cartLink = page.getByRole("link", { name: /^Cart \(/ });
    const before = await cartLink.textContent();
    await page.getByRole("button", { name: "Add SHIRT-RED to cart" }).click();
    await expect(cartLink).not.toHaveText(before ?? "");

    // The cart comes before the catalog, collapsed on a phone, with Checkout in reach.
    const cart = page.getByRole("complementary", { name: /Your cart/ });
    const shop = page.getByRole("heading", { level: 1, name: "Shop" });
    expect((await cart.boundingBox())!.y).toBeLessThan((await shop.boundingBox())!.y);
    const showCart = cart.getByRole("button", { name: /your cart/ });
    await expect(showCart).toHaveAttribute("aria-expanded", "false");
    await expect(page.getByRole("list", { name: "Cart" })).toBeHidden();
    await showCart.click();
    await expect(page.getByRole("list", { name: "Cart" })).toContainText("SHIRT-RED");

    await cart.getByRole("link", { name: "Checkout" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Checkout" })).toBeVisible();
    const summary = page.getByRole("complementary", { name: "Order summary" });
    const total = summary.getByRole("definition").last();
    await expect(total).toBeVisible();
    const placeOrder = page.getByRole("button", { name: "Place order" });
    expect((await total.boundingBox())!.y).toBeLessThan((await placeOrder.boundingBox())!.y);
    await screenshot(page, "phone-checkout");

    const hide = summary.getByRole("button", { name: /order summary/ });
    await expect(hide).toHaveAttribute("aria-expanded", "true");
    await hide.click();
    await expect(total).toBeHidden();
    await hide.click();
    await expect(total).toBeVisible();
  });
});
