import { expect, test, type Page } from "@playwright/test";
import { SimClient } from "@/tools/ontraport-sim/client";
import { ensureApiIntegration, screenshot, SIM_URL, storageStateFor } from "./support";

/**
 * ONTRAPORT's REST API end to end: an admin switches the store to the REST protocol with App ID and
 * key, tests the connection, a shopper checks out, and the simulator's REST API holds one contact,
 * one transaction for the order (without shipping) and the items' tags; the log's View lists the
 * calls. The e2e demo starts on XML (the other specs read XML), so this file switches back at the end.
 */
const CONFIG = "/configuration/external-integrations/ontraport";
const APP_ID = "demo-app";
const KEY = "demo-ontraport-key";
const sim = new SimClient(SIM_URL);
const methodForm = (page: Page) => page.locator("#integration-method");

async function chooseProtocol(page: Page, protocol: "rest" | "xml") {
  await page.goto(CONFIG);
  await methodForm(page).getByRole("radio", { name: /API Integration/ }).check();
  await methodForm(page).getByRole("radio", { name: protocol === "rest" ? /ONTRAPORT REST API/ : /XML notification endpoint/ }).check();
  if (protocol === "rest") {
    await methodForm(page).getByLabel("ONTRAPORT App ID").fill(APP_ID);
    await methodForm(page).getByLabel("Tag every buyer (optional)").fill("Customer");
  }
  await methodForm(page).getByLabel("ONTRAPORT API Key").fill(KEY);
  await methodForm(page).getByRole("button", { name: "Save configuration" }).click();
  await expect(methodForm(page).getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
}

test.describe("ONTRAPORT REST API", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("an admin sets up REST; a checkout leaves one contact, one transaction without shipping, and the items' tags; View lists the calls", async ({ page, browser, baseURL, request }) => {
    test.setTimeout(120_000);
    const restore = await ensureApiIntegration(page, request);
    await sim.setRestAccount(APP_ID, KEY, "valid");
    try {
      // A missing App ID is refused beside its field, the typing kept.
      await page.goto(CONFIG);
      await methodForm(page).getByRole("radio", { name: /ONTRAPORT REST API/ }).check();
      await methodForm(page).getByLabel("ONTRAPORT App ID").fill("");
      await methodForm(page).getByLabel("ONTRAPORT API Key").fill(KEY);
      await methodForm(page).getByRole("button", { name: "Save configuration" }).click();
      await expect(methodForm(page).getByText(/Enter the ONTRAPORT App ID/).first()).toBeVisible();

      await chooseProtocol(page, "rest");
      await expect(methodForm(page).getByLabel("ONTRAPORT App ID")).toHaveValue(APP_ID);
      await expect(methodForm(page).getByRole("heading", { name: "How buyers get tagged" })).toBeVisible();
      await methodForm(page).getByRole("button", { name: "Test connection" }).click();
      await expect(page.getByTestId("test-result")).toContainText("Valid (HTTP 200)");
      await screenshot(page, "ontraport-rest-config");

      const shopperContext = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
      const shopper = await shopperContext.newPage();
      let id: string;
      try {
        await shopper.goto("/store/DEMO/DEFAULT");
        const before = await shopper.getByRole("link", { name: /^Cart \(/ }).textContent();
        await shopper.getByRole("button", { name: "Add SHIRT-RED to cart" }).click();
        await expect(shopper.getByRole("link", { name: /^Cart \(/ })).not.toHaveText(before ?? "");
        await shopper.getByRole("link", { name: "Checkout" }).first().click();
        await shopper.getByLabel("First name").fill("Grace");
        await shopper.getByLabel("Last name").fill("Hopper");
        await shopper.getByLabel("Email").fill("grace+rest@example.com");
        await shopper.getByLabel("Address").fill("1 Navy Way");
        await shopper.getByLabel("City").fill("Arlington");
        await shopper.getByLabel("State").fill("VA");
        await shopper.getByLabel("Postal code").fill("22202");
        await shopper.getByLabel("Card number").fill("4111 1111 1111 1111");
        await shopper.getByRole("button", { name: "Place order" }).click();
        id = (await shopper.getByTestId("order-id").textContent())!.trim();
      } finally {
        await shopperContext.close();
      }

      const byOrder = [{ field: { field: "external_order_id" }, op: "=", value: { value: id } }];
      await expect.poll(async () => (await sim.restObjects(46, { condition: byOrder, appId: APP_ID })).length, { timeout: 30_000 }).toBe(1);
      const [tx] = await sim.restObjects(46, { condition: byOrder, appId: APP_ID });
      // One Red Shirt at 19.95 plus 8% tax; the shopper's shipping is never sent.
      expect(Number(tx!.total)).toBeCloseTo(21.55, 2);
      const contacts = await sim.restObjects(0, { condition: [{ field: { field: "email" }, op: "=", value: { value: "grace+rest@example.com" } }], appId: APP_ID });
      expect(contacts).toHaveLength(1);
      const products = (await sim.restObjects(16, { appId: APP_ID })).map((p) => p.name);
      expect(products).toContain("Red Shirt");
      // The tags call comes after the transaction's: wait for it.
      const contactTags = async () => {
        const tagNames = new Map((await sim.restObjects(14, { appId: APP_ID })).map((t) => [String(t.tag_id), String(t.tag_name)]));
        const [c] = await sim.restObjects(0, { condition: [{ field: { field: "email" }, op: "=", value: { value: "grace+rest@example.com" } }], appId: APP_ID });
        return String(c?.contact_cat ?? "")
          .split("*/*")
          .filter(Boolean)
          .map((i) => tagNames.get(i))
          .sort();
      };
      await expect.poll(contactTags, { timeout: 15_000 }).toEqual(expect.arrayContaining(["Apparel", "Customer"]));

      // The log's View lists the calls, each opening to its JSON.
      await page.goto(`${CONFIG}/log?q=${id}`);
      const row = page.getByRole("row").filter({ has: page.getByRole("button", { name: `View Sale ${id}` }) }).first();
      await expect(row).toContainText("Delivered");
      await row.getByRole("button", { name: `View Sale ${id}` }).click();
      const dialog = page.getByRole("dialog");
      await expect(dialog.getByRole("heading", { name: "Calls to ONTRAPORT's REST API" })).toBeVisible();
      await expect(dialog.getByText("POST /1/transaction/processManual")).toBeVisible();
      await dialog.getByText("POST /1/transaction/processManual").click();
      await expect(dialog.getByLabel(/Request of call/).filter({ hasText: "external_order_id" })).toContainText(id);
      await expect(dialog).not.toContainText(KEY);
      await screenshot(page, "ontraport-rest-calls");
      await page.keyboard.press("Escape");
    } finally {
      await chooseProtocol(page, "xml");
      await restore();
    }
  });
});
