import { expect, test, type Page, type Response } from "@playwright/test";
import { screenshot, SIM_URL, storageStateFor } from "./support";

const PAGE = "/configuration/external-integrations/ontraport";
const MAPPING = `${PAGE}/mapping`;
const HISTORY = `${PAGE}/history`;
const LOG = `${PAGE}/log`;
/** The key the demo configures (see lib/runtime/demo-setup.ts); restored at the end when the demo had it. */
const DEMO_KEY = "demo-ontraport-key";

async function simKey(key: string, state: "valid" | "stale") {
  const res = await fetch(`${SIM_URL}/__sim/keys`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key, state }) });
  expect(res.ok).toBe(true);
}

/** Every response body the browser receives (HTML, RSC, JSON, JS), to prove the key is in none of them. */
function recordResponses(page: Page): { bodies: () => Promise<Array<{ url: string; body: string }>> } {
  const pending: Array<Promise<{ url: string; body: string }>> = [];
  page.on("response", (r: Response) => {
    pending.push(
      r
        .body()
        .then((b) => ({ url: r.url(), body: b.toString("utf8") }))
        .catch(() => ({ url: r.url(), body: "" })),
    );
  });
  return { bodies: () => Promise.all(pending) };
}

function methodForm(page: Page) {
  return page.locator("#integration-method");
}

async function saveConfig(page: Page) {
  await methodForm(page).getByRole("button", { name: "Save configuration" }).click();
}

async function saveMappings(page: Page, expected: string) {
  await page.getByRole("button", { name: "Save mappings" }).click();
  await expect(page.getByText(expected).first()).toBeVisible();
}

function row(page: Page, itemId: string) {
  return page.locator(`tr[data-item="${itemId}"]`);
}

