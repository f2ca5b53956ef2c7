import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { merchants, ontraportConfigs } from "@/lib/db/schema";
import { insertOrder } from "@/lib/orders/create";
import type { Stage, PaymentStatus } from "@/lib/orders/paid";
import { decryptSecret, encryptSecret } from "@/lib/ontraport/config/crypto";
import type { DeliveryRequest, DeliveryResponse } from "@/lib/ontraport/xml/deliver";

// Test and benchmark fixtures for the delivery engine (no production code imports this).

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7);
export const resolveTestKey = (ciphertext: string): string => decryptSecret(ciphertext, TEST_ENCRYPTION_KEY);

/** A merchant on the API method with `key`, switched on at `enabledAt`; the XML protocol unless told otherwise. */
export async function apiMerchant(
  db: Db,
  id: string,
  opts: { key?: string; enabledAt?: Date; rateLimitPerMinute?: number; endpointUrl?: string | null; protocol?: "rest" | "xml"; appId?: string | null; tagEveryBuyer?: string } = {},
): Promise<void> {
  await db.insert(merchants).values({ id, name: `Merchant ${id}` }).onConflictDoNothing();
  const values = {
    merchantId: id,
    method: "api" as const,
    apiKeyCiphertext: encryptSecret(opts.key ?? "test-key", TEST_ENCRYPTION_KEY),
    apiKeyHint: (opts.key ?? "test-key").slice(-4),
    enabledAt: opts.enabledAt ?? new Date(Date.now() - 3600_000),
    rateLimitPerMinute: opts.rateLimitPerMinute ?? 180,
    endpointUrl: opts.endpointUrl ?? null,
    protocol: opts.protocol ?? ("xml" as const),
    appId: opts.appId ?? (opts.protocol === "rest" ? `app-${id}` : null),
    tagEveryBuyer: opts.tagEveryBuyer ?? "",
  };
  await db.insert(ontraportConfigs).values(values).onConflictDoUpdate({ target: ontraportConfigs.merchantId, set: values });
}

/** A new order (paid unless told otherwise), recorded as lib/orders does, with its `order.paid` event. */
export async function placeOrder(db: Db, merchantId: string, opts: { stage?: Stage; paymentStatus?: PaymentStatus; email?: string; firstName?: string; now?: Date } = {}): Promise<string> {
  return db.transaction(async (tx) => {
    const o = await insertOrder(tx, {
      merchantId,
      stage: opts.stage ?? "Shipping Department",
      paymentStatus: opts.paymentStatus ?? "Processed",
      paymentMethod: "Credit Card",
      themeCode: "DEFAULT",
      email: opts.email ?? `shopper-${randomBytes(3).toString("hex")}@example.com`,
      firstName: opts.firstName ?? "Ada",
      lastName: "Lovelace",
      taxCents: 319,
      shippingHandlingCents: 500,
      byLabel: "Shopper",
      now: opts.now,
      lines: [{ merchantItemId: "SHIRT-RED", description: "Red shirt", quantity: 2, unitPriceCents: 1995 }],
    });
    return o.id;
  });
}

export async function configOf(db: Db, merchantId: string) {
  const [c] = await db.select().from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, merchantId));
  return c!;
}

const SUCCESS: Partial<DeliveryResponse> = { statusCode: 200, body: "<result><status>Success</status></result>" };

/** A scripted ONTRAPORT for worker tests: answers each request with the next scripted answer, else Success. */
export class FakeOntraport {
  requests: DeliveryRequest[] = [];
  script: Array<Partial<DeliveryResponse>> = [];
  send = async (r: DeliveryRequest): Promise<DeliveryResponse> => {
    this.requests.push(r);
    const next = this.script.shift() ?? SUCCESS;
    return { statusCode: null, body: "", rateLimitReset: null, durationMs: 1, error: null, ...next };
  };
}
