import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { seedDemo } from "@/lib/demo/seed";
import { auditLog, ontraportConfigs, themes, transmissions, users } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { egressPolicy } from "@/lib/net/egress";
import { rowsOf } from "@/lib/db/client";
import { clearApiKey, getConfigView, listChangeHistory, saveApiKey, saveConfiguration, setMethod } from "./config";
import { readPollingKey, regeneratePollingKey } from "./polling-key";
import { probeKey, testConnection } from "./test-connection";
import { decryptSecret, sha256Hex } from "./crypto";

const KEY = "op-secret-KEY-1234567890-zz9f";

/** A stand-in ONTRAPORT answering by key, recording what it received. */
function fakeOntraport() {
  const keys = new Map<string, "valid" | "stale">();
  const received: Array<{ body: string; ua: string | undefined; type: string | undefined }> = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ body, ua: req.headers["user-agent"], type: req.headers["content-type"] });
      const p = new URLSearchParams(body);
      const state = keys.get(p.get("key") ?? "");
      if (req.url === "/500") return res.writeHead(500).end("oops");
      if (!state) return res.writeHead(200, { "content-type": "application/xml" }).end("<error>Invalid AppId / Key Combination</error>");
      if (state === "stale") return res.writeHead(403).end("<error>Forbidden</error>");
      res.writeHead(200, { "content-type": "application/xml" }).end("<result><status>Success</status></result>");
    });
  });
  return { server, keys, received };
}

