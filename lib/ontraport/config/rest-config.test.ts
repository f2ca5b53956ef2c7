import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { seedDemo } from "@/lib/demo/seed";
import { auditLog, ontraportConfigs, users } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { rowsOf } from "@/lib/db/client";
import { SimClient } from "@/tools/ontraport-sim/client";
import { startSimulator, type RunningSimulator } from "@/tools/ontraport-sim/server";
import { getConfigView, saveConfiguration } from "./config";
import { testConnection } from "./test-connection";

// The REST protocol's configuration: App ID and key, the store-wide tag, switching protocol, and
// Test connection against the simulator's REST API.

const KEY = "rest-secret-KEY-1234567890";
const APP = "2_12345_AbCdEf";

describe.each(testBackends())("ONTRAPORT REST configuration on %s", (kind) => {
  let t: TestDatabase;
  let sim: RunningSimulator;
  let client: SimClient;
  let admin: string;

  beforeAll(async () => {
    process.env.CARTLINK_ENCRYPTION_KEY = randomBytes(32).toString("hex");
    process.env.AUTH_SECRET ??= "x".repeat(40);
    sim = await startSimulator({ port: 0 });
    client = new SimClient(sim.url);
    process.env.ONTRAPORT_REST_BASE_URL = client.restUrl;
    resetEnvCache();
    t = await openTestDatabase(kind);
    await seedDemo(t.db, { orderCount: 0 });
    await t.db.delete(ontraportConfigs).where(eq(ontraportConfigs.merchantId, "DEMO"));
    admin = (await t.db.select().from(users)).find((u) => u.email === "admin@demo.test")!.id;
  });
  afterAll(async () => {
    delete process.env.ONTRAPORT_REST_BASE_URL;
    await t?.close();
    await sim.close();
  });

  it("REST is the default; it needs an App ID, and both fields are checked before anything is written", async () => {
    expect((await getConfigView(t.db, { merchantId: "DEMO" })).protocol).toBe("rest");
    await expect(saveConfiguration(t.db, { merchantId: "DEMO", userId: admin, method: "api", protocol: "rest", apiKey: KEY })).rejects.toMatchObject({ field: "appId" });
    await expect(saveConfiguration(t.db, { merchantId: "DEMO", userId: admin, method: "api", protocol: "rest", appId: "has space", apiKey: KEY })).rejects.toMatchObject({ field: "appId" });
    await expect(saveConfiguration(t.db, { merchantId: "DEMO", userId: admin, method: "api", protocol: "rest", appId: APP, apiKey: KEY, tagEveryBuyer: "A, B" })).rejects.toMatchObject({
      field: "tagEveryBuyer",
    });
    const v = await getConfigView(t.db, { merchantId: "DEMO" });
    expect(v).toMatchObject({ hasKey: false, appId: null, method: "off" });

    const { changes } = await saveConfiguration(t.db, { merchantId: "DEMO", userId: admin, method: "api", protocol: "rest", appId: ` ${APP} `, apiKey: KEY, tagEveryBuyer: " Customer " });
    expect(changes).toEqual(expect.arrayContaining(["App ID", "tag for every buyer", "API key", "integration method"]));
    expect(await getConfigView(t.db, { merchantId: "DEMO" })).toMatchObject({ protocol: "rest", appId: APP, tagEveryBuyer: "Customer", hasKey: true, method: "api" });
  });

  it("Test connection over REST: Valid, Rejected key (401), No permission (403), Unreachable — and the key status follows", async () => {
    await client.setRestAccount(APP, KEY, "valid");
    expect(await testConnection(t.db, { merchantId: "DEMO", userId: admin })).toMatchObject({ result: "valid", code: 200 });
    expect((await getConfigView(t.db, { merchantId: "DEMO" })).keyStatus).toBe("valid");
    const [req] = (await client.restRequests()).slice(-1);
    expect(req).toMatchObject({ method: "GET", path: "/1/objects" });
    expect(req!.query).toMatchObject({ objectID: "0", range: "1" });

    await client.setRestAccount(APP, KEY, "stale");
    const rejected = await testConnection(t.db, { merchantId: "DEMO", userId: admin });
    expect(rejected).toMatchObject({ result: "stale", code: 401 });
    expect(rejected.message).toContain("Your App ID and API Key do not authenticate.");
    expect((await getConfigView(t.db, { merchantId: "DEMO" })).keyStatus).toBe("stale");

    await client.setRestAccount(APP, KEY, "forbidden");
    expect(await testConnection(t.db, { merchantId: "DEMO", userId: admin })).toMatchObject({ result: "no_permission", code: 403 });

    process.env.ONTRAPORT_REST_BASE_URL = "http://127.0.0.1:9/1";
    try {
      expect(await testConnection(t.db, { merchantId: "DEMO", userId: admin })).toMatchObject({ result: "unreachable", code: null });
    } finally {
      process.env.ONTRAPORT_REST_BASE_URL = client.restUrl;
    }
    // The key travels as a header only: never in what the simulator recorded, never in the audit log.
    expect(JSON.stringify(await client.restRequests())).not.toContain(KEY);
    const audit = rowsOf<{ j: string }>(await t.db.execute(sql`select row_to_json(a)::text as j from audit_log a`));
    for (const r of audit) expect(r.j).not.toContain(KEY);
  });

  it("switching protocol forgets the key unless a new one is entered, and is audited", async () => {
    await expect(saveConfiguration(t.db, { merchantId: "DEMO", userId: admin, method: "api", protocol: "xml" })).rejects.toMatchObject({ field: "apiKey" });
    expect((await getConfigView(t.db, { merchantId: "DEMO" })).protocol).toBe("rest");
    await saveConfiguration(t.db, { merchantId: "DEMO", userId: admin, method: "api", protocol: "xml", apiKey: "xml-key-0987654321" });
    expect(await getConfigView(t.db, { merchantId: "DEMO" })).toMatchObject({ protocol: "xml", hasKey: true });
    const actions = (await t.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.merchantId, "DEMO"))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["ontraport.protocol_changed", "ontraport.key_cleared", "ontraport.app_id_changed", "ontraport.buyer_tag_changed"]));
  });
});
