import { expect, test } from "@playwright/test";
import { screenshot, storageStateFor } from "./support";

test.describe("as admin", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("items: search, page, create with field errors, edit the ONTRAPORT Product Name, deactivate", async ({ page }) => {
    await page.goto("/items");
    await expect(page.getByRole("table", { name: "Items" })).toBeVisible();
    await expect(page.getByRole("columnheader", { name: "ONTRAPORT Product Name" })).toBeVisible();
    await page.getByRole("link", { name: "Next" }).click();
    await expect(page).toHaveURL(/after=/);
    await page.getByRole("link", { name: "Previous" }).click();
    await expect(page.getByRole("link", { name: "BUNDLE-STARTER" })).toBeVisible();
    await page.getByLabel("Search items").fill("red shirt");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByRole("link", { name: "SHIRT-RED", exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "SHIRT-RED-COPY" })).toBeVisible();
    await expect(page.getByRole("link", { name: "MUG-CLASSIC" })).toHaveCount(0);
    await screenshot(page, "items");

    await page.goto("/items/new");
    const id = `KITE-${Date.now() % 100000}`;
    await page.getByLabel("Item ID").fill(id);
    await page.getByLabel("Price").fill("-3");
    await page.getByLabel("Description").fill("Red kite");
    await page.getByRole("button", { name: "Create item" }).click();
    await expect(page.getByRole("region", { name: "There is a problem" }).getByRole("link", { name: /Enter a price like 19\.95/ })).toBeVisible();
    await expect(page.getByLabel("Price")).toBeFocused();
    await expect(page.getByLabel("Description")).toHaveValue("Red kite");
    await page.getByLabel("Price").fill("24.50");
    await page.getByLabel("ONTRAPORT Product Name (oapProductid)").fill("Kite");
    await page.getByLabel("Custom field 1 name").fill("color");
    await page.getByLabel("Custom field 1 value").fill("red");
    await page.getByRole("button", { name: "Create item" }).click();
    await expect(page.getByRole("heading", { name: `Item ${id}` })).toBeVisible();
    await expect(page.getByLabel("Price")).toHaveValue("24.50");
    await expect(page.getByLabel("ONTRAPORT Product Name (oapProductid)")).toHaveValue("Kite");
    await expect(page.getByLabel("Custom field 1 value")).toHaveValue("red");

    await page.getByLabel("ONTRAPORT Product Name (oapProductid)").fill("Kite, red");
    await page.getByRole("button", { name: "Save item" }).click();
    await expect(page.getByText(`Item ${id} saved.`)).toBeVisible();

    // Deactivated items leave the StoreFront.
    await page.goto("/store/DEMO/DEFAULT");
    await expect(page.getByRole("button", { name: `Add ${id} to cart` })).toBeVisible();
    await page.goBack();
    await page.getByRole("button", { name: "Deactivate" }).click();
    await expect(page.getByRole("button", { name: "Reactivate" })).toBeVisible();
    await page.goto("/store/DEMO/DEFAULT");
    await expect(page.getByRole("heading", { name: "Shop" })).toBeVisible();
    await expect(page.getByRole("button", { name: `Add ${id} to cart` })).toHaveCount(0);
  });

  test("duplicate warns that the copy keeps the original's oapProductid and can clear or change it", async ({ page }) => {
    await page.goto("/items?q=SHIRT-RED");
    await page.getByRole("link", { name: "SHIRT-RED", exact: true }).click();
    // The demo's duplicated pair is flagged on the item itself.
    await expect(page.getByRole("alert").filter({ hasText: "is also used by SHIRT-RED-COPY" })).toBeVisible();
    await screenshot(page, "item-editor");

    const copy = `SHIRT-RED-${Date.now() % 100000}`;
    await page.getByRole("button", { name: "Duplicate" }).click();
    const dialog = page.getByRole("dialog", { name: "Duplicate SHIRT-RED" });
    await expect(dialog.getByText("The copy keeps ONTRAPORT Product Name 'Red Shirt' from SHIRT-RED: both items would be sent to ONTRAPORT as the same product")).toBeVisible();
    await dialog.getByLabel("New Item ID").fill("SHIRT-RED-COPY");
    await dialog.getByRole("radio", { name: /Change it/ }).check();
    await dialog.getByRole("button", { name: "Create copy" }).click();
    await expect(dialog.getByText("Type the new ONTRAPORT Product Name")).toBeVisible();
    await dialog.getByLabel("New ONTRAPORT Product Name").fill("Red Shirt, long sleeve");
    await dialog.getByRole("button", { name: "Create copy" }).click();
    await expect(dialog.getByText("Item ID SHIRT-RED-COPY is already used by another item.")).toBeVisible();
    await screenshot(page, "item-duplicate");
    await dialog.getByLabel("New Item ID").fill(copy);
    await dialog.getByRole("button", { name: "Create copy" }).click();
    await expect(page.getByRole("heading", { name: `Item ${copy}` })).toBeVisible();
    await expect(page.getByLabel("ONTRAPORT Product Name (oapProductid)")).toHaveValue("Red Shirt, long sleeve");
    await expect(page.getByLabel("Price")).toHaveValue("19.95");

    // Clearing: the copy of the copy is sent under its own Item ID.
    await page.getByRole("button", { name: "Duplicate" }).click();
    const d2 = page.getByRole("dialog");
    await d2.getByLabel("New Item ID").fill(`${copy}-B`);
    await d2.getByRole("radio", { name: /Clear it/ }).check();
    await d2.getByRole("button", { name: "Create copy" }).click();
    await expect(page.getByRole("heading", { name: `Item ${copy}-B` })).toBeVisible();
    await expect(page.getByLabel("ONTRAPORT Product Name (oapProductid)")).toHaveValue("");
  });

  test("themes: add with a validated code, rename", async ({ page }) => {
    await page.goto("/themes");
    const form = page.locator("#add-theme");
    await form.getByLabel("Theme code").fill("bad code!");
    await form.getByLabel("Theme name").fill("Spring");
    await form.getByRole("button", { name: "Add theme" }).click();
    await expect(form.getByRole("region", { name: "There is a problem" }).getByRole("link", { name: /Use 1 to 32 capital letters/ })).toBeVisible();
    await expect(form.getByLabel("Theme name")).toHaveValue("Spring");
    const code = `SPRING${Date.now() % 10000}`;
    await form.getByLabel("Theme code").fill(code);
    await form.getByRole("button", { name: "Add theme" }).click();
    await expect(form.getByRole("status")).toContainText(`Theme ${code} added`);
    // A refused rename (an empty name) puts focus on the field, whose error is its description.
    const nameField = page.getByLabel(`Name of ${code}`);
    await nameField.fill("");
    await page.getByRole("button", { name: `Rename ${code}` }).click();
    await expect(nameField).toBeFocused();
    await expect(nameField).toHaveAttribute("aria-invalid", "true");
    await expect(nameField).toHaveAccessibleDescription(/\S/);
    await page.getByLabel(`Name of ${code}`).fill("Spring sale");
    await page.getByRole("button", { name: `Rename ${code}` }).click();
    await expect(page.getByText(`Theme ${code} renamed to Spring sale.`)).toBeVisible();
    await screenshot(page, "themes");
    const res = await page.goto(`/store/DEMO/${code}`);
    expect(res?.status()).toBe(200);
  });

  test("affiliates: add waiting for approval, approve, unapprove", async ({ page }) => {
    await page.goto("/affiliates");
    await page.getByLabel("Email").fill("nope");
    await page.getByRole("button", { name: "Add affiliate" }).click();
    await expect(page.getByRole("region", { name: "There is a problem" }).getByRole("link")).toHaveText(["Enter a name.", "Enter a valid email address."]);
    const name = `Partner ${Date.now()}`;
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Email").fill("p@partners.test");
    await page.getByRole("button", { name: "Add affiliate" }).click();
    const row = page.getByRole("row").filter({ hasText: name });
    await expect(row.getByText("Waiting for approval")).toBeVisible();
    await page.getByRole("button", { name: `Approve ${name}` }).click();
    await expect(row.getByText("Approved", { exact: true })).toBeVisible();
    await screenshot(page, "affiliates");
    await page.getByRole("button", { name: `Unapprove ${name}` }).click();
    await expect(row.getByText("Waiting for approval")).toBeVisible();
  });
});

