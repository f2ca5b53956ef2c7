import { sql } from "drizzle-orm";
import postgres from "postgres";
import { PgDialect } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "@/tools/testing/db";
import { workerProcessBackends } from "@/tools/testing/worker-processes";
import { claimStatement } from "./worker";

// The claim is a prepared statement, and PostgreSQL may keep a generic plan for it after five runs.
// One version of it, under a generic plan among 1,000 stores, bitmap-scanned every open row of each
// store to count its requests in flight (170-550 ms a claim, where 5 ms is normal). Only a benchmark
// showed it; this test looks at the generic plan itself, on PostgreSQL with a realistic table.

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

function nodes(n: PlanNode): PlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(nodes)];
}

describe.each(workerProcessBackends)("the claim's generic plan on %s", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase("postgres");
    // 1,000 stores on the API method, 20 waiting Sales each, half of them with a request in flight.
    await t.db.execute(sql`insert into merchants (id, name) select 'P' || lpad(i::text, 4, '0'), 'Store ' || i from generate_series(1, 1000) i`);
    await t.db.execute(sql`insert into ontraport_configs (merchant_id, method, api_key_ciphertext, api_key_hint, enabled_at, rate_limit_per_minute)
      select id, 'api', 'ciphertext', 'text', now() - interval '1 hour', 180 from merchants`);
    await t.db.execute(sql`insert into transmissions (id, merchant_id, type, order_id, description, payload, idempotency_key)
      select gen_random_uuid(), m.id, 'sale', m.id || '-' || n, 'Sale ' || n, '<purchase/>', 'sale:' || m.id || '-' || n
      from merchants m, generate_series(1, 20) n`);
    await t.db.execute(sql`update transmissions set status = 'sending', lease_until = now() + interval '1 minute', locked_by = 'w'
      where order_id like '%-1' and merchant_id < 'P0501'`);
    await t.db.execute(sql`insert into ontraport_rate_windows (merchant_id, tokens, served_seq) select id, 3, row_number() over (order by id) from merchants`);
    await t.db.execute(sql`analyze`);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it.each([{ lane: undefined }, { lane: { k: 0, n: 2 } }])("probes transmissions only through its small indexes, store by store ($lane)", async ({ lane }) => {
    const client = postgres(t.location, { max: 1, onnotice: () => {} });
    try {
      const q = new PgDialect().sqlToQuery(claimStatement({ now: new Date(), want: 100, perStore: 1, leaseMs: 60_000, workerId: "w", lane }));
      await client.unsafe("set plan_cache_mode = force_generic_plan");
      await client.unsafe(`prepare claim as ${q.sql}`);
      const args = q.params.map((p) => (typeof p === "number" ? String(p) : `'${String(p).replaceAll("'", "''")}'`)).join(", ");
      const [row] = await client.unsafe(`explain (format json) execute claim(${args})`);
      const plan = (row!["QUERY PLAN"] as Array<{ Plan: PlanNode }>)[0]!.Plan;
      const onTransmissions = nodes(plan).filter((n) => n["Relation Name"] === "transmissions");
      const shapes = onTransmissions.map((n) => `${n["Node Type"]} ${n["Index Name"] ?? ""}`.trim());
      expect(shapes.length).toBeGreaterThan(0);
      // No scan of the whole table, and no bitmap scan (which reads every matching row of a store).
      expect(shapes.filter((s) => /Seq Scan|Bitmap/.test(s)), shapes.join("\n")).toEqual([]);
      // Requests in flight are counted off the small partial index of 'sending' rows.
      expect(shapes, shapes.join("\n")).toContain("Index Only Scan transmissions_sending_idx");
    } finally {
      await client.end();
    }
  });
});
