import { afterEach, describe, expect, it, vi } from "vitest";
import { log, redactFields } from "./log";

describe("structured log", () => {
  afterEach(() => vi.restoreAllMocks());
  it("writes one JSON object a line and never a secret", () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
      writes.push(String(s));
      return true;
    });
    log("error", "delivery failed", { merchantId: "DEMO", transmissionId: "t-1", apiKey: "op-secret-123", keyFingerprint: "abc123" });
    expect(writes).toHaveLength(1);
    const entry = JSON.parse(writes[0]!);
    expect(entry).toMatchObject({ level: "error", msg: "delivery failed", merchantId: "DEMO", transmissionId: "t-1", apiKey: "[redacted]", keyFingerprint: "abc123" });
    expect(writes[0]).not.toContain("op-secret-123");
  });
  it("redacts passwords and tokens by field name", () => {
    expect(redactFields({ password: "x", receiptToken: "y", email: "a@b.c" })).toEqual({ password: "[redacted]", receiptToken: "[redacted]", email: "a@b.c" });
  });
});