describe.each(testBackends())("ONTRAPORT configuration on %s", (kind) => {
  let t: TestDatabase;
  let demoAdmin: string;
  let acmeAdmin: string;
  const fake = fakeOntraport();
  let endpoint: string;
  const logged: string[] = [];

  beforeAll(async () => {
    process.env.CARTLINK_ENCRYPTION_KEY = randomBytes(32).toString("hex");
    process.env.AUTH_SECRET ??= "x".repeat(40);
    process.env.CARTLINK_ALLOW_LOCAL_ONTRAPORT = "true";
    await new Promise<void>((r) => fake.server.listen(0, "127.0.0.1", r));
    endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/`;
    process.env.ONTRAPORT_ENDPOINT = endpoint;
    resetEnvCache();
    t = await openTestDatabase(kind);
    await seedDemo(t.db, { orderCount: 5 });
    const all = await t.db.select().from(users);
    demoAdmin = all.find((u) => u.email === "admin@demo.test")!.id;
    acmeAdmin = all.find((u) => u.email === "admin@acme.test")!.id;
    for (const m of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      });
    }
  });
  afterEach(() => {
    fake.received.length = 0;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.close();
    await new Promise((r) => fake.server.close(r));
  });

  it("saves a new key encrypted, shows only the mask, and resumes paused transmissions in the same transaction", async () => {
    await t.db.insert(transmissions).values([
      { merchantId: "DEMO", type: "sale", description: "Sale A", payload: "<x/>", idempotencyKey: "sale:A", status: "paused" },
      { merchantId: "ACME", type: "sale", description: "Sale B", payload: "<x/>", idempotencyKey: "sale:B", status: "paused" },
    ]);
    // These cases are the XML protocol's; REST has its own below.
    await t.db.insert(ontraportConfigs).values({ merchantId: "DEMO", protocol: "xml", keyStatus: "stale", pausedAt: new Date(), pausedReason: "HTTP 403" });
    await t.db.insert(ontraportConfigs).values({ merchantId: "ACME", protocol: "xml" }).onConflictDoUpdate({ target: ontraportConfigs.merchantId, set: { protocol: "xml" } });

    const { resumed } = await saveApiKey(t.db, { merchantId: "DEMO", userId: demoAdmin, key: `  ${KEY}  ` });
    expect(resumed).toBe(1);

    const [row] = await t.db.select().from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, "DEMO"));
    expect(row!.apiKeyCiphertext).not.toContain(KEY);
    expect(decryptSecret(row!.apiKeyCiphertext!)).toBe(KEY);
    expect(row!.apiKeyHint).toBe("z9f".padStart(4, "z"));
    expect(row!.keyStatus).toBe("untested");
    expect(row!.pausedAt).toBeNull();
    expect(row!.pausedReason).toBeNull();
    const tx = await t.db.select({ key: transmissions.idempotencyKey, status: transmissions.status }).from(transmissions);
    expect(tx.find((x) => x.key === "sale:A")!.status).toBe("pending");
    expect(tx.find((x) => x.key === "sale:B")!.status).toBe("paused");

    const view = await getConfigView(t.db, { merchantId: "DEMO" });
    expect(view.keyMask).toBe("••••zz9f");
    expect(JSON.stringify(view)).not.toContain(KEY);
    expect(JSON.stringify(view)).not.toContain(row!.apiKeyCiphertext!);
  });

  it("the key is nowhere in the database in plain text", async () => {
    for (const table of ["ontraport_configs", "audit_log", "transmissions", "domain_events"]) {
      const rows = rowsOf<{ j: string }>(await t.db.execute(sql`select row_to_json(x)::text as j from ${sql.raw(table)} x`));
      for (const r of rows) expect(r.j).not.toContain(KEY);
    }
  });

  it("tests the connection: valid, stale (403), rejected (<error>), unreachable, and records the status", async () => {
    fake.keys.set(KEY, "valid");
    const ok = await testConnection(t.db, { merchantId: "DEMO", userId: demoAdmin });
    expect(ok).toMatchObject({ result: "valid", code: 200 });
    expect(fake.received).toHaveLength(1);
    expect(fake.received[0]!.body).toBe(`key=${encodeURIComponent(KEY)}&reqType=key&data=`);
    expect(fake.received[0]!.ua).toBe("cartlink/0.1.0");
    expect(fake.received[0]!.type).toMatch(/^application\/x-www-form-urlencoded/);
    let [row] = await t.db.select().from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, "DEMO"));
    expect(row!.keyStatus).toBe("valid");
    expect(row!.keyStatusCode).toBe(200);

    fake.keys.set(KEY, "stale");
    expect(await testConnection(t.db, { merchantId: "DEMO", userId: demoAdmin })).toMatchObject({ result: "stale", code: 403 });
    [row] = await t.db.select().from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, "DEMO"));
    expect(row!.keyStatus).toBe("stale");
    expect(row!.keyStatusCode).toBe(403);

    fake.keys.delete(KEY);
    const rejected = await testConnection(t.db, { merchantId: "DEMO", userId: demoAdmin });
    expect(rejected).toMatchObject({ result: "rejected", code: 200 });
    expect(rejected.message).toContain("Invalid AppId / Key Combination");

    expect(await probeKey({ endpoint: `${endpoint}500`, key: KEY })).toMatchObject({ result: "unreachable", code: 500 });
    // Not the allowed simulator origin: refused before any connection, without saying what is there.
    const down = await probeKey({ endpoint: "http://127.0.0.1:1/", key: KEY });
    expect(down.result).toBe("unreachable");
    expect(down.code).toBeNull();
    expect(down.message).toContain("not allowed");
    expect(down.message).not.toContain(KEY);
  });

  it("reports a timeout as unreachable", async () => {
    const never = (_url: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener("abort", () => reject(init.signal!.reason));
      });
    const r = await probeKey({ endpoint, key: KEY, fetchImpl: never, timeoutMs: 50 });
    expect(r).toMatchObject({ result: "unreachable", code: null });
    expect(r.message).toMatch(/no answer within/);
  });

  it("switching the method sets enabledAt and is audited; an API method without a key is refused", async () => {
    await expect(saveConfiguration(t.db, { merchantId: "ACME", userId: acmeAdmin, method: "api", protocol: "xml", apiKey: "" })).rejects.toMatchObject({ field: "apiKey" });
    const before = new Date(Date.now() - 1000);
    await saveConfiguration(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "api", protocol: "xml" });
    const [row] = await t.db.select().from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, "DEMO"));
    expect(row!.method).toBe("api");
    expect(row!.enabledAt!.getTime()).toBeGreaterThan(before.getTime());
    expect(await setMethod(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "api" })).toBe(false);
    expect(await setMethod(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "off" })).toBe(true);
    const [off] = await t.db.select().from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, "DEMO"));
    expect(off!.method).toBe("off");
    expect(off!.enabledAt).toBeNull();
  });

  it("pixel: keeps the host of a pasted URL, refuses javascript: and writes nothing when one theme is wrong", async () => {
    await expect(
      saveConfiguration(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "pixel", subdomains: { DEFAULT: "ok.ontraport.com", HOLIDAY: "javascript:alert(1)" } }),
    ).rejects.toMatchObject({ field: "subdomain_HOLIDAY" });
    const untouched = await t.db.select().from(themes).where(eq(themes.merchantId, "DEMO"));
    expect(untouched.every((th) => th.ontraportSubdomain === null)).toBe(true);
    const [cfg] = await t.db.select().from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, "DEMO"));
    expect(cfg!.method).toBe("off");

    expect(await saveConfiguration(t.db, { merchantId: "ACME", userId: acmeAdmin, method: "pixel", subdomains: { DEFAULT: " " } })).toMatchObject({ noSubdomain: true });
    await setMethod(t.db, { merchantId: "ACME", userId: acmeAdmin, method: "off" });

    await saveConfiguration(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "pixel", subdomains: { HOLIDAY: "https://Holiday.Ontraport.com/p?order_id=1" } });
    const after = await t.db.select().from(themes).where(eq(themes.merchantId, "DEMO"));
    expect(after.find((th) => th.code === "HOLIDAY")!.ontraportSubdomain).toBe("holiday.ontraport.com");
    expect(after.find((th) => th.code === "DEFAULT")!.ontraportSubdomain).toBeNull();
  });

  it("endpoint override must be https (or local in development)", async () => {
    await expect(saveConfiguration(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "api", protocol: "xml", endpointUrl: "ftp://x.example.com/" })).rejects.toMatchObject({ field: "endpointUrl" });
    await expect(saveConfiguration(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "api", protocol: "xml", endpointUrl: "http://evil.example.com/" })).rejects.toMatchObject({ field: "endpointUrl" });
    const policy = { ...egressPolicy(), resolver: async () => [{ address: "8.8.8.8", family: 4 }] };
    await saveConfiguration(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "api", protocol: "xml", apiKey: KEY, endpointUrl: "https://api.ontraport.com/cdata.php", policy });
    expect((await getConfigView(t.db, { merchantId: "DEMO" })).endpointUrl).toBe("https://api.ontraport.com/cdata.php");
    await saveConfiguration(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "api", protocol: "xml", apiKey: KEY, endpointUrl: "", policy });
    expect((await getConfigView(t.db, { merchantId: "DEMO" })).endpointUrl).toBeNull();
  });

  it("an endpoint override is resolved at save: a name resolving to a private address, another local port or an address literal is refused", async () => {
    const loopback = { ...egressPolicy(), resolver: async () => [{ address: "127.0.0.1", family: 4 }] };
    for (const endpointUrl of ["https://api.ontraport.com/cdata.php", "https://169.254.169.254/", "https://[::1]/", "https://2130706433:3000/", "http://127.0.0.1:1/", "https://127.0.0.1.nip.io/"]) {
      await expect(saveConfiguration(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "api", protocol: "xml", apiKey: KEY, endpointUrl, policy: loopback }), endpointUrl).rejects.toMatchObject({
        field: "endpointUrl",
        message: expect.stringContaining("not allowed"),
      });
    }
    expect((await getConfigView(t.db, { merchantId: "DEMO" })).endpointUrl).toBeNull();
  });

  it("changing the endpoint forgets the key: it must be entered again, and the change is audited", async () => {
    const policy = { ...egressPolicy(), resolver: async () => [{ address: "8.8.8.8", family: 4 }] };
    await saveApiKey(t.db, { merchantId: "DEMO", userId: demoAdmin, key: KEY });
    await expect(saveConfiguration(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "api", protocol: "xml", endpointUrl: "https://eu.ontraport.com/cdata.php", policy })).rejects.toMatchObject({ field: "apiKey" });
    let [row] = await t.db.select().from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, "DEMO"));
    expect(row!.endpointUrl).toBeNull();
    expect(decryptSecret(row!.apiKeyCiphertext!)).toBe(KEY);
    // Re-entered with the change: the old key is forgotten (audited), the new one stored.
    await saveConfiguration(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "api", protocol: "xml", apiKey: "another-key-0987654321", endpointUrl: "https://eu.ontraport.com/cdata.php", policy });
    [row] = await t.db.select().from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, "DEMO"));
    expect(row!.endpointUrl).toBe("https://eu.ontraport.com/cdata.php");
    expect(decryptSecret(row!.apiKeyCiphertext!)).toBe("another-key-0987654321");
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.merchantId, "DEMO"));
    expect(audit.some((a) => a.action === "ontraport.key_cleared" && (a.detail as { reason?: string }).reason === "endpoint_changed")).toBe(true);
    await saveConfiguration(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "api", protocol: "xml", apiKey: KEY, endpointUrl: "", policy });
  });

  it("a DEMO admin cannot read or change ACME's configuration", async () => {
    const ACME_KEY = "acme-only-key-abcdef";
    await saveApiKey(t.db, { merchantId: "ACME", userId: acmeAdmin, key: ACME_KEY });
    const demoView = await getConfigView(t.db, { merchantId: "DEMO" });
    expect(demoView.keyMask).not.toContain("cdef");
    // Everything the DEMO admin can do is keyed by DEMO: ACME's row and themes stay as they were.
    await saveConfiguration(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "pixel", subdomains: { DEFAULT: "demo.ontraport.com" } });
    await clearApiKey(t.db, { merchantId: "DEMO", userId: demoAdmin });
    await regeneratePollingKey(t.db, { merchantId: "DEMO", userId: demoAdmin });
    const [acme] = await t.db.select().from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, "ACME"));
    expect(decryptSecret(acme!.apiKeyCiphertext!)).toBe(ACME_KEY);
    expect(acme!.pollingKeyHash).toBeNull();
    const acmeThemes = await t.db.select().from(themes).where(eq(themes.merchantId, "ACME"));
    expect(acmeThemes.every((th) => th.ontraportSubdomain === null)).toBe(true);
    const demoHistory = await listChangeHistory(t.db, { merchantId: "DEMO" });
    expect(demoHistory.every((h) => h.who !== "admin@acme.test")).toBe(true);
    // A theme code that is not DEMO's is "not found", never ACME's.
    await expect(saveConfiguration(t.db, { merchantId: "DEMO", userId: demoAdmin, method: "pixel", subdomains: { NOPE: "x.ontraport.com" } })).rejects.toMatchObject({ status: 404 });
  });

  it("polling key: random, stored as hash and ciphertext, replaced on regenerate, audited", async () => {
    const a = await regeneratePollingKey(t.db, { merchantId: "ACME", userId: acmeAdmin });
    const b = await regeneratePollingKey(t.db, { merchantId: "ACME", userId: acmeAdmin });
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    const [row] = await t.db.select().from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, "ACME"));
    expect(row!.pollingKeyHash).toBe(sha256Hex(b));
    expect(await readPollingKey(t.db, { merchantId: "ACME" })).toBe(b);
    const history = await listChangeHistory(t.db, { merchantId: "ACME" });
    expect(history.filter((h) => h.action === "ontraport.polling_key_regenerated")).toHaveLength(2);
  });

  it("every change is in the change history with user and time, and never the key", async () => {
    const history = await listChangeHistory(t.db, { merchantId: "DEMO", limit: 100 });
    const actions = new Set(history.map((h) => h.action));
    for (const a of ["ontraport.key_set", "ontraport.key_cleared", "ontraport.method_changed", "ontraport.subdomain_changed", "ontraport.endpoint_changed", "ontraport.polling_key_regenerated"]) {
      expect(actions).toContain(a);
    }
    expect(history.every((h) => h.who === "admin@demo.test" && h.at instanceof Date)).toBe(true);
    const audit = await t.db.select().from(auditLog);
    expect(JSON.stringify(audit)).not.toContain(KEY);
  });

  it("never logged the key", () => {
    expect(logged.join("\n")).not.toContain(KEY);
  });
});
