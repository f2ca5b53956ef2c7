import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { seedDemo } from "@/lib/demo/seed";
import { regeneratePollingKey } from "@/lib/ontraport/config/polling-key";
import { placeOrderLimited, type CheckoutInput } from "@/lib/orders/checkout";
import { clientAddress, LIMITS, recordFailure, signInFailed, signInSucceeded, signInWait, TooManyAttempts, waitSeconds } from "./limits";

const billing = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", address1: "1 Main St", city: "Austin", stateRegion: "TX", postalCode: "73301", countryCode: "US", dayPhone: "" };

describe.each(testBackends())("abuse limits on %s", (kind) => {
  let t: TestDatabase;
  let n = 0;
  beforeAll(async () => {
    process.env.AUTH_SECRET ??= "x".repeat(40);
    process.env.CARTLINK_ENCRYPTION_KEY ??= "a".repeat(64);
    t = await openTestDatabase(kind);
    await seedDemo(t.db, { orderCount: 2 });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it("sign-in by account: growing waits, never a long lock a stranger can trigger", async () => {
    const t0 = new Date("2026-11-25T12:00:00Z");
    const who = (i: number) => ({ email: "Admin@Demo.test", client: `10.0.0.${i}` });
    for (let i = 0; i < LIMITS.signInAccount.free; i++) await signInFailed(t.db, who(i), t0);
    expect(await signInWait(t.db, who(99), t0)).toBeNull();
    await signInFailed(t.db, who(50), t0);
    expect(await signInWait(t.db, who(99), t0)).toBe(2);
    await signInFailed(t.db, who(51), t0);
    expect(await signInWait(t.db, who(99), t0)).toBe(4);
    for (let i = 0; i < 30; i++) await signInFailed(t.db, who(60 + i), t0);
    // At most a minute, however many wrong passwords strangers type.
    expect(await signInWait(t.db, who(99), t0)).toBe(60);
    expect(await signInWait(t.db, who(99), new Date(t0.getTime() + 61_000))).toBeNull();
    await signInSucceeded(t.db, { email: "admin@demo.test" });
    expect(await signInWait(t.db, who(99), t0)).toBeNull();
  });

  it("sign-in by client address: many accounts from one address wait, other addresses do not", async () => {
    const t0 = new Date("2026-11-25T13:00:00Z");
    for (let i = 0; i <= LIMITS.signInClient.free; i++) await signInFailed(t.db, { email: `u${i}@x.test`, client: "203.0.113.9" }, t0);
    expect(await signInWait(t.db, { email: "fresh@x.test", client: "203.0.113.9" }, t0)).toBe(2);
    expect(await signInWait(t.db, { email: "u1@x.test", client: "198.51.100.1" }, t0)).toBeNull();
    // Failures older than the window are forgotten.
    await recordFailure(t.db, LIMITS.signInClient, "203.0.113.9", new Date(t0.getTime() + LIMITS.signInClient.windowMs + 1000));
    expect(await waitSeconds(t.db, LIMITS.signInClient, "203.0.113.9", new Date(t0.getTime() + LIMITS.signInClient.windowMs + 1000))).toBeNull();
  });

  it("the client address is the last X-Forwarded-For entry (the nearest proxy's)", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "1.1.1.1, 10.0.0.1" }))).toBe("10.0.0.1");
    expect(clientAddress(new Headers({ "x-real-ip": "10.0.0.2" }))).toBe("10.0.0.2");
    expect(clientAddress(new Headers())).toBe("unknown");
  });

  const order = (over: Partial<CheckoutInput> & { client: string }) =>
    placeOrderLimited(t.db, {
      merchantId: "DEMO",
      themeCode: "DEFAULT",
      cart: [{ itemId: "MUG-CLASSIC", quantity: 1 }],
      billing,
      choice: "card",
      cardNumber: "4111 1111 1111 1111",
      checkoutKey: `lim-${kind}-${++n}-0000000000`,
      ...over,
    });

  it("checkout: declined cards from one client make its next card checkout wait (429); other methods and clients go on", async () => {
    for (let i = 0; i < LIMITS.checkoutClient.free + 1; i++) {
      await expect(order({ client: "192.0.2.50", cardNumber: "4000 0000 0000 0002" })).rejects.toMatchObject({ field: "cardNumber" });
    }
    const refused = await order({ client: "192.0.2.50" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TooManyAttempts);
    expect(refused).toMatchObject({ status: 429, retryAfterSeconds: 5 });
    expect((refused as Error).message).toMatch(/Too many declined cards.*Wait 5 seconds/);
    await expect(order({ client: "192.0.2.50", choice: "echeck", cardNumber: undefined })).resolves.toMatchObject({ duplicate: false });
    await expect(order({ client: "192.0.2.51" })).resolves.toMatchObject({ duplicate: false });
  });

  it("checkout: declined cards at one store from many clients make that store's card checkouts wait", async () => {
    // The previous test left free + 1 declines at DEMO: the store's count goes on from there.
    let declines = 0;
    for (let i = 0; ; i++) {
      const e = await order({ client: `198.18.0.${i}`, cardNumber: i % 2 ? "4000 0000 0000 0002" : "4111 1111 1111 1112" }).catch((x: unknown) => x);
      if (e instanceof TooManyAttempts) break;
      expect(e).toMatchObject({ field: "cardNumber" });
      declines++;
      expect(declines).toBeLessThanOrEqual(LIMITS.checkoutStore.free);
    }
    expect(declines).toBe(LIMITS.checkoutStore.free - (LIMITS.checkoutClient.free + 1) + 1);
    await expect(order({ client: "198.18.1.1" })).rejects.toBeInstanceOf(TooManyAttempts);
    await expect(placeOrderLimited(t.db, { merchantId: "ACME", themeCode: "DEFAULT", cart: [], billing, choice: "card", checkoutKey: "acme-lim-000000000000", client: "198.18.1.1" })).rejects.not.toBeInstanceOf(TooManyAttempts);
  });

  it("item poll: wrong keys from one client answer 429 with Retry-After and a clear message", async () => {
    globalThis.__cartlinkDb = Promise.resolve(t);
    try {
      const key = await regeneratePollingKey(t.db, { merchantId: "DEMO", userId: null });
      const { GET } = await import("@/app/api/ontraport/items/route");
      const poll = (k: string, ip: string) => GET(new NextRequest(`http://127.0.0.1:3000/api/ontraport/items?key=${encodeURIComponent(k)}`, { headers: { "x-forwarded-for": ip } }));
      for (let i = 0; i < LIMITS.itemPollClient.free + 1; i++) expect((await poll(`wrong-${i}`, "192.0.2.77")).status).toBe(401);
      const limited = await poll(key, "192.0.2.77");
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("2");
      expect(await limited.text()).toContain("Too many wrong polling keys");
      expect((await poll(key, "192.0.2.78")).status).toBe(200);
    } finally {
      globalThis.__cartlinkDb = undefined;
    }
  });

  it("sign-in posted to next-auth's own endpoint answers 429 with Retry-After while a wait applies", async () => {
    globalThis.__cartlinkDb = Promise.resolve(t);
    try {
      const { signInLimited } = await import("@/lib/auth/sign-in-limit");
      const post = (email: string, ip: string) =>
        signInLimited(new Request("http://127.0.0.1:3000/api/auth/callback/credentials", { method: "POST", headers: { "x-forwarded-for": ip, "content-type": "application/x-www-form-urlencoded" }, body: `email=${encodeURIComponent(email)}&password=x` }));
      for (let i = 0; i <= LIMITS.signInAccount.free; i++) await signInFailed(t.db, { email: "support@demo.test", client: `10.9.0.${i}` });
      const r = await post("support@demo.test", "10.9.1.1");
      expect(r?.status).toBe(429);
      expect(Number(r?.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await r?.text()).toMatch(/Too many failed sign-ins\. Wait \d+ seconds?, then try again\./);
      expect(await post("admin@acme.test", "10.9.1.1")).toBeNull();
    } finally {
      globalThis.__cartlinkDb = undefined;
    }
  });
});