test.describe("admin", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("configures API Integration, tests the key, switches to Partner Tracking Pixel and maps products", async ({ page, browser, baseURL }) => {
    test.setTimeout(120_000);
    const key = `e2e-op-key-${Date.now()}-q7Zx`;
    const recorder = recordResponses(page);
    await page.goto(PAGE);
    await expect(page.getByRole("heading", { name: "ONTRAPORT", level: 1 })).toBeVisible();
    const originalMethod = (await page.getByTestId("integration-status").textContent())?.trim() ?? "Off";
    const hadDemoKey = (await page.getByLabel("Saved key (masked)").count()) > 0 && (await page.getByLabel("Saved key (masked)").textContent())?.includes("-key");

    try {
      // API Integration: save a key; afterwards only the mask is shown.
      await methodForm(page).getByRole("radio", { name: /API Integration/ }).check();
      await expect(methodForm(page).getByText("Recommended").first()).toBeVisible();
      await methodForm(page).getByLabel("ONTRAPORT API Key").fill(key);
      await saveConfig(page);
      await expect(methodForm(page).getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
      await page.reload();
      await expect(page.getByLabel("Saved key (masked)")).toHaveText(`••••${key.slice(-4)}`);
      await expect(methodForm(page).getByLabel("ONTRAPORT API Key")).toHaveValue("");
      await expect(page.getByTestId("saved-key").getByText("Untested")).toBeVisible();

      // Test connection against the simulator: valid, then stale after the simulator marks it stale.
      await simKey(key, "valid");
      await methodForm(page).getByRole("button", { name: "Test connection" }).click();
      await expect(page.getByTestId("test-result")).toContainText("Valid (HTTP 200)");
      await expect(page.getByTestId("saved-key").getByText("Valid", { exact: true })).toBeVisible();
      await screenshot(page, "ontraport-api");

      await simKey(key, "stale");
      await methodForm(page).getByRole("button", { name: "Test connection" }).click();
      await expect(page.getByTestId("test-result")).toContainText("Stale key (HTTP 403)");
      await expect(page.getByTestId("saved-key").getByText("Stale", { exact: true })).toBeVisible();

      // Partner Tracking Pixel: a javascript: URL is refused beside its field, a pasted conversion URL keeps only the host.
      await methodForm(page).getByRole("radio", { name: /Partner Tracking Pixel/ }).check();
      await expect(methodForm(page).getByLabel("ONTRAPORT API Key")).toHaveCount(0);
      const holiday = methodForm(page).getByLabel("ONTRAPORT Sub-domain (HOLIDAY)");
      await holiday.fill("javascript:alert(1)");
      await saveConfig(page);
      await expect(methodForm(page).getByRole("region", { name: "There is a problem" })).toContainText("javascript: address is not a host name");
      await expect(holiday).toHaveValue("javascript:alert(1)");
      await holiday.fill("https://holiday.ontraport.com/p?order_id=DEMO-1&email=a%40b.c");
      await expect(methodForm(page).getByText("https://holiday.ontraport.com/p?order_id=…")).toBeVisible();
      await saveConfig(page);
      await expect(methodForm(page).getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
      await page.reload();
      await expect(methodForm(page).getByRole("radio", { name: /Partner Tracking Pixel/ })).toBeChecked();
      await expect(methodForm(page).getByLabel("ONTRAPORT Sub-domain (HOLIDAY)")).toHaveValue("holiday.ontraport.com");
      await expect(methodForm(page).getByText("https://holiday.ontraport.com/p?order_id=…")).toBeVisible();

      // Product Mapping (its own tab): map an item and see Sent as change.
      await page.goto(MAPPING);
      const mug = row(page, "MUG-CLASSIC");
      await expect(mug.getByTestId("sent-as")).toHaveText("MUG-CLASSIC");
      await page.getByLabel("ONTRAPORT Product Name for MUG-CLASSIC").fill("  Classic Mug ");
      await expect(mug.getByTestId("sent-as")).toHaveText("Classic Mug");
      const actionRequest = page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]));
      await saveMappings(page, "1 mapping saved.");
      const sent = await actionRequest;
      await page.reload();
      await expect(page.getByLabel("ONTRAPORT Product Name for MUG-CLASSIC")).toHaveValue("Classic Mug");
      await expect(mug.getByTestId("sent-as")).toHaveText("Classic Mug");

      // The same server action replayed by a support user is refused by the server, not just hidden.
      const support = await browser.newContext({ storageState: storageStateFor("support"), baseURL });
      const replay = await support.request.post(PAGE, {
        headers: { "Next-Action": sent.headers()["next-action"]!, Accept: "text/x-component", "Content-Type": sent.headers()["content-type"] ?? "text/plain;charset=UTF-8" },
        data: (sent.postData() ?? "").replace("  Classic Mug ", "Changed by support"),
      });
      expect(await replay.text()).toContain("Your role does not allow this.");
      await support.close();
      await page.reload();
      await expect(page.getByLabel("ONTRAPORT Product Name for MUG-CLASSIC")).toHaveValue("Classic Mug");

      // Duplicates: the demo's SHIRT-RED / SHIRT-RED-COPY pair is flagged until one is fixed.
      await expect(page.getByTestId("mapping-summary")).toContainText("1 conflict");
      await expect(row(page, "SHIRT-RED").getByTestId("conflict")).toContainText("SHIRT-RED-COPY");
      await expect(row(page, "SHIRT-RED-COPY").getByTestId("conflict")).toContainText("SHIRT-RED");
      await page.getByLabel("Show").selectOption("conflicts");
      await page.getByRole("button", { name: "Apply" }).click();
      await expect(page).toHaveURL(/filter=conflicts/);
      await expect(page.locator("tr[data-item]")).toHaveCount(2);
      await screenshot(page, "ontraport-pixel");
      await page.getByLabel("ONTRAPORT Product Name for SHIRT-RED-COPY").fill("Red Shirt (copy)");
      await saveMappings(page, "1 mapping saved.");
      await expect(page.getByTestId("mapping-summary")).toContainText("No conflicts");
      await expect(page.getByTestId("conflict")).toHaveCount(0);

      // A bad name is refused beside its field and nothing is saved.
      await page.goto(`${MAPPING}?items=HOODIE`);
      await page.getByLabel("ONTRAPORT Product Name for HOODIE-GREY").fill("x".repeat(256));
      await page.getByRole("button", { name: "Save mappings" }).click();
      await expect(row(page, "HOODIE-GREY")).toContainText("at most 255 characters");
      await expect(page.getByLabel("ONTRAPORT Product Name for HOODIE-GREY")).toHaveAttribute("aria-invalid", "true");
      await page.reload();
      await expect(page.getByLabel("ONTRAPORT Product Name for HOODIE-GREY")).toHaveValue("Hoodie");

      // Change history (its own tab) shows who did what, never the key.
      await page.goto(HISTORY);
      const history = page.getByRole("table", { name: "Change history" });
      await expect(history).toContainText("Integration method changed");
      await expect(history).toContainText("New API key saved (fingerprint");
      await expect(history).toContainText("Theme HOLIDAY: ONTRAPORT Sub-domain set to holiday.ontraport.com");
      await expect(history).toContainText("Item SHIRT-RED-COPY");
      await expect(history).toContainText("admin@demo.test");

      // The key is in no HTML, RSC or JSON the browser received, nor in the final DOM.
      expect(await page.content()).not.toContain(key);
      const bodies = await recorder.bodies();
      expect(bodies.length).toBeGreaterThan(10);
      for (const b of bodies) expect(b.body, b.url).not.toContain(key);
    } finally {
      // Put back what the demo had: mappings, the sub-domain, the method and key.
      await page.goto(MAPPING);
      await page.getByLabel("ONTRAPORT Product Name for MUG-CLASSIC").fill("");
      await page.getByLabel("ONTRAPORT Product Name for SHIRT-RED-COPY").fill("Red Shirt");
      if (await page.getByRole("button", { name: "Save mappings" }).isEnabled()) await page.getByRole("button", { name: "Save mappings" }).click();
      await expect(page.getByTestId("mapping-summary")).toContainText("1 conflict");
      await page.goto(PAGE);
      await methodForm(page).getByRole("radio", { name: /Partner Tracking Pixel/ }).check();
      await methodForm(page).getByLabel("ONTRAPORT Sub-domain (HOLIDAY)").fill("");
      await saveConfig(page);
      await expect(methodForm(page).getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
      await methodForm(page).getByRole("radio", { name: /API Integration/ }).check();
      if (originalMethod.startsWith("API Integration") || hadDemoKey) {
        await simKey(DEMO_KEY, "valid");
        await methodForm(page).getByLabel("ONTRAPORT API Key").fill(DEMO_KEY);
        await saveConfig(page);
        await expect(methodForm(page).getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
      } else {
        await methodForm(page).getByRole("button", { name: "Remove saved key" }).click();
        await page.getByRole("dialog").getByRole("button", { name: "Remove key" }).click();
        await expect(page.getByLabel("Saved key (masked)")).toHaveCount(0);
        await page.getByRole("button", { name: "Turn off integration" }).click();
        const dialog = page.getByRole("dialog", { name: "Turn off the ONTRAPORT integration?" });
        await expect(dialog).toContainText("Tools menu");
        await dialog.getByRole("button", { name: "Turn off" }).click();
        await expect(page.getByText("The integration is off")).toBeVisible();
      }
    }
  });

  test("the polling key is generated and regenerated with confirmation", async ({ page }) => {
    await page.goto(PAGE);
    const card = page.locator("#item-poll");
    if (await card.getByRole("button", { name: "Generate polling key" }).isVisible()) await card.getByRole("button", { name: "Generate polling key" }).click();
    const url = card.getByTestId("poll-url");
    await expect(url).toContainText("/api/ontraport/items?key=");
    const before = await url.textContent();
    await card.getByRole("button", { name: "Regenerate" }).click();
    const dialog = page.getByRole("dialog", { name: "Regenerate the polling key?" });
    await expect(dialog).toContainText("stops working at once");
    // Keeping the current key closes the dialog and changes nothing.
    await dialog.getByRole("button", { name: "Keep the current key" }).click();
    await expect(dialog).toBeHidden();
    await expect(url).toHaveText(before ?? "");
    await card.getByRole("button", { name: "Regenerate" }).click();
    await dialog.getByRole("button", { name: "Regenerate" }).click();
    await expect(url).not.toHaveText(before ?? "");
    expect((await url.textContent())?.match(/key=([A-Za-z0-9_-]{43})$/)).not.toBeNull();
  });
});

