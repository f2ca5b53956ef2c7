import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, testBackends, type TestDatabase } from "@/lib/testing/db";
import { clearFailures, isLocked, LOCK_MS, MAX_FAILURES, recordFailure, WINDOW_MS } from "./throttle";

describe.each(testBackends())("sign-in throttling on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("locks an email after repeated failures, until the lock ends", async () => {
    const now = new Date("2026-11-25T12:00:00Z");
    for (let i = 0; i < MAX_FAILURES - 1; i++) await recordFailure(t.db, "a@x.test", now);
    expect(await isLocked(t.db, "a@x.test", now)).toBeNull();
    await recordFailure(t.db, "a@x.test", now);
    expect(await isLocked(t.db, "a@x.test", now)).not.toBeNull();
    expect(await isLocked(t.db, "b@x.test", now)).toBeNull();
    expect(await isLocked(t.db, "a@x.test", new Date(now.getTime() + LOCK_MS + 1))).toBeNull();
  });

  it("forgets old failures outside the window and after a success", async () => {
    const t0 = new Date("2026-11-25T12:00:00Z");
    for (let i = 0; i < MAX_FAILURES - 1; i++) await recordFailure(t.db, "c@x.test", t0);
    await recordFailure(t.db, "c@x.test", new Date(t0.getTime() + WINDOW_MS + 1000));
    expect(await isLocked(t.db, "c@x.test", new Date(t0.getTime() + WINDOW_MS + 1000))).toBeNull();
    await clearFailures(t.db, "c@x.test");
    expect(await isLocked(t.db, "c@x.test")).toBeNull();
  });
});
