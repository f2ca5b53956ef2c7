import { expect, type Page } from "@playwright/test";
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
];
