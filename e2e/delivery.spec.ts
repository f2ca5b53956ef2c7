import { expect, test, type APIRequestContext } from "@playwright/test";
import { ensureApiIntegration, screenshot, SIM_URL, storageStateFor } from "./support";

// The delivery engine inside the running demo: the embedded worker is up, wired to the simulator,
// an order that becomes paid reaches the simulator as a Sale, and the item poll answers in XML.
// A StoreFront checkout is delivered as a Sale and shows as Delivered in the Transmission Log.

interface SimNotification {
  reqType: string;
  outcome: string;
  transmissionId: string | null;
  data: string;
}

/** Waits until the simulator has exactly one delivered Sale for `orderId`, and returns what it received. */
async function waitForDeliveredSale(request: APIRequestContext, orderId: string, timeout: number): Promise<SimNotification[]> {
  let received: SimNotification[] = [];
  await expect
    .poll(
      async () => {
        received = (await (await request.get(`${SIM_URL}/__sim/notifications?orderId=${orderId}`)).json()) as SimNotification[];
        return received.map((n) => `${n.reqType} ${n.outcome}`);
      },
      { intervals: [50, 100, 250], timeout },
    )
    .toEqual(["sale delivered"]);
  return received;
}

test.describe("delivery engine in the demo", () => {
  test("the web server runs the delivery worker and reports it healthy", async ({ request }) => {
    await expect
      .poll(async () => {
        const res = await request.get("/api/health");
        const body = (await res.json()) as { status: string; worker: { workers: number } };
        return body.worker.workers;
      })
      .toBeGreaterThanOrEqual(1);
    const res = await request.get("/api/health");
    expect(((await res.json()) as { status: string }).status).toBe("ok");
  });

  test("the demo's simulator accepts the demo key", async ({ request }) => {
    const keys = (await (await request.get(`${SIM_URL}/__sim/keys`)).json()) as Array<{ state: string }>;
    expect(keys.some((k) => k.state === "valid")).toBe(true);
  });

  test("the item poll refuses a wrong key with 401 and an <error>", async ({ request }) => {
    const res = await request.get("/api/ontraport/items?key=not-the-key");
    expect(res.status()).toBe(401);
    expect(res.headers()["content-type"]).toContain("application/xml");
    expect(await res.text()).toContain("<error>Invalid polling key</error>");
    const bad = await request.get("/api/ontraport/items", { headers: { "X-Api-Key": "" } });
    expect(bad.status()).toBe(401);
  });
});

test.describe("a payment reaches ONTRAPORT", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("approving a Fraud Review order delivers its Sale to the simulator", async ({ page, request }) => {
    await page.goto("/orders");
    await page.getByRole("navigation", { name: "Stages" }).getByRole("link", { name: /^Fraud Review / }).click();
    await expect(page).toHaveURL(/stage=/);
    const link = page.getByRole("table").getByRole("link").first();
    const id = (await link.textContent())!.trim();
    await link.click();
    await expect(page.getByRole("heading", { level: 1, name: `Review Order ${id}` })).toBeVisible();
    expect(((await (await request.get(`${SIM_URL}/__sim/notifications?orderId=${id}`)).json()) as SimNotification[]).length).toBe(0);

    await page.getByRole("button", { name: "Approve fraud review" }).click();
    const approve = page.getByRole("dialog", { name: "Approve fraud review?" });
    await approve.getByRole("button", { name: "Approve fraud review" }).click();
    await expect(approve).toBeHidden();
    const approvedAt = Date.now();

    const received = await waitForDeliveredSale(request, id, 10_000);
    console.log(`Sale for ${id} delivered to the simulator about ${Date.now() - approvedAt} ms after approval`);
    expect(received[0]!.data).toContain(`<order id="${id}"`);
    expect(received[0]!.data).not.toMatch(/<\/?\w*(shipping|handling)/i);
    await screenshot(page, "delivery-approved-order");
  });
});

const CONFIG = "/configuration/external-integrations/ontraport";

