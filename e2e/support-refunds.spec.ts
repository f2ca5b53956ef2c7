import { expect, test, type Page } from "@playwright/test";
import { screenshot, storageStateFor } from "./support";

test.use({ storageState: storageStateFor("admin") });

const permissions = (page: Page) => page.locator("#staff-permissions");

async function setSupportMayRefund(page: Page, allowed: boolean): Promise<void> {
  await page.goto("/users");
  const box = permissions(page).getByRole("checkbox", { name: "Support users may refund orders" });
  await box.setChecked(allowed);
  await permissions(page).getByRole("button", { name: "Save permissions" }).click();
  await expect(permissions(page).getByRole("status")).toHaveText(allowed ? /Support users may now refund orders|Nothing changed/ : /Only admins may refund orders now|Nothing changed/);
  await page.reload();
  await expect(permissions(page).getByRole("checkbox", { name: "Support users may refund orders" })).toBeChecked({ checked: allowed });
}

test("an admin lets support refund on the Users page; support can then refund in Review Order", async ({ page, browser }) => {
  await page.goto("/users");
  const box = permissions(page).getByRole("checkbox", { name: "Support users may refund orders" });
  await expect(box).not.toBeChecked();
  try {
    await box.check();
    await permissions(page).getByRole("button", { name: "Save permissions" }).click();
    await expect(permissions(page).getByRole("status")).toHaveText("Saved. Support users may now refund orders.");
    await screenshot(page, "users-staff-permissions");
    await page.reload();
    await expect(permissions(page).getByRole("checkbox", { name: "Support users may refund orders" })).toBeChecked();

    const support = await browser.newContext({ storageState: storageStateFor("support") });
    try {
      const sp = await support.newPage();
      // Support does not get the Users page, so cannot change the setting there.
      await sp.goto("/users");
      await expect(sp).toHaveURL(/\/forbidden/);

      // A paid, completed order that still has money to refund.
      await sp.goto(`/orders?stage=${encodeURIComponent("Completed Order")}`);
      const link = sp.getByRole("table").getByRole("row").filter({ hasText: "Processed" }).first().getByRole("link");
      const id = (await link.textContent())!.trim();
      await link.click();
      await expect(sp.getByRole("heading", { level: 1, name: `Review Order ${id}` })).toBeVisible();
      await sp.getByRole("button", { name: "Payments" }).click();
      await expect(sp.getByRole("menuitem", { name: "Complete refund", exact: true })).not.toHaveAttribute("aria-disabled", "true");
      await sp.getByRole("menuitem", { name: "Partial refund", exact: true }).click();
      // The server works out the refund for support too (reviewing only: nothing is refunded).
      const dialog = sp.getByRole("dialog", { name: "Partial refund" });
      await dialog.getByLabel("Shipping and handling").fill("0.01");
      await dialog.getByRole("button", { name: "Review refund" }).click();
      await expect(dialog.getByRole("status")).toContainText("This will refund $0.01");
      await sp.keyboard.press("Escape");
      await expect(dialog).toBeHidden();
    } finally {
      await support.close();
    }
  } finally {
    // Specs share one database: put the store back to admins-only refunds.
    await setSupportMayRefund(page, false);
  }
});
