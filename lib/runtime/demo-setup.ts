import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { openDatabase, type Db } from "@/lib/db/client";
import { ontraportConfigs } from "@/lib/db/schema";
import { seedDemo } from "@/lib/demo/seed";
import { decodeKey } from "@/lib/env";
import { encryptSecret, fingerprint, sha256Hex } from "@/lib/ontraport/config/crypto";

/** The key the demo's ONTRAPORT simulator accepts (scripts/demo.ts starts it with this key). */
export const DEMO_ONTRAPORT_KEY = "demo-ontraport-key";
/** The App ID the simulator's REST API registers with that key. */
export const DEMO_ONTRAPORT_APP_ID = "demo-app";

/**
 * Migrates and seeds the demo database, wires DEMO to the simulator, then closes it (so the web
 * server can own the embedded database). Returns whether demo data was created.
 */
export async function prepareDemoDatabase(opts: { databaseUrl?: string; dataDir: string; simUrl: string }): Promise<boolean> {
  const database = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
  try {
    const seeded = await seedDemo(database.db);
    await ensureDemoOntraport(database.db);
    return seeded;
  } finally {
    await database.close();
  }
}

/**
 * DEMO on the API method with the simulator's key, switched on now (older demo orders are not
 * replayed), endpoint left to ONTRAPORT_ENDPOINT (the simulator), and a polling key for the item
 * poll. Only when DEMO has no configuration yet: running the demo again keeps what the merchant set.
 */
export async function ensureDemoOntraport(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const [existing] = await db.select({ id: ontraportConfigs.merchantId }).from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, "DEMO"));
  if (existing) return false;
  const key = decodeKey(env.CARTLINK_ENCRYPTION_KEY ?? "");
  if (!key) throw new Error("CARTLINK_ENCRYPTION_KEY must be set before the demo is prepared");
  const pollingKey = randomBytes(24).toString("base64url");
  const now = new Date();
  await db
    .insert(ontraportConfigs)
    .values({
      merchantId: "DEMO",
      method: "api",
      // REST unless told otherwise (the e2e suite's XML specs start the demo with --protocol xml).
      protocol: env.CARTLINK_DEMO_PROTOCOL === "xml" ? "xml" : "rest",
      appId: DEMO_ONTRAPORT_APP_ID,
      tagEveryBuyer: "Customer",
      apiKeyCiphertext: encryptSecret(DEMO_ONTRAPORT_KEY, key),
      apiKeyHint: DEMO_ONTRAPORT_KEY.slice(-4),
      apiKeyFingerprint: fingerprint(DEMO_ONTRAPORT_KEY),
      apiKeySetAt: now,
      endpointUrl: null,
      pollingKeyHash: sha256Hex(pollingKey),
      pollingKeyCiphertext: encryptSecret(pollingKey, key),
      enabledAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing();
  return true;
}