test.describe("admin: sections and danger zone", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("the page's sections are tabs with their own URLs under one header, usable from the keyboard", async ({ page }) => {
    await page.goto(PAGE);
    const tabs = page.getByRole("navigation", { name: "ONTRAPORT sections" });
    const current = tabs.locator('[aria-current="page"]');
    await expect(current).toHaveCount(1);
    await expect(current).toHaveText("Connection");
    await expect(page.getByRole("region", { name: "Integration method" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Item poll for ONTRAPORT" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Product Mapping" })).toHaveCount(0);
    await expect(page.getByRole("table", { name: "Transmission Log" })).toHaveCount(0);

    const sections = [
      { name: "Product Mapping", url: MAPPING, content: page.getByRole("table", { name: "Product Mapping" }) },
      { name: "Change history", url: HISTORY, content: page.getByRole("table", { name: "Change history" }) },
      { name: "Transmission Log", url: LOG, content: page.getByRole("heading", { name: "Transmission Log", level: 2 }) },
    ];
    for (const s of sections) {
      await tabs.getByRole("link", { name: s.name }).click();
      await expect(page).toHaveURL(new RegExp(`${s.url}$`));
      await expect(current).toHaveText(s.name);
      await expect(current).toHaveCount(1);
      await expect(s.content).toBeVisible();
      // The header stays: title and the integration's status on every tab.
      await expect(page.getByRole("heading", { name: "ONTRAPORT", level: 1 })).toBeVisible();
      await expect(page.getByTestId("integration-status")).toBeVisible();
      await expect(page.getByRole("region", { name: "Integration method" })).toHaveCount(0);
    }

    // Keyboard: the links are in the tab order; Enter opens one.
    await tabs.getByRole("link", { name: "Transmission Log" }).focus();
    await page.keyboard.press("Shift+Tab");
    await expect(tabs.getByRole("link", { name: "Change history" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`${HISTORY}$`));
    await expect(current).toHaveText("Change history");

    // A bookmark of an old anchor lands on Connection.
    await page.goto(`${PAGE}#product-mapping`);
    await expect(current).toHaveText("Connection");
  });

  test("the danger zone turns the integration off after a confirmation; the method form has no such button", async ({ page }) => {
    await page.goto(PAGE);
    const status = page.getByTestId("integration-status");
    const original = (await status.textContent())?.trim() ?? "Off";
    const danger = page.getByRole("region", { name: "Danger zone" });
    if (original.startsWith("Off")) {
      await expect(danger).toHaveCount(0);
      // Pixel saves without sub-domains (with a warning): the quickest way to have it on.
      await methodForm(page).getByRole("radio", { name: /Partner Tracking Pixel/ }).check();
      await saveConfig(page);
      await expect(status).toHaveText("Partner Tracking Pixel");
    }
    try {
      await expect(danger).toContainText("nothing is sent to ONTRAPORT");
      await expect(danger).toContainText("API key, sub-domains and product mapping are kept");
      await expect(danger).toContainText("Orders paid while it is off are never sent later");
      await expect(methodForm(page).getByRole("button", { name: "Turn off integration" })).toHaveCount(0);
      // It comes last, after the item poll.
      await expect(page.locator("#item-poll ~ #danger-zone")).toHaveCount(1);

      await danger.getByRole("button", { name: "Turn off integration" }).click();
      const dialog = page.getByRole("dialog", { name: "Turn off the ONTRAPORT integration?" });
      await expect(dialog).toContainText("Tools menu");
      await dialog.getByRole("button", { name: "Keep it on" }).click();
      await expect(dialog).toBeHidden();
      await expect(status).not.toHaveText("Off");

      await danger.getByRole("button", { name: "Turn off integration" }).click();
      await dialog.getByRole("button", { name: "Turn off", exact: true }).click();
      await expect(status).toHaveText("Off");
      await expect(danger).toHaveCount(0);
      await expect(methodForm(page).getByText("The integration is off")).toBeVisible();
      // The form starts again from the saved choice: no method picked.
      await expect(methodForm(page).getByRole("radio", { name: /API Integration/ })).not.toBeChecked();
      await expect(methodForm(page).getByRole("radio", { name: /Partner Tracking Pixel/ })).not.toBeChecked();
    } finally {
      // Put the method back (turning off kept the key and the sub-domains).
      if (!original.startsWith("Off")) {
        await page.goto(PAGE);
        if ((await status.textContent())?.trim() === "Off") {
          await methodForm(page).getByRole("radio", { name: original.startsWith("API") ? /API Integration/ : /Partner Tracking Pixel/ }).check();
          await saveConfig(page);
          await expect(status).not.toHaveText("Off");
        }
      } else if ((await status.textContent())?.trim() !== "Off") {
        await danger.getByRole("button", { name: "Turn off integration" }).click();
        await page.getByRole("dialog", { name: "Turn off the ONTRAPORT integration?" }).getByRole("button", { name: "Turn off", exact: true }).click();
        await expect(status).toHaveText("Off");
      }
    }
  });
});

