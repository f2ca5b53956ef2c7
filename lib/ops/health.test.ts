import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { merchants, transmissions, workerHeartbeats } from "@/lib/db/schema";
import { checkHealth } from "./health";

describe.each(testBackends())("health on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("is degraded with no worker, ok once a worker beats, and counts waiting transmissions", async () => {
    const first = await checkHealth(t.db);
    expect(first.status).toBe("degraded");
    expect(first.database.ok).toBe(true);
    expect(first.worker.heartbeatAgeSeconds).toBeNull();
    await t.db.insert(workerHeartbeats).values({ workerId: "w1", pid: 1 });
    await t.db.insert(merchants).values({ id: "H1", name: "H" });
    await t.db.insert(transmissions).values({ merchantId: "H1", type: "sale", description: "Sale H1-1", payload: "<x/>", idempotencyKey: "sale:H1-1" });
    const second = await checkHealth(t.db);
    expect(second.status).toBe("ok");
    expect(second.worker.workers).toBe(1);
    expect(second.queue.waiting).toBe(1);
    expect(JSON.stringify(second)).not.toContain("H1");
  });

  it("reports down when the database is unreachable", async () => {
    const h = await checkHealth(null, "connection refused");
    expect(h.status).toBe("down");
    expect(h.database.error).toBe("connection refused");
  });
});
