import { expect, type APIRequestContext, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";

export const SIM_URL = `http://127.0.0.1:${Number(process.env.E2E_SIM_PORT ?? 4110)}`;

export const LOGINS = {
  admin: { email: "admin@demo.test", password: "demo-admin-pass" },
  support: { email: "support@demo.test", password: "demo-support-pass" },
  acme: { email: "admin@acme.test", password: "acme-admin-pass" },
} as const;
export type Who = keyof typeof LOGINS;

const STATE_DIR = path.resolve("e2e/.artifacts/auth");
/** Saved signed-in browser state for a demo user (written by auth.setup.ts). */
export function storageStateFor(who: Who): string {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  return path.join(STATE_DIR, `${who}.json`);
}

export async function signIn(page: Page, who: Who): Promise<void> {
  const { email, password } = LOGINS[who];
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // The first sign-in also warms the server (bcrypt, first render), so allow it more time.
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible({ timeout: 30_000 });
}

/** Waits until Review Order shows order `orderId` (after a link or a goto brought the page there). */
export async function expectReviewOrder(page: Page, orderId: string): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: `Review Order ${orderId}` })).toBeVisible();
}

/** Opens Review Order for `orderId` by its address. */
export async function openReviewOrder(page: Page, orderId: string): Promise<void> {
  await page.goto(`/orders/${orderId}`);
  await expectReviewOrder(page, orderId);
}

/**
 * The tabs' former plural names: Order Management's tabs now carry the stage's own name (one name per
 * stage), and specs written before still say e.g. "Completed Orders".
 */
const FORMER_TAB_NAMES: Record<string, string> = {
  "Pre-orders": "Pre-ordered",
  "Quote Requests": "Quote Request",
  "Quotes Sent": "Quote Sent",
  "Completed Orders": "Completed Order",
};

/** Opens the first order of an Order Management tab (a stage's name) in Review Order, through the list's link; returns its id. */
export async function openFirstOrderIn(page: Page, tab: string): Promise<string> {
  const stage = FORMER_TAB_NAMES[tab] ?? tab;
  await page.goto("/orders");
  await page.getByRole("navigation", { name: "Stages" }).getByRole("link", { name: new RegExp(`^${stage} `) }).click();
  await expect(page).toHaveURL(/stage=/);
  const link = page.getByRole("table").getByRole("link").first();
  const id = (await link.textContent())!.trim();
  await link.click();
  await expectReviewOrder(page, id);
  return id;
}

const SHOTS = path.resolve("e2e/.artifacts/screenshots");
/** Full-page screenshot for people to look at (e2e/.artifacts/screenshots/NAME.png). */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Every dashboard page behind the login (the navigation's links). */
export const DASHBOARD_PATHS = [
  "/",
  "/orders",
  "/items",
  "/themes",
  "/affiliates",
  "/auto-orders",
  "/users",
  "/configuration",
  "/configuration/external-integrations",
  "/configuration/external-integrations/ontraport",
  "/configuration/external-integrations/ontraport/mapping",
  "/configuration/external-integrations/ontraport/history",
];

const ONTRAPORT_PAGE = "/configuration/external-integrations/ontraport";
export const DEMO_ONTRAPORT_KEY = "demo-ontraport-key";
const methodForm = (page: Page) => page.locator("#integration-method");

export async function saveOntraportConfig(page: Page): Promise<void> {
  await methodForm(page).getByRole("button", { name: "Save configuration" }).click();
  await expect(methodForm(page).getByRole("status").filter({ hasText: /^(Saved|Nothing changed)/ })).toBeVisible();
}

/**
 * Makes sure DEMO runs the API Integration with a working key, through the configuration page as an
 * admin would (whatever earlier specs left), and returns a function that puts back what was there.
 * `page` must be signed in as DEMO's admin.
 */
export async function ensureApiIntegration(page: Page, request: APIRequestContext): Promise<() => Promise<void>> {
  await page.goto(ONTRAPORT_PAGE);
  const status = (await page.getByTestId("integration-status").textContent())?.trim() ?? "Off";
  const originalMethod = status.startsWith("API") ? "api" : status.startsWith("Partner") ? "pixel" : "off";
  let addedKey = false;
  if (originalMethod !== "api" || status.includes("Paused")) {
    await request.post(`${SIM_URL}/__sim/keys`, { data: { key: DEMO_ONTRAPORT_KEY, state: "valid" } });
    await methodForm(page).getByRole("radio", { name: /API Integration/ }).check();
    if ((await page.getByLabel("Saved key (masked)").count()) === 0 || status.includes("Paused")) {
      addedKey = (await page.getByLabel("Saved key (masked)").count()) === 0;
      await methodForm(page).getByLabel("ONTRAPORT API Key").fill(DEMO_ONTRAPORT_KEY);
    }
    await saveOntraportConfig(page);
    await expect(page.getByTestId("integration-status")).toHaveText("API Integration");
  }
  return async () => {
    if (originalMethod === "api") return;
    await page.goto(ONTRAPORT_PAGE);
    if (addedKey) {
      await methodForm(page).getByRole("radio", { name: /API Integration/ }).check();
      await methodForm(page).getByRole("button", { name: "Remove saved key" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Remove key" }).click();
      await expect(page.getByLabel("Saved key (masked)")).toHaveCount(0);
    }
    if (originalMethod === "pixel") {
      await methodForm(page).getByRole("radio", { name: /Partner Tracking Pixel/ }).check();
      await saveOntraportConfig(page);
    } else {
      await page.getByRole("button", { name: "Turn off integration" }).click();
      await page.getByRole("dialog", { name: "Turn off the ONTRAPORT integration?" }).getByRole("button", { name: "Turn off", exact: true }).click();
      await expect(page.getByTestId("integration-status")).toHaveText("Off");
    }
  };
}