test.describe("support", () => {
  test.use({ storageState: storageStateFor("support") });

  test("sees the page read-only: no save buttons, no polling key, no key beyond the mask", async ({ page }) => {
    await page.goto(PAGE);
    await expect(page.getByRole("note").filter({ hasText: "the ONTRAPORT configuration is read-only" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Save configuration" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Save mappings" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Test connection" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Turn off integration" })).toHaveCount(0);
    await expect(page.getByRole("region", { name: "Danger zone" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Regenerate|Generate polling key/ })).toHaveCount(0);
    await expect(page.getByTestId("poll-url")).not.toContainText(/key=[A-Za-z0-9_-]{10}/);
    await screenshot(page, "ontraport-support");
    await page.goto(MAPPING);
    await expect(page.getByRole("note").filter({ hasText: "read-only" })).toBeVisible();
    await expect(page.getByLabel("ONTRAPORT Product Name for MUG-CLASSIC")).toHaveAttribute("readonly", "");
    await expect(page.getByRole("button", { name: "Save mappings" })).toHaveCount(0);
  });
});

test.describe("another merchant", () => {
  test.use({ storageState: storageStateFor("acme") });

  test("ACME's admin sees only ACME's items and configuration", async ({ page }) => {
    await page.goto(PAGE);
    await expect(page.getByTestId("merchant-name")).toContainText("ACME");
    await expect(page.getByTestId("poll-url")).toHaveCount(0);
    await page.goto(MAPPING);
    await expect(page.getByRole("table", { name: "Product Mapping" }).or(page.getByText("No items yet."))).toBeVisible();
    await expect(page.getByLabel("ONTRAPORT Product Name for SHIRT-RED")).toHaveCount(0);
    await page.goto(HISTORY);
    await expect(page.locator("main")).not.toContainText("admin@demo.test");
  });
});