test.describe("as support", () => {
  test.use({ storageState: storageStateFor("support") });
  test("reads items, themes and affiliates without edit controls", async ({ page }) => {
    await page.goto("/items");
    await expect(page.getByRole("link", { name: "New item" })).toHaveCount(0);
    await page.getByRole("link", { name: "MUG-CLASSIC" }).click();
    await expect(page.getByLabel("Item ID")).toBeDisabled();
    await expect(page.getByRole("button", { name: "Save item" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Duplicate" })).toHaveCount(0);
    await page.goto("/items/new");
    await expect(page).toHaveURL(/forbidden/);
    await page.goto("/themes");
    await expect(page.getByRole("button", { name: "Add theme" })).toHaveCount(0);
    await page.goto("/affiliates");
    await expect(page.getByRole("button", { name: /^(Approve|Unapprove) / })).toHaveCount(0);
  });
});

test.describe("as another merchant", () => {
  test.use({ storageState: storageStateFor("acme") });
  test("a DEMO item answers not found", async ({ page, browser }) => {
    const demo = await browser.newContext({ storageState: storageStateFor("admin") });
    const p = await demo.newPage();
    await p.goto("/items?q=MUG-CLASSIC");
    const href = await p.getByRole("link", { name: "MUG-CLASSIC" }).getAttribute("href");
    await demo.close();
    const res = await page.goto(href!);
    expect(res?.status()).toBe(404);
  });
});
