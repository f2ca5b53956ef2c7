import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { decodeKey, env } from "@/lib/env";

// Secrets at rest (the ONTRAPORT API key, the item poll key): AES-256-GCM under CARTLINK_ENCRYPTION_KEY.
// Format: v1.<iv base64url>.<tag base64url>.<ciphertext base64url>

function key(explicit?: Buffer): Buffer {
  if (explicit) return explicit;
  const k = decodeKey(env().CARTLINK_ENCRYPTION_KEY);
  if (!k) throw new Error("CARTLINK_ENCRYPTION_KEY is not a 32-byte key");
  return k;
}

export function encryptSecret(plain: string, k?: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(k), iv);
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

export function decryptSecret(stored: string, k?: Buffer): string {
  const [v, iv, tag, ct] = stored.split(".");
  if (v !== "v1" || !iv || !tag || ct === undefined) throw new Error("stored secret has an unknown format");
  const decipher = createDecipheriv("aes-256-gcm", key(k), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
}

/** sha256, first 12 hex characters: lets people compare keys without seeing them. */
export function fingerprint(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex").slice(0, 12);
}

/** Full sha256 hex, for looking a key up (the item poll key). */
export function sha256Hex(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Constant-time comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, "utf8");
  const bb = Buffer.from(b, "utf8");
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** `••••3f9a`: the only form of a stored key that is ever shown. */
export function maskedHint(last4: string | null | undefined): string {
  return last4 ? `••••${last4}` : "";
}
