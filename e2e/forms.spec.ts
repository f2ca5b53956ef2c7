import { expect, test, type Page } from "@playwright/test";
import { screenshot, storageStateFor } from "./support";

// Forms (issue #17, point 3): one error summary that takes focus and links to each field, focus on the
// first invalid field after the browser's own check, one message per error, and a guard on unsaved
// changes for in-app links and for closing the tab. Run at a desktop and a phone width.

const MAPPING = "/configuration/external-integrations/ontraport/mapping";
const STORE = "/store/DEMO/DEFAULT";

const summaryOf = (page: Page) => page.getByRole("region", { name: "There is a problem" });

/** How many times `text` is on the page, as visible text (not attributes). */
async function occurrences(page: Page, text: string): Promise<number> {
  return page.evaluate((t) => document.body.innerText.split(t).length - 1, text);
}

/** The side navigation's link, opening the phone's menu first when the side nav is hidden. */
async function navLink(page: Page, name: string, phone: boolean) {
  if (phone && !(await page.locator("#mobile-nav").isVisible())) await page.getByRole("button", { name: "Menu" }).click();
  return page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });
}

for (const [label, viewport] of [
  ["desktop", { width: 1280, height: 860 }],
  ["phone", { width: 390, height: 844 }],
] as const) {
  const phone = label === "phone";

  test.describe(`forms at ${viewport.width} px`, () => {
    test.use({ viewport });

    test.describe("as admin", () => {
      test.use({ storageState: storageStateFor("admin") });

      test("a refused item save shows one summary that has focus, links to each field, says each error once and keeps the typing", async ({ page }) => {
        await page.goto("/items/new");
        await page.getByLabel("Item ID").fill(`FORMS-${label}`);
        await page.getByLabel("Price").fill("12.50");
        await page.getByLabel("Description").fill("Kept after a refusal");
        // Custom fields are checked on the server only: two refusals, in form order.
        await page.getByLabel("Custom field 1 name").fill("1bad");
        await page.getByLabel("Custom field 1 value").fill("x");
        await page.getByLabel("Custom field 2 name").fill("oapTags");
        await page.getByLabel("Custom field 2 value").fill("y");
        await page.getByRole("button", { name: "Create item" }).click();

        const summary = summaryOf(page);
        await expect(summary).toBeVisible();
        await expect(summary).toBeFocused();
        await expect(summaryOf(page)).toHaveCount(1);
        const nameRule = "Field names start with a letter; letters, digits and underscores only.";
        const tagsRule = "Use the ONTRAPORT tags field above for oapTags.";
        await expect(summary.getByRole("link")).toHaveText([nameRule, tagsRule]);
        // No field error is a live region: the summary alone is announced.
        await expect(page.locator("form").getByRole("alert")).toHaveCount(0);
        // Each message twice: its summary link and under its field; the generic message not at all.
        expect(await occurrences(page, nameRule)).toBe(2);
        expect(await occurrences(page, tagsRule)).toBe(2);
        expect(await occurrences(page, "need attention")).toBe(0);
        await expect(page.getByLabel("Custom field 2 name")).toHaveAttribute("aria-invalid", "true");
        await expect(page.getByLabel("Custom field 2 name")).toHaveAccessibleDescription(tagsRule);
        await screenshot(page, `forms-item-summary-${label}`);

        await summary.getByRole("link", { name: tagsRule }).click();
        await expect(page.getByLabel("Custom field 2 name")).toBeFocused();
        await summary.getByRole("link", { name: nameRule }).click();
        await expect(page.getByLabel("Custom field 1 name")).toBeFocused();

        // The typing is kept.
        await expect(page.getByLabel("Item ID")).toHaveValue(`FORMS-${label}`);
        await expect(page.getByLabel("Price")).toHaveValue("12.50");
        await expect(page.getByLabel("Description")).toHaveValue("Kept after a refusal");
        await expect(page.getByLabel("Custom field 2 value")).toHaveValue("y");
      });

      test("Product Mapping: a link away asks first; Stay keeps the change, Leave follows the link; closing the tab asks too", async ({ page }) => {
        await page.goto(`${MAPPING}?items=HOODIE`);
        const name = page.getByLabel("ONTRAPORT Product Name for HOODIE-GREY");
        const original = await name.inputValue();
        await name.fill("Hoodie, unsaved");

        await (await navLink(page, "Items", phone)).click();
        const dialog = page.getByRole("dialog", { name: "Leave this page?" });
        await expect(dialog).toBeVisible();
        await expect(dialog).toContainText("You have 1 unsaved change.");
        await screenshot(page, `forms-leave-dialog-${label}`);
        await dialog.getByRole("button", { name: "Stay" }).click();
        await expect(dialog).toHaveCount(0);
        await expect(page).toHaveURL(new RegExp(`${MAPPING}\\?items=HOODIE$`));
        await expect(name).toHaveValue("Hoodie, unsaved");

        await (await navLink(page, "Items", phone)).click();
        await expect(dialog).toBeVisible();
        await dialog.getByRole("button", { name: "Leave without saving" }).click();
        await expect(page).toHaveURL(/\/items$/);
        await expect(page.getByRole("table", { name: "Items" })).toBeVisible();

        // Nothing was saved.
        await page.goto(`${MAPPING}?items=HOODIE`);
        await expect(name).toHaveValue(original);

        // Closing the tab with a change asks (the browser's own prompt).
        await name.click();
        await name.fill("Hoodie, unsaved again");
        const asked = page.waitForEvent("dialog", { timeout: 10_000 });
        await page.close({ runBeforeUnload: true });
        const prompt = await asked;
        expect(prompt.type()).toBe("beforeunload");
        await prompt.accept();
      });

      test("with no unsaved change a link goes straight through", async ({ page }) => {
        await page.goto(`${MAPPING}?items=HOODIE`);
        await expect(page.getByLabel("ONTRAPORT Product Name for HOODIE-GREY")).toBeVisible();
        await (await navLink(page, "Items", phone)).click();
        await expect(page).toHaveURL(/\/items$/);
      });
    });

    test.describe("shopper", () => {
      test.use({ storageState: { cookies: [], origins: [] } });

      test("a checkout refused in the browser focuses the first invalid field and keeps the typing", async ({ page }) => {
        await page.goto(STORE);
        await page.getByRole("button", { name: "Add CAP-BLACK to cart" }).click();
        await expect(page.getByRole("link", { name: /^Cart \(1 item\)/ })).toBeVisible();
        await page.goto(`${STORE}/checkout`);
        await page.getByLabel("Last name").fill("Lovelace");
        await page.getByLabel("Email").fill("not-an-email");
        await page.getByRole("button", { name: "Place order" }).click();

        await expect(page.getByLabel("First name")).toBeFocused();
        await expect(page.getByLabel("First name")).toHaveAttribute("aria-invalid", "true");
        await expect(page.getByLabel("First name")).toHaveAccessibleDescription("Enter your first name.");
        const summary = summaryOf(page);
        await expect(summary.getByRole("link").first()).toHaveText("Enter your first name.");
        await expect(summary.getByRole("link", { name: "Enter a valid email address, like ada@example.com." })).toBeVisible();
        expect(await occurrences(page, "Enter your first name.")).toBe(2);
        await expect(page.getByLabel("Last name")).toHaveValue("Lovelace");
        await expect(page.getByLabel("Email")).toHaveValue("not-an-email");
        await expect(page).toHaveURL(/\/checkout$/);
        await screenshot(page, `forms-checkout-${label}`);
      });
    });
  });
}
