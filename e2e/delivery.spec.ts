import { expect, test } from "@playwright/test";
import { screenshot, SIM_URL, storageStateFor } from "./support";

// The delivery engine inside the running demo: the embedded worker is up, wired to the simulator,
// an order that becomes paid reaches the simulator as a Sale, and the item poll answers in XML.
// (A StoreFront checkout belongs here too once the StoreFront lands.)

interface SimNotification {
  reqType: string;
  outcome: string;
  transmissionId: string | null;
  data: string;
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

    let received: SimNotification[] = [];
    await expect
      .poll(
        async () => {
          received = (await (await request.get(`${SIM_URL}/__sim/notifications?orderId=${id}`)).json()) as SimNotification[];
          return received.map((n) => `${n.reqType} ${n.outcome}`);
        },
        { intervals: [50], timeout: 10_000 },
      )
      .toEqual(["sale delivered"]);
    console.log(`Sale for ${id} delivered to the simulator about ${Date.now() - approvedAt} ms after approval`);
    expect(received[0]!.data).toContain(`<order id="${id}"`);
    expect(received[0]!.data).not.toMatch(/<\/?\w*(shipping|handling)/i);
    await screenshot(page, "delivery-approved-order");
  });
});
