/**
 * Evidence that Order Management stays fast at 100,000 orders: fills a throw-away database with
 * one merchant's orders, then times the list queries Order Management runs and prints the plans.
 *   npx tsx scripts/orders-explain.ts            (embedded PGlite)
 *   TEST_DATABASE_URL=postgres://... npx tsx scripts/orders-explain.ts   (PostgreSQL)
 */
import { sql } from "drizzle-orm";
import { rowsOf } from "@/lib/db/client";
import { openTestDatabase } from "@/tools/testing/db";
import { countOrdersByStage, listOrders } from "@/lib/orders/queries";

const N = Number(process.env.ORDERS ?? 100_000);

async function main() {
  const t = await openTestDatabase(process.env.TEST_DATABASE_URL ? "postgres" : "pglite");
  try {
    const db = t.db;
    await db.execute(sql`insert into merchants (id, name) values ('BIG', 'Big Store'), ('OTHER', 'Other')`);
    const started = Date.now();
    await db.execute(sql.raw(`
      insert into orders (id, merchant_id, current_stage, payment_status, payment_method, theme_code, first_name, last_name, email,
                          subtotal_cents, total_cents, receipt_token, created_at)
      select 'BIG-' || lpad(g::text, 7, '0'), 'BIG',
             (array['Completed Order','Shipping Department','Fraud Review','Accounts Receivable','Pending Clearance','Quote Request','Pre-ordered','Hold','Rejected','Quote Sent'])[1 + (g % 10)]::order_stage,
             'Processed', 'Credit Card', 'DEFAULT',
             (array['Ada','Grace','Alan','Linus','Barbara','Ken'])[1 + (g % 6)], 'Customer' || (g % 5000),
             'shopper' || g || '@example.com', 1000, 1000, md5(g::text), now() - (g || ' minutes')::interval
      from generate_series(1, ${N}) g`));
    await db.execute(sql`analyze orders`);
    console.log(`${t.kind}: inserted ${N} orders in ${Date.now() - started} ms`);

    const time = async (label: string, fn: () => Promise<unknown>) => {
      await fn();
      const runs = 5;
      const s = performance.now();
      for (let i = 0; i < runs; i++) await fn();
      console.log(`${label.padEnd(52)} ${((performance.now() - s) / runs).toFixed(1)} ms`);
    };
    const first = await listOrders(db, { merchantId: "BIG" });
    let deep = first;
    for (let i = 0; i < 200; i++) deep = await listOrders(db, { merchantId: "BIG", after: deep.next });
    await time("first page, all stages", () => listOrders(db, { merchantId: "BIG" }));
    await time("page 201 (keyset), all stages", () => listOrders(db, { merchantId: "BIG", after: deep.next }));
    await time("first page, Fraud Review", () => listOrders(db, { merchantId: "BIG", stage: "Fraud Review" }));
    await time("first page, oldest first", () => listOrders(db, { merchantId: "BIG", sort: "oldest" }));
    await time("search by order id", () => listOrders(db, { merchantId: "BIG", q: "BIG-0054321" }));
    await time("search by email prefix", () => listOrders(db, { merchantId: "BIG", q: "shopper5432" }));
    await time("search by common name (many matches)", () => listOrders(db, { merchantId: "BIG", q: "grace" }));
    await time("search by rare name (scans the merchant's orders)", () => listOrders(db, { merchantId: "BIG", q: "customer4321" }));
    await time("stage counts (tabs)", () => countOrdersByStage(db, { merchantId: "BIG" }));
    await time("stage counts for a name search (scans the merchant's orders)", () => countOrdersByStage(db, { merchantId: "BIG", q: "grace" }));

    const plan = async (label: string, q: string) => {
      const rows = rowsOf<Record<string, string>>(await db.execute(sql.raw(`explain (analyze, costs off) ${q}`)));
      console.log(`\n-- ${label}\n${rows.map((r) => Object.values(r)[0]).join("\n")}`);
    };
    await plan(
      "keyset page 201, Fraud Review",
      `select id from orders where merchant_id = 'BIG' and current_stage = 'Fraud Review' and (created_at, id) < (now() - interval '30 days', 'BIG-0043200') order by created_at desc nulls last, id desc nulls last limit 26`,
    );
    await plan("stage counts", `select current_stage, count(*) from orders where merchant_id = 'BIG' group by current_stage`);
  } finally {
    await t.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
