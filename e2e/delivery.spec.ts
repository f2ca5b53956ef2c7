import { expect, test } from "@playwright/test";
import { SIM_URL } from "./support";

// The delivery engine inside the running demo: the embedded worker is up, wired to the simulator,
// and the item poll answers ONTRAPORT in XML. (A StoreFront checkout reaching the simulator within a
// second belongs here too once the StoreFront lands.)

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
