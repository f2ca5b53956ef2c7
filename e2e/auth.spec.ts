import { expect, test } from "@playwright/test";
import { DASHBOARD_PATHS, LOGINS, storageStateFor } from "./support";

test.describe("sign-in", () => {
  test("a wrong password is rejected with a clear message and the email is kept", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(LOGINS.support.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    // One error summary, focused, says it once.
    await expect(page.getByRole("region", { name: "There is a problem" })).toBeFocused();
    await expect(page.getByRole("region", { name: "There is a problem" })).toContainText("Wrong email or password.");
    await expect(page.getByText("Wrong email or password.")).toHaveCount(1);
    await expect(page.getByLabel("Email")).toHaveValue(LOGINS.support.email);
    await expect(page).toHaveURL(/\/login/);
  });

  test("anonymous visitors to every dashboard page are sent to the sign-in page", async ({ page }) => {
    for (const p of DASHBOARD_PATHS) {
      await page.goto(p);
      await expect(page, `visiting ${p}`).toHaveURL(/\/login/);
      await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    }
  });

  test("after signing in, the visitor returns to the page they asked for", async ({ page }) => {
    await page.goto("/items");
    await page.getByLabel("Email").fill(LOGINS.admin.email);
    await page.getByLabel("Password").fill(LOGINS.admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/items$/);
  });

  test("signing out ends the session", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(LOGINS.acme.email);
    await page.getByLabel("Password").fill(LOGINS.acme.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto("/orders");
    await expect(page).toHaveURL(/\/login/);
  });
});

test.describe("roles", () => {
  test.use({ storageState: storageStateFor("support") });

  test("a support user cannot reach user management", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);
    await page.goto("/users");
    await expect(page.getByRole("heading", { name: "You do not have access to that page" })).toBeVisible();
  });
});
