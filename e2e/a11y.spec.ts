import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { DASHBOARD_PATHS, expectReviewOrder, storageStateFor } from "./support";

/**
 * Issue 17, point 6: an accessibility check (axe-core) on every dashboard page, the Transmission Log
 * and its View dialog, Review Order, the item editor and the StoreFront (store, cart, checkout), at
 * 1280 px and at a 390 px phone; it fails on any serious or critical violation. The same pages must
 * not scroll sideways (point 2): `document.documentElement.scrollWidth <= window.innerWidth`.
 */

const LOG = "/configuration/external-integrations/ontraport/log";
const STORE = "/store/DEMO/DEFAULT";
const WIDTHS = [
  { name: "desktop", width: 1280, height: 860 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** Axe on the page as it is now; fails listing each serious or critical violation's id, help and targets. */
async function expectNoSeriousViolations(page: Page, where: string, include?: string): Promise<void> {
  let builder = new AxeBuilder({ page });
  if (include) builder = builder.include(include);
  const results = await builder.analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = bad
    .map((v) => `- [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.map((t) => JSON.stringify(t)).join(" > ")}`).join("\n")}`)
    .join("\n");
  expect(bad, `serious or critical accessibility violations on ${where}:\n${report}`).toEqual([]);
}

/** No sideways scroll of the whole page. */
async function expectNoPageOverflow(page: Page, where: string): Promise<void> {
  const { scrollWidth, innerWidth, widest } = await page.evaluate(() => {
    const vw = window.innerWidth;
    // Names the element that sticks out the furthest, to make a failure easy to track down.
    let widest = "";
    let right = vw;
    const clipped = (el: HTMLElement): boolean => {
      // An absolutely positioned element escapes a scroll box that is not positioned: count it.
      if (getComputedStyle(el).position === "absolute") return false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") return true;
      return false;
    };
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      const r = el.getBoundingClientRect();
      if (r.right <= right + 0.5 || clipped(el)) continue;
      if (r.right > right + 0.5) {
        right = r.right;
        widest = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${String(el.className).split(" ").slice(0, 4).join(".")} in ${el.parentElement?.tagName.toLowerCase()} (right edge ${Math.round(r.right)} px)`;
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, widest };
  });
  expect(scrollWidth, `${where} scrolls sideways: page ${scrollWidth} px wide in a ${innerWidth} px viewport; widest: ${widest}`).toBeLessThanOrEqual(innerWidth);
}

async function checkPage(page: Page, where: string): Promise<void> {
  await expectNoPageOverflow(page, where);
  await expectNoSeriousViolations(page, where);
}

for (const size of WIDTHS) {
  test.describe(`accessibility and layout at ${size.width} px`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });

    test.describe("dashboard", () => {
      test.use({ storageState: storageStateFor("admin") });

      for (const path of DASHBOARD_PATHS) {
        test(`${path} (${size.name})`, async ({ page }) => {
          await page.goto(path);
          await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
          await checkPage(page, `${path} at ${size.width} px`);
        });
      }

      test(`Transmission Log and its View dialog (${size.name})`, async ({ page }) => {
        await page.goto(LOG);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await checkPage(page, `the Transmission Log at ${size.width} px`);
        const view = page.getByRole("button", { name: /^View / }).first();
        if ((await view.count()) > 0) {
          await view.click();
          await expect(page.getByRole("dialog")).toBeVisible();
          await expectNoSeriousViolations(page, `the Transmission Log's View dialog at ${size.width} px`, "[role=dialog]");
        }
      });

      test(`Review Order (${size.name})`, async ({ page }) => {
        await page.goto("/orders");
        const link = page.getByRole("table").getByRole("link").first();
        const id = (await link.textContent())!.trim();
        await page.goto(`/orders/${id}`);
        await expectReviewOrder(page, id);
        await checkPage(page, `Review Order ${id} at ${size.width} px`);
      });

      test(`item editor (${size.name})`, async ({ page }) => {
        await page.goto("/items");
        await page.getByRole("table").getByRole("link").first().click();
        await expect(page).toHaveURL(/\/items\/[^/]+$/);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await checkPage(page, `the item editor at ${size.width} px`);
      });
    });

    test.describe("StoreFront", () => {
      // Shoppers have no dashboard login.
      test.use({ storageState: { cookies: [], origins: [] } });

      test(`store, cart and checkout (${size.name})`, async ({ page }) => {
        await page.goto(STORE);
        await expect(page.getByRole("heading", { level: 1, name: "Shop" })).toBeVisible();
        await checkPage(page, `the store (empty cart) at ${size.width} px`);
        const cartLink = page.getByRole("link", { name: /^Cart \(/ });
        const before = await cartLink.textContent();
        await page.getByRole("button", { name: "Add MUG-CLASSIC to cart" }).click();
        await expect(cartLink).not.toHaveText(before ?? "");
        await checkPage(page, `the store with a cart at ${size.width} px`);
        await page.getByRole("link", { name: "Checkout" }).first().click();
        await expect(page.getByRole("heading", { level: 1, name: "Checkout" })).toBeVisible();
        await checkPage(page, `the checkout at ${size.width} px`);
      });
    });
  });
}
