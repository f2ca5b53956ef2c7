import { describe, expect, it } from "vitest";
import { ONTRAPORT_REST_API, parseEnv, restBaseUrl, workerEnv } from "./env";

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
  it("an empty variable is unset: its default applies instead of an error", () => {
    const e = parseEnv({ ...good, DATABASE_URL: "", ONTRAPORT_REST_BASE_URL: "", CARTLINK_WORKER_CONCURRENCY: "" });
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.ONTRAPORT_REST_BASE_URL).toBe(ONTRAPORT_REST_API);
    expect(e.CARTLINK_WORKER_CONCURRENCY).toBe(600);
  });
  it("the worker reads only its slice: no AUTH_SECRET needed, numbers checked, the REST base URL without its trailing slash", () => {
    const w = workerEnv({ CARTLINK_ENCRYPTION_KEY: "a".repeat(64), ONTRAPORT_REST_BASE_URL: "http://127.0.0.1:4010/1/", CARTLINK_WORKER_PER_STORE: "2" });
    expect(w).toMatchObject({ ONTRAPORT_REST_BASE_URL: "http://127.0.0.1:4010/1", CARTLINK_WORKER_PER_STORE: 2, CARTLINK_WORKER_TIMEOUT_MS: 15_000 });
    expect(() => workerEnv({ CARTLINK_ENCRYPTION_KEY: "a".repeat(64), CARTLINK_WORKER_CONCURRENCY: "0" })).toThrow(/CARTLINK_WORKER_CONCURRENCY/);
    // Claim and recording statements side by side: one of each unless raised, never none.
    expect(w).toMatchObject({ CARTLINK_WORKER_CLAIM_LANES: 1, CARTLINK_WORKER_RECORDINGS: 1 });
    expect(workerEnv({ CARTLINK_ENCRYPTION_KEY: "a".repeat(64), CARTLINK_WORKER_CLAIM_LANES: "2", CARTLINK_WORKER_RECORDINGS: "2" })).toMatchObject({
      CARTLINK_WORKER_CLAIM_LANES: 2,
      CARTLINK_WORKER_RECORDINGS: 2,
    });
    expect(() => workerEnv({ CARTLINK_ENCRYPTION_KEY: "a".repeat(64), CARTLINK_WORKER_RECORDINGS: "0" })).toThrow(/CARTLINK_WORKER_RECORDINGS/);
    expect(restBaseUrl({})).toBe(ONTRAPORT_REST_API);
  });
});
