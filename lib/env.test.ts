import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

const good = { AUTH_SECRET: "x".repeat(32), CARTLINK_ENCRYPTION_KEY: "a".repeat(64) };

describe("environment", () => {
  it("accepts a complete environment and fills defaults", () => {
    const e = parseEnv(good);
    expect(e.DATA_DIR).toBe("./.data");
    expect(e.DATABASE_URL).toBeUndefined();
  });
  it("names each missing or malformed variable", () => {
    expect(() => parseEnv({})).toThrow(/AUTH_SECRET[\s\S]*CARTLINK_ENCRYPTION_KEY/);
    expect(() => parseEnv({ ...good, CARTLINK_ENCRYPTION_KEY: "short" })).toThrow(/CARTLINK_ENCRYPTION_KEY must be 32 bytes/);
    expect(() => parseEnv({ ...good, DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
  });
});
