import { expect, test, type Page } from "@playwright/test";
import { expectColorScheme, expectNoPageOverflow, expectNoSeriousViolations, type KnownIssue } from "./a11y-checks";
import { DASHBOARD_PATHS, ensureApiIntegration, expectReviewOrder, openFirstOrderIn, storageStateFor } from "./support";

/**
 * Issue 17, point 6: an accessibility check (axe-core) on every dashboard page, the Transmission Log
 * and its View dialog, Review Order, the item editor and the StoreFront (store, cart, checkout), at
 * 1280 px and at a 390 px phone; it fails on any serious or critical violation. The same pages must
 * not scroll sideways (point 2): `document.documentElement.scrollWidth <= window.innerWidth`.
 * Every page is checked twice on the same visit: with the system in light mode, then in dark mode (the
 * dashboard follows it through CSS alone, so its dark palette must pass the same contrast checks; the
 * StoreFront stays light). One visit for both saves a page load per check.
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

/**
 * The checks with the system in light mode, then in dark mode, on the page as it is (the dashboard's
 * palette follows `prefers-color-scheme`; the StoreFront, `dashboard: false`, stays light in both).
 * Leaves the page in light mode.
 */
async function checkBothSchemes(page: Page, where: string, opts: { dashboard?: boolean } = {}): Promise<void> {
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    const at = colorScheme === "light" ? where : `${where} in dark mode`;
    await checkPage(page, at, opts.dashboard === false ? "light" : colorScheme);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

for (const size of WIDTHS) {
  const sizeName = size.name;
  const at = `${size.width} px`;
  test.describe(`accessibility and layout at ${at}, light and dark`, () => {
    test.use({ viewport: { width: size.width, height: size.height }, colorScheme: "light" });

    test.describe("dashboard", () => {
      test.use({ storageState: storageStateFor("admin") });

      for (const path of DASHBOARD_PATHS) {
        test(`${path} (${sizeName})`, async ({ page }) => {
          await page.goto(path);
          await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
          await checkBothSchemes(page, `${path} at ${at}`);
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
        await checkBothSchemes(page, `the Transmission Log at ${at}`);
        await view.click();
        await expect(page.getByRole("dialog")).toBeVisible();
        for (const colorScheme of SCHEMES) {
          await page.emulateMedia({ colorScheme });
          await expectNoSeriousViolations(page, `the Transmission Log's View dialog at ${at}${colorScheme === "dark" ? " in dark mode" : ""}`, "[role=dialog]", VIEW_DIALOG_KNOWN);
        }
      });

      test(`Review Order (${sizeName})`, async ({ page }) => {
        await page.goto("/orders");
        const link = page.getByRole("table").getByRole("link").first();
        const id = (await link.textContent())!.trim();
        await page.goto(`/orders/${id}`);
        await expectReviewOrder(page, id);
        await checkBothSchemes(page, `Review Order ${id} at ${at}`);
      });

      test(`item editor (${sizeName})`, async ({ page }) => {
        await page.goto("/items");
        await page.getByRole("table").getByRole("link").first().click();
        await expect(page).toHaveURL(/\/items\/[^/]+$/);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await checkBothSchemes(page, `the item editor at ${at}`);
      });
    });

    test.describe("dashboard as support", () => {
      // Support sees fewer controls (no Users page, refunds only if allowed): the same checks.
      test.use({ storageState: storageStateFor("support") });

      for (const path of [...DASHBOARD_PATHS.filter((p) => p !== "/users"), LOG]) {
        test(`${path} as support (${sizeName})`, async ({ page }) => {
          await page.goto(path);
          await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
          await checkBothSchemes(page, `${path} as support at ${at}`);
        });
      }
    });

    test.describe("StoreFront", () => {
      // Shoppers have no dashboard login.
      test.use({ storageState: { cookies: [], origins: [] } });

      test(`store, cart and checkout (${sizeName})`, async ({ page }) => {
        await page.goto(STORE);
        await expect(page.getByRole("heading", { level: 1, name: "Shop" })).toBeVisible();
        await checkBothSchemes(page, `the store (empty cart) at ${at}`, { dashboard: false });
        const cartLink = page.getByRole("link", { name: /^Cart \(/ });
        const before = await cartLink.textContent();
        await page.getByRole("button", { name: "Add MUG-CLASSIC to cart" }).click();
        await expect(cartLink).not.toHaveText(before ?? "");
        await checkBothSchemes(page, `the store with a cart at ${at}`, { dashboard: false });
        await page.getByRole("link", { name: "Checkout" }).first().click();
        await expect(page.getByRole("heading", { level: 1, name: "Checkout" })).toBeVisible();
        await checkBothSchemes(page, `the checkout at ${at}`, { dashboard: false });
      });
    });
  });
}
