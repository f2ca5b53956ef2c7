import { expect, test } from "@playwright/test";
import { LOGINS, storageStateFor } from "./support";

test.describe("security headers", () => {
  test("pages carry a nonce-based CSP (no unsafe-inline scripts) and the other headers", async ({ request }) => {
    const res = await request.get("/login");
    const h = res.headers();
    const csp = h["content-security-policy"] ?? "";
    const script = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src")) ?? "";
    expect(script).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
    expect(script).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    // Every script Next renders carries this response's nonce.
    const nonce = /'nonce-([^']+)'/.exec(script)![1]!;
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    // A fresh nonce per request.
    const again = (await request.get("/login")).headers()["content-security-policy"];
    expect(again).not.toBe(csp);
  });

  test("StoreFront pages send no referrer (the receipt URL holds its token)", async ({ request }) => {
    const res = await request.get("/store/DEMO/DEFAULT");
    expect(res.headers()["referrer-policy"]).toBe("no-referrer");
  });

  test("anonymous API calls get 401 JSON, not a sign-in page", async ({ request }) => {
    const res = await request.get("/api/ontraport/log");
    expect(res.status()).toBe(401);
  });

  test("the session cookie is HttpOnly and SameSite", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(LOGINS.support.email);
    await page.getByLabel("Password").fill(LOGINS.support.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible({ timeout: 30_000 });
    const cookie = (await page.context().cookies()).find((c) => c.name.includes("session-token"));
    expect(cookie).toBeDefined();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe("Lax");
  });
});

test.describe("the dashboard runs under the CSP", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("no Content-Security-Policy violations while using a page", async ({ page }) => {
    const violations: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" && /Content.Security.Policy|CSP/i.test(m.text())) violations.push(m.text());
    });
    await page.goto("/configuration/external-integrations/ontraport/log");
    await expect(page.getByRole("heading", { name: "Transmission Log" })).toBeVisible();
    await page.goto("/orders");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    expect(violations).toEqual([]);
  });
});
