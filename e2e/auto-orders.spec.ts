import { expect, test, type Page } from "@playwright/test";
import { screenshot, storageStateFor } from "./support";

test.use({ storageState: storageStateFor("admin") });

async function act(page: Page, code: string, item: string) {
  await page.getByTestId(`auto-order-${code}`).getByRole("button", { name: "Actions" }).click();
  await page.getByRole("menuitem", { name: new RegExp(`^${item}`) }).click();
}

async function setCard(page: Page, code: string, card: string) {
  await act(page, code, "Update card");
  const dialog = page.getByRole("dialog", { name: `Update card for ${code}` });
  await dialog.getByLabel("Card number").fill(card);
  await dialog.getByRole("button", { name: "Save card" }).click();
  await expect(dialog).toBeHidden();
}

test("a rebill declines, then succeeds after the card is updated; cancel and reactivate", async ({ page }) => {
  await page.goto("/auto-orders");
  await expect(page.getByRole("heading", { level: 1, name: "Auto Orders" })).toBeVisible();
  const activeRow = page.getByRole("row").filter({ has: page.getByText("Active", { exact: true }) }).first();
  const code = (await activeRow.getByText(/^AO-/).textContent())!.trim();
  const row = page.getByTestId(`auto-order-${code}`);
  const rebills = Number((await row.textContent())!.match(/(\d+) rebills?/)![1]);

  await setCard(page, code, "4000 0000 0000 0002");
  await expect(row).toContainText("0002");
  await act(page, code, "Rebill now");
  await page.getByRole("dialog", { name: `Rebill ${code} now?` }).getByRole("button", { name: "Charge card" }).click();
  await expect(page.getByText(/declined by issuer\. The auto order is now card declined/)).toBeVisible();
  await expect(row.getByText("Card declined", { exact: true })).toBeVisible();
  await expect(row).toContainText("attempt 1 of 3");
  await screenshot(page, "auto-orders-declined");

  await setCard(page, code, "4111111111111111");
  await act(page, code, "Rebill now");
  await page.getByRole("dialog", { name: `Rebill ${code} now?` }).getByRole("button", { name: "Charge card" }).click();
  await expect(page.getByText(/Rebill approved: order DEMO-\d+/)).toBeVisible();
  await expect(row.getByText("Active", { exact: true })).toBeVisible();
  await expect(row).toContainText(`${rebills + 1} rebill`);

  await act(page, code, "Cancel");
  const cancel = page.getByRole("dialog", { name: `Cancel ${code}?` });
  await cancel.getByRole("button", { name: "Cancel auto order" }).click();
  await expect(cancel.getByRole("region", { name: "There is a problem" }).getByRole("link", { name: "Choose a reason." })).toBeVisible();
  await cancel.getByLabel("Reason").selectOption("upgrade");
  await cancel.getByRole("button", { name: "Cancel auto order" }).click();
  await expect(row.getByText("Cancelled upgrade", { exact: true })).toBeVisible();
  await act(page, code, "Reactivate");
  await page.getByRole("dialog", { name: `Reactivate ${code}?` }).getByRole("button", { name: "Reactivate" }).click();
  await expect(row.getByText("Active", { exact: true })).toBeVisible();
  await screenshot(page, "auto-orders");
});
