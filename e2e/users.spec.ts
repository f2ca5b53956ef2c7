import { expect, test } from "@playwright/test";
import { screenshot, storageStateFor } from "./support";

test.use({ storageState: storageStateFor("admin") });

test("an admin adds a user, sees field errors for bad input, and disables the user", async ({ page }) => {
  await page.goto("/users");
  const form = page.locator("#add-user");
  await form.getByLabel("Email").fill("not-an-email");
  await form.getByLabel("Name").fill("Casey");
  await form.getByLabel("Initial password").fill("short");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByRole("region", { name: "There is a problem" }).getByRole("link")).toHaveText(["Enter a valid email address.", "Use at least 10 characters."]);
  // What was typed is kept (except the password).
  await expect(form.getByLabel("Name")).toHaveValue("Casey");
  await expect(form.getByLabel("Email")).toHaveValue("not-an-email");

  const email = `casey.${Date.now()}@demo.test`;
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Initial password").fill("a-good-long-password");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByRole("status")).toContainText(`${email} can now sign in`);
  const table = page.getByRole("table", { name: "Users of this store" });
  await expect(table.getByRole("cell", { name: email, exact: true })).toBeVisible();
  await screenshot(page, "users");

  await page.getByRole("button", { name: `Disable ${email}` }).click();
  await expect(page.getByRole("button", { name: `Enable ${email}` })).toBeVisible();
});
