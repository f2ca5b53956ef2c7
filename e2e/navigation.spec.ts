import { expect, test } from "@playwright/test";
import { screenshot, storageStateFor } from "./support";

test.describe("dashboard shell", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("the demo admin walks every navigation link with no error page", async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto("/");
    await expect(page.getByTestId("merchant-name")).toContainText("Demo Outfitters");
    await expect(page.getByText("Admin", { exact: true })).toBeVisible();
    await screenshot(page, "dashboard-home");
    const nav = page.getByRole("navigation", { name: "Main" });
    const links = await nav.getByRole("link").all();
    const hrefs = await Promise.all(links.map((l) => l.getAttribute("href")));
    expect(hrefs).toContain("/configuration/external-integrations/ontraport");
    for (const href of hrefs) {
      const res = await page.goto(href!);
      expect(res?.status(), `GET ${href}`).toBe(200);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.getByText("Application error")).toHaveCount(0);
      await expect(page.getByText("This page could not be found")).toHaveCount(0);
    }
    expect(errors).toEqual([]);
  });
});

test.describe("tenants", () => {
  test.use({ storageState: storageStateFor("acme") });

  test("ACME's admin sees only ACME's store and users", async ({ page }) => {
    await page.goto("/users");
    await expect(page.getByTestId("merchant-name")).toContainText("Acme Supplies");
    const table = page.getByRole("table", { name: "Users of this store" });
    await expect(table.getByRole("cell", { name: "admin@acme.test", exact: true })).toBeVisible();
    await expect(table.getByText("admin@demo.test")).toHaveCount(0);
    await expect(table.getByText("support@demo.test")).toHaveCount(0);
  });
});
