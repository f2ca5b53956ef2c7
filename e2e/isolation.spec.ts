import { expect, test, type APIRequestContext, type APIResponse, type Browser, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { baseURL } from "../playwright.config";
import { ensureApiIntegration, screenshot, storageStateFor, type Who } from "./support";

/**
 * Tenant and role isolation sweep. The routes come from the file tree at test time, so a new page or
 * route handler is covered (or reported as "unclassified") without anyone remembering to add it here.
 */

type Kind = "page" | "route";
interface Route {
  file: string;
  kind: Kind;
  /** The URL pattern with route groups removed, e.g. /orders/[orderId]. */
  pattern: string;
  /** Exported HTTP methods (route handlers only). */
  methods: string[];
  /** The page asks for the admin role itself (requirePageSession("admin")). */
  adminOnly: boolean;
}

const APP = path.resolve("app");

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function discoverRoutes(): Route[] {
  return walk(APP)
    .filter((f) => /[/\\](page\.tsx|route\.ts)$/.test(f))
    .map((f) => {
      const rel = path.relative(APP, f).split(path.sep);
      const kind: Kind = rel.at(-1) === "page.tsx" ? "page" : "route";
      const segs = rel.slice(0, -1).filter((s) => !/^\(.*\)$/.test(s));
      const src = fs.readFileSync(f, "utf8");
      const methods = kind === "route" ? [...src.matchAll(/export\s+(?:async\s+)?(?:function|const)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!) : [];
      return { file: path.relative(process.cwd(), f), kind, pattern: `/${segs.join("/")}`, methods, adminOnly: /requirePageSession\(\s*["']admin["']\s*\)/.test(src) };
    })
    .sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** Shopper and machine entry points: no session by design (receipt token, item poll key, health, sign-in). */
const PUBLIC = [/^\/store(\/|$)/, /^\/api\/auth(\/|$)/, /^\/api\/health$/, /^\/api\/ontraport\/items$/, /^\/login$/, /^\/forbidden$/];
/** Behind the session: every dashboard page and the dashboard's JSON. */
const PROTECTED_ROUTE_HANDLERS = [/^\/api\/ontraport\/log$/, /^\/api\/ontraport\/transmissions$/, /^\/api\/ontraport\/transmissions\/\[id\]$/];

function classify(r: Route): "public" | "dashboard-page" | "protected-route" | "unclassified" {
  if (PUBLIC.some((re) => re.test(r.pattern))) return "public";
  if (r.kind === "page" && r.file.includes(`${path.sep}(dashboard)${path.sep}`)) return "dashboard-page";
  if (r.kind === "route" && PROTECTED_ROUTE_HANDLERS.some((re) => re.test(r.pattern))) return "protected-route";
  return "unclassified";
}

interface DemoIds {
  orderId: string;
  orderEmail: string;
  itemId: string;
  transmissionId: string;
}

/** Fills dynamic segments with real DEMO values; null when a segment has no known value. */
function fill(pattern: string, ids: DemoIds): string | null {
  let unknown = false;
  const url = pattern.replace(/\[(\.\.\.)?([^\]]+)\]/g, (_m, _rest: string | undefined, name: string) => {
    if (name === "orderId") return ids.orderId;
    if (name === "merchant") return "DEMO";
    if (name === "theme") return "DEFAULT";
    if (name === "token") return "not-a-real-receipt-token";
    if (name === "nextauth") return "session";
    if (name === "id" && pattern.startsWith("/items/")) return ids.itemId;
    if (name === "id" && pattern.includes("/transmissions/")) return ids.transmissionId;
    unknown = true;
    return `[${name}]`;
  });
  return unknown ? null : url;
}

async function ctx(playwright: typeof import("@playwright/test").request, who: Who | null): Promise<APIRequestContext> {
  return playwright.newContext({ baseURL, storageState: who ? storageStateFor(who) : undefined });
}

async function call(api: APIRequestContext, method: string, url: string): Promise<APIResponse> {
  const opts = { maxRedirects: 0, failOnStatusCode: false } as const;
  if (method === "GET") return api.get(url, opts);
  return api.fetch(url, { ...opts, method, data: {}, headers: { "content-type": "application/json" } });
}

function location(res: APIResponse): string {
  return new URL(res.headers()["location"] ?? "", baseURL).pathname;
}

const routes = discoverRoutes();
let ids: DemoIds;
let hostile: { receiptPath: string; orderId: string };

const XSS_FIRST = `<script>window.__xss=1</script>Eve`;
const XSS_LAST = `<img src=x onerror="window.__xss=1">Mallory`;
const XSS_PRODUCT = `<img src=x onerror="window.__xss=1">Kite`;

async function firstTransmission(admin: APIRequestContext): Promise<string | undefined> {
  for (let i = 0; i < 60; i++) {
    const log = (await (await admin.get("/api/ontraport/log")).json()) as { rows?: Array<{ id: string }> };
    if (log.rows?.[0]?.id) return log.rows[0].id;
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

/** A StoreFront order whose shopper typed markup as their name, with the API method on while it is placed. */
async function placeHostileOrder(browser: Browser, admin: APIRequestContext): Promise<{ receiptPath: string; orderId: string }> {
  const adminContext = await browser.newContext({ baseURL, storageState: storageStateFor("admin") });
  const adminPage = await adminContext.newPage();
  const restore = await ensureApiIntegration(adminPage, admin);
  const shopper = await browser.newContext({ baseURL });
  try {
    const page = await shopper.newPage();
    await page.goto("/store/DEMO/DEFAULT");
    await page.getByRole("button", { name: "Add MUG-CLASSIC to cart" }).click();
    await expect(page.getByRole("link", { name: /^Cart \(1 item/ })).toBeVisible();
    await page.getByRole("link", { name: "Checkout" }).first().click();
    await page.getByLabel("First name").fill(XSS_FIRST);
    await page.getByLabel("Last name").fill(XSS_LAST);
    await page.getByLabel("Email").fill("eve@example.org");
    await page.getByLabel("Address").fill(`<b>1</b> Main St`);
    await page.getByLabel("City").fill("Austin");
    await page.getByLabel("State").fill("TX");
    await page.getByLabel("Postal code").fill("73301");
    await page.getByLabel("Card number").fill("4111 1111 1111 1111");
    await page.getByRole("button", { name: "Place order" }).click();
    await expect(page).toHaveURL(/\/receipt\//, { timeout: 30_000 });
    const receiptPath = new URL(page.url()).pathname;
    const orderId = /DEMO-\d{7}/.exec(await page.content())?.[0];
    expect(orderId, "the order id on the receipt").toBeTruthy();
    return { receiptPath, orderId: orderId! };
  } finally {
    await shopper.close();
    // Only for the order above: the method goes back at once, so later specs find it as it was.
    await firstTransmission(admin);
    await restore();
    await adminContext.close();
  }
}

async function expectShownAsText(page: Page, texts: string[]) {
  for (const t of texts) await expect(page.getByText(t, { exact: false }).first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator("img[src='x']").count()).toBe(0);
}

test.describe("isolation sweep", () => {
  test.beforeAll(async ({ playwright, browser }) => {
    test.setTimeout(120_000);
    const admin = await ctx(playwright.request, "admin");
    try {
      const orders = await (await admin.get("/orders")).text();
      const orderId = /href="\/orders\/(DEMO-\d{7})"/.exec(orders)?.[1];
      const itemsPage = await (await admin.get("/items")).text();
      const itemId = /href="\/items\/([^"/]+)"/.exec(itemsPage.replace(/href="\/items\/new"/g, ""))?.[1];
      expect(orderId, "a DEMO order id on /orders").toBeTruthy();
      expect(itemId, "a DEMO item id on /items").toBeTruthy();
      const orderPage = await (await admin.get(`/orders/${orderId}`)).text();
      const orderEmail = /[a-z0-9._-]+@example\.(?:com|org)/.exec(orderPage)?.[0];
      expect(orderEmail, "the customer's email on DEMO's order page").toBeTruthy();
      // A fresh demo has no transmission yet: a StoreFront order placed with the API method on makes
      // one (and is the hostile-name order the rendering test below reads).
      hostile = await placeHostileOrder(browser, admin);
      const transmissionId = await firstTransmission(admin);
      expect(transmissionId, "a DEMO transmission id from /api/ontraport/log").toBeTruthy();
      ids = { orderId: orderId!, orderEmail: orderEmail!, itemId: itemId!, transmissionId: transmissionId! };
    } finally {
      await admin.dispose();
    }
  });

  test("every page and route handler is classified", () => {
    expect(routes.filter((r) => r.kind === "page").length).toBeGreaterThan(10);
    expect(routes.filter((r) => r.kind === "route").length).toBeGreaterThan(3);
    const unclassified = routes.filter((r) => classify(r) === "unclassified").map((r) => `unclassified: ${r.file}`);
    expect(unclassified, "add each new route to PUBLIC or PROTECTED_ROUTE_HANDLERS in e2e/isolation.spec.ts").toEqual([]);
    const unfillable = routes.filter((r) => fill(r.pattern, { orderId: "x", orderEmail: "x", itemId: "x", transmissionId: "x" }) === null).map((r) => `no DEMO value for a segment of ${r.file}`);
    expect(unfillable).toEqual([]);
    // The users page is the one every reviewer expects to be admin-only; the rest are read from the source.
    expect(routes.find((r) => r.pattern === "/users")?.adminOnly).toBe(true);
  });

  test("anonymous: dashboard pages go to /login, protected route handlers answer 401/403", async ({ playwright }) => {
    const anon = await ctx(playwright.request, null);
    const failures: string[] = [];
    try {
      for (const r of routes) {
        const url = fill(r.pattern, ids)!;
        const c = classify(r);
        if (c === "dashboard-page") {
          const res = await call(anon, "GET", url);
          if (!(res.status() >= 300 && res.status() < 400 && location(res) === "/login")) failures.push(`${url}: ${res.status()} ${res.headers()["location"] ?? ""}`);
        } else if (c === "protected-route") {
          for (const m of r.methods) {
            const res = await call(anon, m, url);
            const body = await res.text();
            const toLogin = res.status() >= 300 && res.status() < 400 && location(res) === "/login";
            if (!(toLogin || res.status() === 401 || res.status() === 403)) failures.push(`${m} ${url}: ${res.status()}`);
            if (body.includes(ids.orderId) || body.includes(ids.orderEmail)) failures.push(`${m} ${url}: DEMO data for an anonymous visitor`);
          }
        } else if (c === "public" && r.kind === "page" && url.includes("/receipt/")) {
          // A made-up token is no receipt at all.
          const res = await call(anon, "GET", url);
          expect(res.status(), url).toBe(404);
        }
      }
    } finally {
      await anon.dispose();
    }
    expect(failures).toEqual([]);
  });

  test("support: admin-only pages go to /forbidden; support pages open", async ({ playwright }) => {
    const support = await ctx(playwright.request, "support");
    const failures: string[] = [];
    try {
      const pages = routes.filter((r) => classify(r) === "dashboard-page");
      expect(pages.filter((r) => r.adminOnly).length).toBeGreaterThan(0);
      for (const r of pages) {
        const url = fill(r.pattern, ids)!;
        const res = await call(support, "GET", url);
        if (r.adminOnly) {
          if (!(res.status() >= 300 && res.status() < 400 && location(res) === "/forbidden")) failures.push(`${url}: ${res.status()} ${res.headers()["location"] ?? ""} (expected /forbidden)`);
        } else if (res.status() !== 200) failures.push(`${url}: ${res.status()} (support should see it)`);
      }
    } finally {
      await support.dispose();
    }
    expect(failures).toEqual([]);
  });

  test("hostile query strings and ids (NUL, malformed escapes, huge) never give a 500", async ({ playwright }) => {
    test.setTimeout(120_000);
    const admin = await ctx(playwright.request, "admin");
    const failures: string[] = [];
    const nasty = ["%00", "%E0%A4%A", "%3Cscript%3E", "x".repeat(3000)];
    const params = ["q", "items", "after", "before", "stage", "filter", "type", "status", "from", "to", "sort", "cursor", "range"];
    try {
      for (const r of routes) {
        const c = classify(r);
        if (c !== "dashboard-page" && c !== "protected-route") continue;
        if (r.kind === "route" && !r.methods.includes("GET")) continue;
        for (const v of nasty) {
          const base = r.pattern.includes("[") ? r.pattern.replace(/\[(\.\.\.)?[^\]]+\]/g, v) : r.pattern;
          const url = `${base}?${params.map((p) => `${p}=${v}`).join("&")}`;
          const res = await call(admin, "GET", url);
          if (res.status() >= 500) failures.push(`GET ${url.slice(0, 120)}: ${res.status()}`);
        }
      }
    } finally {
      await admin.dispose();
    }
    expect(failures).toEqual([]);
  });

  test("ACME's admin with DEMO's ids: 404 and never DEMO's data", async ({ playwright }) => {
    const acme = await ctx(playwright.request, "acme");
    const failures: string[] = [];
    let checkedIdRoutes = 0;
    try {
      for (const r of routes) {
        const c = classify(r);
        if (c !== "dashboard-page" && c !== "protected-route") continue;
        const url = fill(r.pattern, ids)!;
        const dynamic = r.pattern.includes("[");
        for (const m of r.kind === "page" ? ["GET"] : r.methods.filter((x) => x === "GET")) {
          const res = await call(acme, m, url);
          const body = await res.text();
          if (dynamic) {
            checkedIdRoutes++;
            if (res.status() !== 404) failures.push(`${m} ${url}: ${res.status()} (expected 404)`);
          } else if (res.status() !== 200) failures.push(`${m} ${url}: ${res.status()}`);
          // The id asked for may be echoed back (the page title says what was asked); nothing else may show.
          for (const secret of [ids.orderId, ids.orderEmail, ids.transmissionId].filter((x) => !url.includes(x))) {
            if (body.includes(secret)) failures.push(`${m} ${url}: shows DEMO's ${secret}`);
          }
        }
      }
      // DEMO's data through the dashboard's JSON with a search for it.
      const search = await call(acme, "GET", `/api/ontraport/log?q=${encodeURIComponent(ids.orderId)}`);
      expect(search.status()).toBe(200);
      expect(await search.text()).not.toContain(ids.orderId);
      const xml = await call(acme, "GET", `/api/ontraport/transmissions/${ids.transmissionId}?format=xml`);
      expect(xml.status()).toBe(404);
    } finally {
      await acme.dispose();
    }
    expect(checkedIdRoutes).toBeGreaterThanOrEqual(3);
    expect(failures).toEqual([]);
  });

  test("stored markup shows as text: receipt, Review Order and the Product Mapping table", async ({ browser }) => {
    const shopper = await browser.newContext({ baseURL });
    const admin = await browser.newContext({ baseURL, storageState: storageStateFor("admin") });
    try {
      const receipt = await shopper.newPage();
      await receipt.goto(hostile.receiptPath);
      await expectShownAsText(receipt, ["<script>window.__xss=1</script>Eve"]);
      await screenshot(receipt, "isolation-receipt-markup-as-text");

      const page = await admin.newPage();
      await page.goto(`/orders/${hostile.orderId}`);
      await expect(page.getByRole("heading", { level: 1, name: `Review Order ${hostile.orderId}` })).toBeVisible();
      await expectShownAsText(page, [XSS_FIRST, XSS_LAST]);
      await screenshot(page, "isolation-order-markup-as-text");

      // An item whose description and ONTRAPORT Product Name are markup, made in the item editor.
      const id = `XSS-${Date.now() % 100000}`;
      await page.goto("/items/new");
      await page.getByLabel("Item ID").fill(id);
      await page.getByLabel("Price").fill("1.00");
      await page.getByLabel("Description").fill(`<script>window.__xss=1</script>Kite`);
      await page.getByLabel("ONTRAPORT Product Name (oapProductid)").fill(XSS_PRODUCT);
      await page.getByRole("button", { name: "Create item" }).click();
      await expect(page.getByRole("heading", { name: `Item ${id}` })).toBeVisible();
      await page.goto(`/configuration/external-integrations/ontraport/mapping?items=${id}`);
      const table = page.getByRole("table", { name: "Product Mapping" });
      await expect(table.getByText(`<script>window.__xss=1</script>Kite`)).toBeVisible();
      await expect(table.locator("input").first()).toHaveValue(XSS_PRODUCT);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator("img[src='x']").count()).toBe(0);
      await screenshot(page, "isolation-mapping-markup-as-text");
    } finally {
      await shopper.close();
      await admin.close();
    }
  });
});
