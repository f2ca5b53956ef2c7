import { expect, test, type Page } from "@playwright/test";
import { expectColorScheme, expectNoPageOverflow, expectNoSeriousViolations, type KnownIssue } from "./a11y-checks";
import { DASHBOARD_PATHS, ensureApiIntegration, expectReviewOrder, openFirstOrderIn, storageStateFor } from "./support";

/**
 * Issue 17, point 6: an accessibility check (axe-core) on every dashboard page, the Transmission Log
 * and its View dialog, Review Order, the item editor and the StoreFront (store, cart, checkout), at
 * 1280 px and at a 390 px phone; it fails on any serious or critical violation. The same pages must
 * not scroll sideways (point 2): `document.documentElement.scrollWidth <= window.innerWidth`.
 * Everything runs twice: with the system in light mode and in dark mode (the dashboard follows it, so
 * its dark palette must pass the same contrast checks; the StoreFront stays light).
 */

const LOG = "/configuration/external-integrations/ontraport/log";
const STORE = "/store/DEMO/DEFAULT";
const WIDTHS = [
  { name: "desktop", width: 1280, height: 860 },
  { name: "phone", width: 390, height: 844 },
] as const;
const SCHEMES = ["light", "dark"] as const;

/** Violations allowed in the View dialog: none (the list stays for a documented exception, should one ever be needed). */
const VIEW_DIALOG_KNOWN: KnownIssue[] = [];

async function checkPage(page: Page, where: string, scheme: "light" | "dark" = "light"): Promise<void> {
  await expectColorScheme(page, scheme, where);
  await expectNoPageOverflow(page, where);
  await expectNoSeriousViolations(page, where);
}

for (const colorScheme of SCHEMES) {
  for (const size of WIDTHS) {
    // Light mode keeps the test names it always had; dark mode says so.
    const sizeName = colorScheme === "light" ? size.name : `${size.name}, dark`;
    const at = colorScheme === "light" ? `${size.width} px` : `${size.width} px in dark mode`;
    test.describe(`accessibility and layout at ${at}`, () => {
      test.use({ viewport: { width: size.width, height: size.height }, colorScheme });

      test.describe("dashboard", () => {
        test.use({ storageState: storageStateFor("admin") });

        for (const path of DASHBOARD_PATHS) {
          test(`${path} (${sizeName})`, async ({ page }) => {
            await page.goto(path);
            await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
            await checkPage(page, `${path} at ${at}`, colorScheme);
          });
        }

        test(`Transmission Log and its View dialog (${sizeName})`, async ({ page, request }) => {
          await page.goto(LOG);
          await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
          const view = page.getByRole("button", { name: /^View / }).first();
          // The log loads after the page: wait for its rows or its empty state.
          await expect(view.or(page.getByText("No transmissions yet."))).toBeVisible();
          if ((await view.count()) === 0) {
            // An empty log (this spec ran first): one resend of a completed order gives it a row to View.
            const restore = await ensureApiIntegration(page, request);
            try {
              await openFirstOrderIn(page, "Completed Orders");
              await page.getByRole("button", { name: "Tools" }).click();
              await page.getByRole("menuitem", { name: "Resend OntraPort Notification" }).click();
              const dialog = page.getByRole("dialog", { name: "Resend OntraPort Notification" });
              await dialog.getByRole("button", { name: "Resend to ONTRAPORT" }).click();
              await expect(dialog).toBeHidden();
            } finally {
              await restore();
            }
            await page.goto(LOG);
          }
          await expect(view).toBeVisible();
          await checkPage(page, `the Transmission Log at ${at}`, colorScheme);
          await view.click();
          await expect(page.getByRole("dialog")).toBeVisible();
          await expectNoSeriousViolations(page, `the Transmission Log's View dialog at ${at}`, "[role=dialog]", VIEW_DIALOG_KNOWN);
        });

        test(`Review Order (${sizeName})`, async ({ page }) => {
          await page.goto("/orders");
          const link = page.getByRole("table").getByRole("link").first();
          const id = (await link.textContent())!.trim();
          await page.goto(`/orders/${id}`);
          await expectReviewOrder(page, id);
          await checkPage(page, `Review Order ${id} at ${at}`, colorScheme);
        });

        test(`item editor (${sizeName})`, async ({ page }) => {
          await page.goto("/items");
          await page.getByRole("table").getByRole("link").first().click();
          await expect(page).toHaveURL(/\/items\/[^/]+$/);
          await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
          await checkPage(page, `the item editor at ${at}`, colorScheme);
        });
      });

      test.describe("dashboard as support", () => {
        // Support sees fewer controls (no Users page, refunds only if allowed): the same checks.
        test.use({ storageState: storageStateFor("support") });

        for (const path of [...DASHBOARD_PATHS.filter((p) => p !== "/users"), LOG]) {
          test(`${path} as support (${sizeName})`, async ({ page }) => {
            await page.goto(path);
            await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
            await checkPage(page, `${path} as support at ${at}`, colorScheme);
          });
        }
      });

      test.describe("StoreFront", () => {
        // Shoppers have no dashboard login.
        test.use({ storageState: { cookies: [], origins: [] } });

        test(`store, cart and checkout (${sizeName})`, async ({ page }) => {
          await page.goto(STORE);
          await expect(page.getByRole("heading", { level: 1, name: "Shop" })).toBeVisible();
          await checkPage(page, `the store (empty cart) at ${at}`);
          const cartLink = page.getByRole("link", { name: /^Cart \(/ });
          const before = await cartLink.textContent();
          await page.getByRole("button", { name: "Add MUG-CLASSIC to cart" }).click();
          await expect(cartLink).not.toHaveText(before ?? "");
          await checkPage(page, `the store with a cart at ${at}`);
          await page.getByRole("link", { name: "Checkout" }).first().click();
          await expect(page.getByRole("heading", { level: 1, name: "Checkout" })).toBeVisible();
          await checkPage(page, `the checkout at ${at}`);
        });
      });
    });
  }
}
