import { sql } from "drizzle-orm";
import { executeHot, openDatabase } from "@/lib/db/client";
import { claimStatement } from "@/lib/ontraport/engine/worker";
import type { Benchmark, Metric } from "../types";
import { openFixture } from "./fixture";
import { benchWorkerStatements, createStores, insertBacklogs, storeId } from "./stores-fixture";

const STORES = 200;
const list = (ids: string[]) => sql`any(string_to_array(${ids.join(",")}, ','))`;

/**
 * What one claim statement costs by the rows it takes: 200 stores with 100 Sales waiting each, all but
 * `free` of them with a request in flight (served last), claiming over every store as the worker does by
 * default (or one lane of BENCH_CLAIM_LANES, taking turns, when that is more than 1). Each claim is undone before the next (its rows back to pending, its
 * stores back to "served long ago"), untimed. Under each plan_cache_mode: the worker's prepared claim
 * runs under "auto"; "force_custom_plan" shows what planning each run would cost.
 */
export const claimBenchmark: Benchmark = {
  name: "claim",
  description: "Time of one claim statement by the rows it takes (fixed part and per row), 200 stores, the worker's claim over every store",
  async run(ctx) {
    const lanes = benchWorkerStatements().claimLanes;
    const reps = ctx.quick ? 20 : 60;
    const frees = ctx.quick ? [10, 40, 200] : [5, 10, 20, 40, 80, 200];
    const modes = ctx.quick ? ["auto"] : ["auto", "force_custom_plan"];
    const f = await openFixture(ctx.postgresUrl, { rateLimitPerMinute: 100_000_000 });
    const dbName = new URL(f.t.location).pathname.slice(1);
    const stores = Array.from({ length: STORES }, (_, i) => storeId("C", i));
    const metrics: Metric[] = [];
    const notes: string[] = [];
    try {
      await createStores(f.t.db, stores, 100_000_000);
      await insertBacklogs(f.t.db, stores, 100);
      for (const mode of modes) {
        // New connections take the database's setting.
        await f.t.db.execute(sql.raw(`alter database "${dbName}" set plan_cache_mode = ${mode}`));
        const opened = await openDatabase({ databaseUrl: f.t.location, max: 1 });
        const points: Array<{ rows: number; ms: number }> = [];
        try {
          for (const free of frees) {
            ctx.log(`claim: ${mode}, ${free} stores free ...`);
            await f.t.db.execute(sql`update transmissions set status = 'pending', lease_until = null, locked_by = null where status = 'sending'`);
            await f.t.db.execute(sql`insert into ontraport_rate_windows (merchant_id, tokens, served_seq) select id, 1e9, 0 from merchants
              on conflict (merchant_id) do update set tokens = 1e9, served_seq = 0`);
            const busy = stores.slice(free);
            await f.t.db.execute(sql`update transmissions t set status = 'sending', lease_until = now() + interval '1 hour', locked_by = 'elsewhere'
              from (select distinct on (merchant_id) id from transmissions where merchant_id = ${list(busy)} order by merchant_id, seq) s where t.id = s.id`);
            await f.t.db.execute(sql`update ontraport_rate_windows set served_seq = 9e15 where merchant_id = ${list(busy)}`);
            await f.t.db.execute(sql`vacuum analyze transmissions`);
            let ms = 0;
            let rows = 0;
            for (let r = -5; r < reps; r++) {
              const t0 = performance.now();
              const got = await executeHot<{ id: string; merchant_id: string }>(
                opened.db,
                claimStatement({ now: new Date(), want: 100, perStore: 1, leaseMs: 60_000, workerId: "bench", lane: lanes > 1 ? { k: (r + 10) % lanes, n: lanes } : undefined }),
              );
              // The first five runs are warm-up (prepared statement, plan cache).
              if (r >= 0) [ms, rows] = [ms + performance.now() - t0, rows + got.length];
              await f.t.db.execute(sql`update transmissions set status = 'pending', lease_until = null, locked_by = null where id = any(string_to_array(${got.map((g) => g.id).join(",")}, ',')::uuid[])`);
              await f.t.db.execute(sql`update ontraport_rate_windows set served_seq = 0 where merchant_id = ${list(got.map((g) => g.merchant_id))}`);
            }
            points.push({ rows: rows / reps, ms: ms / reps });
            metrics.push({ label: `${mode}: ${(rows / reps).toFixed(1)} rows a claim`, value: +(ms / reps).toFixed(2), unit: `ms a claim, ${(ms / rows).toFixed(3)} ms a row` });
          }
        } finally {
          await opened.close();
        }
        // Least squares: ms = fixed + perRow x rows.
        const n = points.length;
        const mx = points.reduce((a, p) => a + p.rows, 0) / n;
        const my = points.reduce((a, p) => a + p.ms, 0) / n;
        const perRow = points.reduce((a, p) => a + (p.rows - mx) * (p.ms - my), 0) / points.reduce((a, p) => a + (p.rows - mx) ** 2, 0);
        metrics.push({ label: `${mode}: fixed part of a claim`, value: +(my - perRow * mx).toFixed(2), unit: "ms" });
        metrics.push({ label: `${mode}: each row`, value: +perRow.toFixed(3), unit: "ms" });
      }
      notes.push(`${STORES} stores x 100 Sales; ${lanes > 1 ? `one lane of ${lanes} claiming (each in turn)` : "one claim over every store"}; ${reps} claims a point after 5 untimed; times from the bench process, round trip and commit included.`);
      return { metrics, notes };
    } finally {
      await f.close();
    }
  },
};
