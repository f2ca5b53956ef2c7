import { randomUUID } from "node:crypto";
import { allowLocalOrigin } from "@/lib/net/egress";
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/lib/db/client";
import { SimClient } from "@/tools/ontraport-sim/client";
import { startSimulator, type RunningSimulator } from "@/tools/ontraport-sim/server";
import { buildSaleXml, type SaleSnapshot } from "@/lib/ontraport/xml/payload";
import { apiMerchant } from "@/tools/testing/ontraport";
import { openTestDatabase, type TestDatabase } from "@/tools/testing/db";

// What the outbox benchmarks share: a throw-away PostgreSQL database, a simulator, a merchant.

export const BENCH_KEY = "bench-key";

export interface OutboxFixture {
  t: TestDatabase;
  sim: RunningSimulator;
  client: SimClient;
  close(): Promise<void>;
}

export async function openFixture(postgresUrl: string, opts: { rateLimitPerMinute: number; merchantId?: string }): Promise<OutboxFixture> {
  process.env.TEST_DATABASE_URL = postgresUrl;
  const t = await openTestDatabase("postgres");
  const sim = await startSimulator({ port: 0, keys: [BENCH_KEY], rateLimit: opts.rateLimitPerMinute, maxNotifications: 200_000 });
  allowLocalOrigin(sim.endpoint);
  await apiMerchant(t.db, opts.merchantId ?? "BENCH", { key: BENCH_KEY, rateLimitPerMinute: opts.rateLimitPerMinute });
  return {
    t,
    sim,
    client: new SimClient(sim.url),
    close: async () => {
      await sim.close();
      await t.close();
    },
  };
}

/** A realistic sale document for transmission `id`. */
export function saleXml(id: string, merchantId: string, n: number): string {
  const s: SaleSnapshot = {
    transmissionId: id,
    merchantId,
    created: new Date(),
    order: {
      id: `${merchantId}-${String(n).padStart(7, "0")}`,
      date: new Date(),
      currency: "USD",
      stage: "Shipping Department",
      paymentMethod: "Credit Card",
      theme: "DEFAULT",
      contact: { firstName: "Ada", lastName: "Lovelace", email: `ada${n}@example.com`, company: "", address1: "12 St James's Sq", address2: "", city: "London", state: "LND", zip: "SW1Y 4LB", country: "GB", phone: "" },
      lines: [{ productName: "Red Shirt", itemId: "SHIRT-RED", quantity: 2, unitPriceCents: 1995, discountCents: 0, totalCents: 3990 }],
      subtotalCents: 3990,
      discountCents: 0,
      taxCents: 319,
    },
  };
  return buildSaleXml(s);
}

/** Inserts `count` pending Sale transmissions directly (a backlog), in chunks. Returns their ids. */
export async function insertBacklog(db: Db, merchantId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 500) {
    const chunk = Array.from({ length: Math.min(500, count - start) }, (_, i) => {
      const id = randomUUID();
      ids.push(id);
      const n = start + i + 1;
      return sql`(${id}::uuid, ${merchantId}, 'sale', ${`${merchantId}-${String(n).padStart(7, "0")}`}, ${`Sale ${n}`}, ${saleXml(id, merchantId, n)}, ${`sale:bench-${id}`})`;
    });
    await db.execute(sql`insert into transmissions (id, merchant_id, type, order_id, description, payload, idempotency_key) values ${sql.join(chunk, sql`, `)}`);
  }
  return ids;
}

export async function countStatus(db: Db, status: string): Promise<number> {
  const [r] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from transmissions where status = ${status}::transmission_status`));
  return Number(r?.n ?? 0);
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
