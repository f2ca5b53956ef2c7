import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { decryptSecret, encryptSecret, fingerprint, maskedHint, safeEqual } from "./crypto";

describe("secret storage", () => {
  const k = randomBytes(32);
  it("round-trips and never stores the plain key", () => {
    const stored = encryptSecret("op-key-1234567890abcdef", k);
    expect(stored).not.toContain("op-key");
    expect(decryptSecret(stored, k)).toBe("op-key-1234567890abcdef");
    expect(encryptSecret("same", k)).not.toBe(encryptSecret("same", k));
  });
  it("refuses tampered ciphertext and the wrong key", () => {
    const stored = encryptSecret("secret", k);
    const parts = stored.split(".");
    const tampered = [...parts.slice(0, 3), Buffer.from("xxxxxx").toString("base64url")].join(".");
    expect(() => decryptSecret(tampered, k)).toThrow();
    expect(() => decryptSecret(stored, randomBytes(32))).toThrow();
  });
  it("fingerprints, masks and compares", () => {
    expect(fingerprint("abc")).toMatch(/^[0-9a-f]{12}$/);
    expect(maskedHint("3f9a")).toBe("••••3f9a");
    expect(safeEqual("a", "a")).toBe(true);
    expect(safeEqual("a", "b")).toBe(false);
    expect(safeEqual("a", "ab")).toBe(false);
  });
});
