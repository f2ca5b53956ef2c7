import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { seedDemo } from "@/lib/demo/seed";
import { ontraportConfigs, transmissionAttempts, transmissions, type TransmissionStatus, type TransmissionType } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { countFailed, decodeCursor, getKeyState, getLogHealth, getTransmission, listOrderTransmissions, listTransmissions } from "./queries";

const NOW = new Date("2026-11-25T12:30:00.000Z");
const HOUR = 3_600_000;

function row(i: number, over: Partial<typeof transmissions.$inferInsert> = {}): typeof transmissions.$inferInsert {
  const types: TransmissionType[] = ["sale", "refund", "auto_order_status", "affiliate"];
  const statuses: TransmissionStatus[] = ["delivered", "delivered", "failed", "pending", "sending", "paused", "skipped"];
  const orderId = `DEMO-${String(i + 1).padStart(7, "0")}`;
  return {
    merchantId: "DEMO",
    type: types[i % types.length]!,
    orderId,
    description: `Sale ${orderId}`,
    email: `buyer${i}@example.com`,
    payload: `<notification type="sale"><order id="${orderId}"/></notification>`,
    status: statuses[i % statuses.length]!,
    idempotencyKey: `t:${i}`,
    // Five rows share each timestamp, so the keyset must break ties by id.
    createdAt: new Date(NOW.getTime() - Math.floor(i / 5) * 10 * 60_000),
    ...over,
  };
}

