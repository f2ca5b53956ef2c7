import { expect, test, type Page } from "@playwright/test";
import { SimClient } from "@/tools/ontraport-sim/client";
import { ensureApiIntegration, openFirstOrderIn, screenshot, SIM_URL, storageStateFor } from "./support";

/**
 * Review Order → Edit → Items: staff correct which store item a line is, the amounts stay as charged,
 * and the next Resend OntraPort Notification names the corrected product. The spec puts the line back.
 */
const sim = new SimClient(SIM_URL);

test.use({ storageState: storageStateFor("admin") });

async function openItems(page: Page) {
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByRole("menuitem", { name: "Items" }).click();
  const dialog = page.getByRole("dialog", { name: "Correct items" });
  await expect(dialog).toBeVisible();
  return dialog;
}

test("corrects a line's item, keeps the amounts, and the resend names the corrected product", async ({ page, request }) => {
  const restoreIntegration = await ensureApiIntegration(page, request);
  // The newest completed order without subscriptions or refunds (those lines keep their item).
  let id = await openFirstOrderIn(page, "Completed Order");
  const keepsItems = async () => (await page.getByText("Auto order,").count()) > 0 || (await page.getByText("No refunds.").count()) === 0;
  for (let n = 1; (await keepsItems()) && n < 20; n++) {
    await page.goBack();
    const link = page.getByRole("table").getByRole("link").nth(n);
    id = (await link.textContent())!.trim();
    await link.click();
    await expect(page.getByRole("heading", { level: 1, name: `Review Order ${id}` })).toBeVisible();
  }
  expect(await keepsItems()).toBe(false);
  const total = (await page.getByText(/^Placed .* · \$/).textContent()) ?? "";
  let dialog = await openItems(page);
  const field = dialog.getByRole("textbox", { name: "Item ID, line 1" });
  const original = await field.inputValue();
  const target = original === "HOODIE-GREY" ? "MUG-TRAVEL" : "HOODIE-GREY";
  const productName = target === "HOODIE-GREY" ? "Hoodie" : "Travel Mug";
  try {
    // An Item ID the store does not have: the message is beside the field and the typing is kept.
    await field.fill("NO-SUCH-ITEM");
    await dialog.getByRole("button", { name: "Save items" }).click();
    await expect(field).toHaveAccessibleDescription(/This store has no item NO-SUCH-ITEM/);
    await expect(field).toHaveValue("NO-SUCH-ITEM");
    await screenshot(page, "review-order-correct-items");

    await field.fill(target);
    await dialog.getByRole("button", { name: "Save items" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(`line 1: ${original} → ${target}`)).toBeVisible();
    const lines = page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "Item ID" }) });
    await expect(lines.getByRole("row").nth(1).getByRole("cell").first()).toHaveText(target);
    expect((await page.getByText(/^Placed .* · \$/).textContent()) ?? "").toBe(total);

    const before = (await sim.notifications({ reqType: "sale", orderId: id })).length;
    await page.getByRole("button", { name: "Tools" }).click();
    await page.getByRole("menuitem", { name: "Resend OntraPort Notification" }).click();
    const resend = page.getByRole("dialog", { name: "Resend OntraPort Notification" });
    await resend.getByRole("button", { name: "Resend to ONTRAPORT" }).click();
    await expect(page.getByText("Delivered to ONTRAPORT")).toBeVisible({ timeout: 30_000 });
    const sent = await sim.notifications({ reqType: "sale", orderId: id });
    expect(sent.length).toBe(before + 1);
    const latest = sent.at(-1)!.data;
    expect(latest).toContain(target);
    expect(latest).toContain(productName);
  } finally {
    await page.goto(`/orders/${id}`);
    dialog = await openItems(page);
    const back = dialog.getByRole("textbox", { name: "Item ID, line 1" });
    if ((await back.inputValue()) !== original) {
      await back.fill(original);
      await dialog.getByRole("button", { name: "Save items" }).click();
      await expect(dialog).toBeHidden();
    }
    await restoreIntegration();
  }
});
