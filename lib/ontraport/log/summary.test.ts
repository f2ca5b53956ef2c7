import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { seedDemo } from "@/lib/demo/seed";
import { transmissions, type TransmissionStatus } from "@/lib/db/schema";
import { getLogHealth } from "./queries";
import { getDeliverySummary } from "./summary";

const NOW = new Date("2026-11-25T12:30:00.000Z");
const HOUR = 3_600_000;

let n = 0;
function tx(merchantId: string, status: TransmissionStatus, hoursAgo: number): typeof transmissions.$inferInsert {
  n++;
  return {
    merchantId,
    type: "sale",
    orderId: `${merchantId}-${String(n).padStart(7, "0")}`,
    description: `Sale ${n}`,
    payload: "<notification/>",
    status,
    idempotencyKey: `s:${n}`,
    createdAt: new Date(NOW.getTime() - hoursAgo * HOUR),
  };
}

describe.each(testBackends())("delivery summary for Home and the side menu on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    await seedDemo(t.db, { orderCount: 2 });
    await t.db.insert(transmissions).values([
      tx("DEMO", "failed", 1),
      tx("DEMO", "failed", 100),
      tx("DEMO", "failed", 24 * 8), // older than 7 days: not counted
      tx("DEMO", "delivered", 2),
      tx("DEMO", "pending", 1),
      tx("DEMO", "sending", 0),
      tx("DEMO", "held", 24 * 10), // waiting counts whatever the age
      tx("DEMO", "paused", 3),
      tx("DEMO", "skipped", 3),
      tx("ACME", "failed", 1),
      tx("ACME", "pending", 1),
    ]);
  });
  afterAll(() => t.close());

  it("counts failed in the last 7 days, waiting and paused now, for one store only", async () => {
    expect(await getDeliverySummary(t.db, { merchantId: "DEMO", now: NOW })).toEqual({ failed7d: 2, waiting: 3, paused: 1, since: "2026-11-18T13:00:00Z" });
    expect(await getDeliverySummary(t.db, { merchantId: "ACME", now: NOW })).toMatchObject({ failed7d: 1, waiting: 1, paused: 0 });
  });

  it("agrees with the Health panel's 7-day figures", async () => {
    const summary = await getDeliverySummary(t.db, { merchantId: "DEMO", now: NOW });
    const week = await getLogHealth(t.db, { merchantId: "DEMO", now: NOW, range: "7d" });
    expect(summary.failed7d).toBe(week.failed);
    expect(summary.waiting).toBe(week.waiting);
    expect(summary.paused).toBe(week.paused);
    expect(summary.since).toBe(week.since);
  });

  it("is all zeros for a store with no transmissions", async () => {
    expect(await getDeliverySummary(t.db, { merchantId: "NOPE", now: NOW })).toMatchObject({ failed7d: 0, waiting: 0, paused: 0 });
  });
});