describe.each(testBackends())("Transmission Log queries on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    await seedDemo(t.db, { orderCount: 10 });
    await t.db.insert(transmissions).values(Array.from({ length: 60 }, (_, i) => row(i)));
    await t.db.insert(transmissions).values(row(0, { merchantId: "ACME", idempotencyKey: "acme:0", orderId: "ACME-0000001", description: "Sale ACME-0000001", email: "acme@example.com" }));
  });
  afterAll(() => t.close());

  it("pages newest first by keyset, every row exactly once, and back up again", async () => {
    const seen: string[] = [];
    const pages = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listTransmissions(t.db, { merchantId: "DEMO", cursor, limit: 25 });
      pages.push(page);
      seen.push(...page.rows.map((r) => r.id));
      if (!page.olderCursor) break;
      cursor = page.olderCursor;
    }
    expect(pages.map((p) => p.rows.length)).toEqual([25, 25, 10]);
    expect(new Set(seen).size).toBe(60);
    expect(pages[0]!.newerCursor).toBeNull();
    const times = pages.flatMap((p) => p.rows.map((r) => r.createdAt));
    expect([...times].sort().reverse()).toEqual(times);
    const up = await listTransmissions(t.db, { merchantId: "DEMO", cursor: pages[2]!.newerCursor!, direction: "newer", limit: 25 });
    expect(up.rows.map((r) => r.id)).toEqual(pages[1]!.rows.map((r) => r.id));
    const top = await listTransmissions(t.db, { merchantId: "DEMO", cursor: up.newerCursor!, direction: "newer", limit: 25 });
    expect(top.rows.map((r) => r.id)).toEqual(pages[0]!.rows.map((r) => r.id));
    expect(top.newerCursor).toBeNull();
  });

  it("filters by type, status (Waiting = pending and sending) and date range", async () => {
    const refunds = await listTransmissions(t.db, { merchantId: "DEMO", type: "refund", limit: 100 });
    expect(refunds.rows).toHaveLength(15);
    expect(refunds.rows.every((r) => r.type === "refund")).toBe(true);
    const waiting = await listTransmissions(t.db, { merchantId: "DEMO", status: "waiting", limit: 100 });
    expect(new Set(waiting.rows.map((r) => r.status))).toEqual(new Set(["pending", "sending"]));
    const lastHour = await listTransmissions(t.db, { merchantId: "DEMO", from: new Date(NOW.getTime() - HOUR + 1), to: new Date(NOW.getTime() + 1), limit: 100 });
    expect(lastHour.rows).toHaveLength(30);
  });

  it("searches by order id or number, e-mail and transmission id", async () => {
    const byOrder = await listTransmissions(t.db, { merchantId: "DEMO", q: "demo-0000007" });
    expect(byOrder.rows.map((r) => r.orderId)).toEqual(["DEMO-0000007"]);
    const byNumber = await listTransmissions(t.db, { merchantId: "DEMO", q: "7" });
    expect(byNumber.rows.map((r) => r.orderId)).toEqual(["DEMO-0000007"]);
    const byEmail = await listTransmissions(t.db, { merchantId: "DEMO", q: "BUYER3@example.com" });
    expect(byEmail.rows.map((r) => r.email)).toEqual(["buyer3@example.com"]);
    const byId = await listTransmissions(t.db, { merchantId: "DEMO", q: byEmail.rows[0]!.id });
    expect(byId.rows.map((r) => r.id)).toEqual([byEmail.rows[0]!.id]);
  });

  it("keeps each merchant to its own rows", async () => {
    const acme = await listTransmissions(t.db, { merchantId: "ACME" });
    expect(acme.rows.map((r) => r.orderId)).toEqual(["ACME-0000001"]);
    expect((await listTransmissions(t.db, { merchantId: "ACME", q: "DEMO-0000001" })).rows).toEqual([]);
    const demoRow = (await listTransmissions(t.db, { merchantId: "DEMO", limit: 1 })).rows[0]!;
    await expect(getTransmission(t.db, { merchantId: "ACME", id: demoRow.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(getTransmission(t.db, { merchantId: "DEMO", id: "not-a-uuid" })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("counts rows newer than the one the user saw, without moving the page", async () => {
    const first = await listTransmissions(t.db, { merchantId: "DEMO", limit: 5 });
    const seen = first.rows[0]!.cursor;
    await t.db.insert(transmissions).values([row(100, { createdAt: new Date(NOW.getTime() + 60_000) }), row(101, { createdAt: new Date(NOW.getTime() + 60_000) })]);
    const deeper = await listTransmissions(t.db, { merchantId: "DEMO", cursor: first.olderCursor!, limit: 5, seenNewest: seen });
    expect(deeper.newCount).toBe(2);
    expect(deeper.rows[0]!.id).not.toBe(first.rows[0]!.id);
    const filtered = await listTransmissions(t.db, { merchantId: "DEMO", type: "affiliate", seenNewest: seen });
    expect(filtered.newCount).toBe(0);
    await t.db.execute(sql`delete from transmissions where idempotency_key in ('t:100', 't:101')`);
  });

  it("treats a tampered cursor as unreadable", () => {
    expect(decodeCursor("garbage")).toBeNull();
    expect(decodeCursor(Buffer.from("2026-01-01T00:00:00.000000Z|x'; drop table", "utf8").toString("base64url"))).toBeNull();
  });

  it("returns a transmission with every attempt, the order and who resent it", async () => {
    const [target] = (await listTransmissions(t.db, { merchantId: "DEMO", q: "DEMO-0000003" })).rows;
    await t.db.insert(transmissionAttempts).values([
      { transmissionId: target!.id, merchantId: "DEMO", attemptNo: 2, startedAt: new Date(NOW.getTime() + 5000), durationMs: 30, statusCode: 200, requestPayload: "<x/>", responseBody: "<result><status>Success</status></result>" },
      { transmissionId: target!.id, merchantId: "DEMO", attemptNo: 1, startedAt: NOW, durationMs: 15000, statusCode: null, requestPayload: "<x/>", error: "timeout after 15 s" },
    ]);
    const d = await getTransmission(t.db, { merchantId: "DEMO", id: target!.id });
    expect(d.attemptsList.map((a) => [a.attemptNo, a.statusCode, a.error])).toEqual([
      [1, null, "timeout after 15 s"],
      [2, 200, null],
    ]);
    expect(d.order?.id).toBe("DEMO-0000003");
    expect(d.payload).toContain("DEMO-0000003");
    const forOrder = await listOrderTransmissions(t.db, { merchantId: "DEMO", orderId: "DEMO-0000003" });
    expect(forOrder.map((r) => r.id)).toEqual([target!.id]);
    expect(await listOrderTransmissions(t.db, { merchantId: "ACME", orderId: "DEMO-0000003" })).toEqual([]);
  });

  it("sums the last 24 hours and buckets per hour by status", async () => {
    const h = await getLogHealth(t.db, { merchantId: "DEMO", now: NOW });
    expect(h.buckets).toHaveLength(24);
    expect(h.range).toBe("24h");
    expect(h.since).toBe("2026-11-24T13:00:00Z");
    const total = h.buckets.reduce((s, b) => s + b.delivered + b.failed + b.waiting + b.paused + b.skipped, 0);
    expect(total).toBe(60);
    const all = await listTransmissions(t.db, { merchantId: "DEMO", limit: 100 });
    expect(h.delivered).toBe(all.rows.filter((r) => r.status === "delivered").length);
    expect(h.failed).toBe(all.rows.filter((r) => r.status === "failed").length);
    expect(h.waiting).toBe(all.rows.filter((r) => r.status === "pending" || r.status === "sending").length);
    expect(h.paused).toBe(all.rows.filter((r) => r.status === "paused").length);
    const last = h.buckets[h.buckets.length - 1]!;
    expect(last.start).toBe("2026-11-25T12:00:00Z");
    expect(last.delivered + last.failed + last.waiting + last.paused + last.skipped).toBe(20);
    expect((await getLogHealth(t.db, { merchantId: "DEMO", now: NOW, range: "7d" })).buckets).toHaveLength(168);
    expect((await getLogHealth(t.db, { merchantId: "ACME", now: NOW })).failed).toBe(0);
  });

  it("counts delivered and failed over the chosen range: the figures are the chart's bars added up", async () => {
    // Three days old: outside 24 hours, inside 7 days. Eight days old: outside both.
    await t.db.insert(transmissions).values([
      row(100, { status: "delivered", idempotencyKey: "old:1", createdAt: new Date(NOW.getTime() - 72 * HOUR) }),
      row(101, { status: "failed", idempotencyKey: "old:2", createdAt: new Date(NOW.getTime() - 72 * HOUR) }),
      row(102, { status: "failed", idempotencyKey: "old:3", createdAt: new Date(NOW.getTime() - 70 * HOUR) }),
      row(103, { status: "failed", idempotencyKey: "old:4", createdAt: new Date(NOW.getTime() - 8 * 24 * HOUR) }),
    ]);
    try {
      const day = await getLogHealth(t.db, { merchantId: "DEMO", now: NOW, range: "24h" });
      const week = await getLogHealth(t.db, { merchantId: "DEMO", now: NOW, range: "7d" });
      expect(week.range).toBe("7d");
      expect(week.since).toBe("2026-11-18T13:00:00Z");
      expect(week.delivered).toBe(day.delivered + 1);
      expect(week.failed).toBe(day.failed + 2);
      for (const h of [day, week]) {
        expect(h.delivered).toBe(h.buckets.reduce((s, b) => s + b.delivered, 0));
        expect(h.failed).toBe(h.buckets.reduce((s, b) => s + b.failed, 0));
      }
    } finally {
      await t.db.delete(transmissions).where(sql`${transmissions.idempotencyKey} like 'old:%'`);
    }
  });

  it("counts failed rows in a range and tells the banner what waits behind a stale key", async () => {
    const failed = await countFailed(t.db, { merchantId: "DEMO", from: new Date(NOW.getTime() - 24 * HOUR), to: new Date(NOW.getTime() + 1) });
    expect(failed).toBe((await listTransmissions(t.db, { merchantId: "DEMO", status: "failed", limit: 100 })).rows.length);
    expect(await getKeyState(t.db, { merchantId: "DEMO" })).toEqual({ method: "off", stale: false, keyFingerprint: null, waiting: 0, protocol: "rest", appId: null });
    await t.db.insert(ontraportConfigs).values({ merchantId: "DEMO", method: "api", keyStatus: "stale", apiKeyFingerprint: "abcdef012345" });
    const s = await getKeyState(t.db, { merchantId: "DEMO" });
    expect(s.stale).toBe(true);
    expect(s.waiting).toBe((await listTransmissions(t.db, { merchantId: "DEMO", status: "waiting", limit: 100 })).rows.length + (await listTransmissions(t.db, { merchantId: "DEMO", status: "paused", limit: 100 })).rows.length);
  });
});
