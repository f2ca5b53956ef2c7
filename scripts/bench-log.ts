/**
 * Transmission Log benchmark on PostgreSQL: 1,000,000 transmissions across two merchants, then the
 * log's first page, a filtered page, and a page 10,000 rows deep, each by keyset (what the log
 * does) and by OFFSET (the naive way), with p50/p95 server time and the ratio.
 *
 *   tsx scripts/bench-log.ts [--rows 1000000] [--runs 40]     (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else local postgres)
 *
 * It creates a throw-away database on the server and drops it afterwards. Loopback only.
 */
import { parseArgs } from "node:util";
import type { Sql } from "postgres";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { and, eq, sql } from "drizzle-orm";
import { openDatabase, rowsOf, type Db } from "@/lib/db/client";
import { merchants, transmissions } from "@/lib/db/schema";
import { listTransmissions, logPageQuery, LOG_PAGE_SIZE, type LogPageInput } from "@/lib/ontraport/log/queries";

export interface LogBenchRow {
  query: string;
  /** PostgreSQL's own execution time (EXPLAIN ANALYZE), p95: what the load on a shared machine disturbs least. */
  pgKeysetP95: number;
  pgOffsetP95: number;
  /** Buffers (8 KiB pages) each query touched: independent of machine load. */
  keysetBuffers: number;
  offsetBuffers: number;
  keysetP50: number;
  keysetP95: number;
  offsetP50: number;
  offsetP95: number;
  ratio: number;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** The same page by OFFSET: what the log would cost without keyset pagination. */
function offsetPage(db: Db, merchantId: string, offset: number, status?: "failed") {
  return db
    .select({ id: transmissions.id, type: transmissions.type, status: transmissions.status, description: transmissions.description, createdAt: transmissions.createdAt })
    .from(transmissions)
    .where(and(eq(transmissions.merchantId, merchantId), status ? eq(transmissions.status, status) : undefined))
    // Ordered as the index is, so OFFSET gets the same index and only pays for the rows it skips.
    .orderBy(sql`${transmissions.createdAt} desc nulls last`, sql`${transmissions.id} desc nulls last`)
    .limit(LOG_PAGE_SIZE + 1)
    .offset(offset);
}

async function fill(db: Db, rows: number) {
  await db.insert(merchants).values([
    { id: "DEMO", name: "Demo Outfitters" },
    { id: "ACME", name: "Acme Supplies" },
  ]);
  const chunk = 200_000;
  for (let start = 0; start < rows; start += chunk) {
    const end = Math.min(rows, start + chunk) - 1;
    // 60 % DEMO, 40 % ACME, over 90 days; 3 % failed, 1 % waiting, 0.5 % paused, 1 % skipped.
    await db.execute(sql`
      insert into transmissions (merchant_id, type, order_id, description, email, payload, status, attempts, idempotency_key, last_status_code, created_at, updated_at, delivered_at)
      select m, (array['sale','sale','sale','refund','auto_order_status','affiliate','fetch_items','conversion_pixel'])[1 + i % 8]::transmission_type,
             m || '-' || lpad(i::text, 7, '0'), 'Sale ' || m || '-' || lpad(i::text, 7, '0') || ', 2 items, $43.09', 'buyer' || i || '@example.com',
             '<notification type="sale"><order id="' || i || '"/></notification>',
             (case when i % 200 < 6 then 'failed' when i % 200 < 8 then 'pending' when i % 200 = 8 then 'paused' when i % 200 < 11 then 'skipped' else 'delivered' end)::transmission_status,
             1, 'bench:' || i, 200, ts, ts, ts
        from (select i, case when i % 5 < 3 then 'DEMO' else 'ACME' end as m,
                     now() - ((${rows} - i) * (interval '90 days' / ${rows})) as ts
                from generate_series(${start}::int, ${end}::int) as i) s`);
  }
  await db.execute(sql`analyze transmissions`);
}

export async function benchLog(opts: { databaseUrl: string; rows?: number; runs?: number; log?: (s: string) => void }): Promise<LogBenchRow[]> {
  const rows = opts.rows ?? 1_000_000;
  const runs = opts.runs ?? 40;
  const log = opts.log ?? console.log;
  const { default: postgres } = await import("postgres");
  const name = `cartlink_bench_log_${randomBytes(4).toString("hex")}`;
  const admin = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(opts.databaseUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), max: 2 });
  const pg = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    const db = database.db;
    const t0 = performance.now();
    await fill(db, rows);
    log(`Inserted ${rows.toLocaleString("en-US")} transmissions in ${((performance.now() - t0) / 1000).toFixed(1)} s.`);
    const [deep] = rowsOf<{ created: string; id: string }>(
      await db.execute(sql`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created, id from transmissions where merchant_id = 'DEMO' order by created_at desc, id desc offset 9999 limit 1`),
    );
    const deepCursor = Buffer.from(`${deep!.created}|${deep!.id}`, "utf8").toString("base64url");
    const tenthFailed = await filteredTenthCursor(db);
    const cases: Array<[string, LogPageInput, ReturnType<typeof offsetPage>]> = [
      ["first page", { merchantId: "DEMO" }, offsetPage(db, "DEMO", 0)],
      ["filtered page (Failed), 10th page", { merchantId: "DEMO", status: "failed", cursor: tenthFailed }, offsetPage(db, "DEMO", 9 * LOG_PAGE_SIZE, "failed")],
      ["page 10,000 rows deep", { merchantId: "DEMO", cursor: deepCursor }, offsetPage(db, "DEMO", 10_000)],
    ];
    const out: LogBenchRow[] = [];
    for (const [query, input, offset] of cases) {
      const k = await time(runs, () => listTransmissions(db, input));
      const o = await time(runs, () => offset.execute());
      const pk = await explain(pg, logPageQuery(db, input).query.toSQL(), runs);
      const po = await explain(pg, offset.toSQL(), runs);
      out.push({
        query,
        keysetP50: pct(k, 50),
        keysetP95: pct(k, 95),
        offsetP50: pct(o, 50),
        offsetP95: pct(o, 95),
        ratio: pct(po.times, 95) / pct(pk.times, 95),
        pgKeysetP95: pct(pk.times, 95),
        pgOffsetP95: pct(po.times, 95),
        keysetBuffers: pk.buffers,
        offsetBuffers: po.buffers,
      });
    }
    log("");
    log(`Transmission Log on PostgreSQL, ${rows.toLocaleString("en-US")} transmissions, 1 page = 25 rows, ${runs} runs each.`);
    log("wall = the query as the route handler runs it (loopback round trip included); pg = PostgreSQL execution time (EXPLAIN ANALYZE); buffers = 8 KiB pages touched.");
    const head = ["query", "wall keyset p50/p95", "wall OFFSET p50/p95", "pg keyset p95", "pg OFFSET p95", "buffers keyset/OFFSET", "OFFSET/keyset (pg p95)"];
    log(`${head[0]!.padEnd(36)}${head.slice(1).map((h) => h.padStart(24)).join("")}`);
    for (const r of out) {
      const cells = [
        `${r.keysetP50.toFixed(2)} / ${r.keysetP95.toFixed(2)} ms`,
        `${r.offsetP50.toFixed(2)} / ${r.offsetP95.toFixed(2)} ms`,
        `${r.pgKeysetP95.toFixed(2)} ms`,
        `${r.pgOffsetP95.toFixed(2)} ms`,
        `${r.keysetBuffers} / ${r.offsetBuffers}`,
        `${r.ratio.toFixed(1)}x`,
      ];
      log(`${r.query.padEnd(36)}${cells.map((c) => c.padStart(24)).join("")}`);
    }
    return out;
  } finally {
    await pg.end();
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** The cursor of the Failed filter's 10th page, reached by keyset as the log would. */
async function filteredTenthCursor(db: Db): Promise<string | undefined> {
  let c: string | undefined;
  for (let i = 0; i < 9; i++) c = (await listTransmissions(db, { merchantId: "DEMO", status: "failed", cursor: c })).olderCursor ?? undefined;
  return c;
}

type Pg = Sql;

async function explain(pg: Pg, q: { sql: string; params: unknown[] }, runs: number): Promise<{ times: number[]; buffers: number }> {
  const times: number[] = [];
  let buffers = 0;
  for (let i = 0; i < runs + 3; i++) {
    const [row] = await pg.unsafe(`explain (analyze, buffers, format json) ${q.sql}`, q.params as never[]);
    const plan = (row as Record<string, unknown>)["QUERY PLAN"] as Array<{ "Execution Time": number; Plan: { "Shared Hit Blocks": number; "Shared Read Blocks": number } }>;
    if (i < 3) continue;
    times.push(plan[0]!["Execution Time"]);
    buffers = plan[0]!.Plan["Shared Hit Blocks"] + plan[0]!.Plan["Shared Read Blocks"];
  }
  return { times, buffers };
}

const isMain = process.argv[1] && /bench-log\.ts$/.test(process.argv[1]);
if (isMain) {
  const { values } = parseArgs({ options: { rows: { type: "string" }, runs: { type: "string" } } });
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  benchLog({ databaseUrl, rows: values.rows ? Number(values.rows) : undefined, runs: values.runs ? Number(values.runs) : undefined })
    .then((rows) => {
      const worst = Math.max(...rows.map((r) => r.keysetP95));
      const worstPg = Math.max(...rows.map((r) => r.pgKeysetP95));
      console.log(`\nslowest keyset p95: ${worst.toFixed(2)} ms wall, ${worstPg.toFixed(2)} ms in PostgreSQL (target < 50 ms)`);
    })
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
