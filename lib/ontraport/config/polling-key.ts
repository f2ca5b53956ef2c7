import "server-only";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { ontraportConfigs } from "@/lib/db/schema";
import { decryptSecret, encryptSecret, fingerprint, sha256Hex } from "./crypto";
import { recordAudit } from "@/lib/audit";

/** 32 random bytes, base64url: the key ONTRAPORT sends when it polls `/api/ontraport/items`. */
export function generatePollingKey(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Replaces the merchant's polling key (the old one stops working at once). Stores its sha256 for the
 * route handler's lookup and its ciphertext so admins can read it again on the page.
 */
export async function regeneratePollingKey(db: Db, { merchantId, userId }: { merchantId: string; userId: string | null }): Promise<string> {
  const key = generatePollingKey();
  await db.transaction(async (tx) => {
    await tx.insert(ontraportConfigs).values({ merchantId }).onConflictDoNothing();
    const [before] = await tx.select({ hash: ontraportConfigs.pollingKeyHash }).from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, merchantId));
    await tx
      .update(ontraportConfigs)
      .set({ pollingKeyHash: sha256Hex(key), pollingKeyCiphertext: encryptSecret(key), updatedAt: new Date() })
      .where(eq(ontraportConfigs.merchantId, merchantId));
    await recordAudit(tx, {
      merchantId,
      userId,
      action: "ontraport.polling_key_regenerated",
      target: "Polling key",
      detail: { fingerprint: fingerprint(key), first: !before?.hash },
    });
  });
  return key;
}

/** The polling key in clear, for admins only (callers check the role), or null when none was generated. */
export async function readPollingKey(db: Db, { merchantId }: { merchantId: string }): Promise<string | null> {
  const [row] = await db.select({ c: ontraportConfigs.pollingKeyCiphertext }).from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, merchantId));
  return row?.c ? decryptSecret(row.c) : null;
}

/** The URL ONTRAPORT polls for item details. */
export function pollUrl(publicBase: string, key: string | null): string {
  return `${publicBase.replace(/\/+$/, "")}/api/ontraport/items?key=${key ? encodeURIComponent(key) : "…"}`;
}