/** Cents from a shown amount such as "$1,234.50". */
function cents(text: string | null): number {
  return Math.round(Number((text ?? "").replace(/[^0-9.-]/g, "")) * 100);
}

test.describe("a StoreFront checkout reaches ONTRAPORT", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("a shopper's card checkout on DEFAULT is delivered as a Sale and shows as Delivered in the Transmission Log", async ({ page, browser, baseURL, request }) => {
    test.setTimeout(120_000);
    // The demo runs the API Integration with the demo key; make sure of it on the page, whatever ran before.
    const restore = await ensureApiIntegration(page, request);

    try {
      const shopperContext = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
      const shopper = await shopperContext.newPage();
      let id: string;
      try {
        await shopper.goto("/store/DEMO/DEFAULT");
        for (const item of ["CAP-BLACK", "MUG-CLASSIC"]) {
          const before = await shopper.getByRole("link", { name: /^Cart \(/ }).textContent();
          await shopper.getByRole("button", { name: `Add ${item} to cart` }).click();
          await expect(shopper.getByRole("link", { name: /^Cart \(/ })).not.toHaveText(before ?? "");
        }
        await shopper.getByRole("link", { name: "Checkout" }).first().click();
        await shopper.getByLabel("First name").fill("Ada");
        await shopper.getByLabel("Last name").fill("Lovelace");
        await shopper.getByLabel("Email").fill("ada+delivery@example.com");
        await shopper.getByLabel("Address").fill("12 St James's Square");
        await shopper.getByLabel("City").fill("London");
        await shopper.getByLabel("State").fill("LDN");
        await shopper.getByLabel("Postal code").fill("SW1Y 4JH");
        await shopper.getByLabel("Card number").fill("4111 1111 1111 1111");
        await shopper.getByRole("button", { name: "Place order" }).click();
        id = (await shopper.getByTestId("order-id").textContent())!.trim();
        const totals = shopper.locator("dl").filter({ hasText: "Shipping and handling" });
        const amount = (label: string) => totals.locator("div").filter({ has: shopper.getByText(label, { exact: true }) }).locator("dd");
        // CAP-BLACK 18.00 + MUG-CLASSIC 12.50, 8% tax; shipping is charged to the shopper but never sent.
        await expect(amount("Subtotal")).toHaveText("$30.50");
        await expect(amount("Tax (8%)")).toHaveText("$2.44");
        expect(cents(await amount("Shipping and handling").textContent())).toBeGreaterThan(0);
        expect(cents(await amount("Total").textContent()) - cents(await amount("Shipping and handling").textContent())).toBe(3294);
      } finally {
        await shopperContext.close();
      }

      const received = await waitForDeliveredSale(request, id, 30_000);
      const xml = received[0]!.data;
      expect(xml).toContain(`<order id="${id}"`);
      expect(xml).toContain('theme="DEFAULT"');
      expect(xml).toContain("<subtotal>30.50</subtotal>");
      expect(xml).toContain("<tax>2.44</tax>");
      expect(xml).toContain("<total>32.94</total>");
      // No shipping element or attribute (the stage name "Shipping Department" is fine).
      expect(xml).not.toMatch(/<\/?\w*(shipping|handling)|\w*(shipping|handling)\w*=/i);

      // The merchant sees the same delivery in the ONTRAPORT page's Transmission Log tab.
      await page.goto(`${CONFIG}/log`);
      const log = page.getByRole("table", { name: "Transmission Log" });
      await page.getByLabel("Search", { exact: true }).fill(id);
      await page.getByRole("button", { name: "Search the log" }).click();
      const row = log.getByRole("row").filter({ has: page.getByRole("button", { name: `View Sale ${id}` }) });
      await expect(row).toHaveCount(1);
      await expect(row.getByText("Delivered", { exact: true })).toBeVisible();
      await screenshot(page, "delivery-storefront-checkout-log");
    } finally {
      await restore();
    }
  });
});
