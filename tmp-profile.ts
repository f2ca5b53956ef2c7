import { sql } from "drizzle-orm";
import { openDatabase } from "@/lib/db/client";
import { OutboxWorker, workerPoolSize } from "@/lib/ontraport/engine/worker";
import { resolveTestKey } from "@/tools/testing/ontraport";
import { openFixture, sleep } from "@/tools/bench/outbox/fixture";
import { startReceiver } from "@/tools/bench/outbox/receiver";
import { createStores, insertBacklogs, storeId } from "@/tools/bench/outbox/stores-fixture";

async function main() {
  const f = await openFixture("postgres://postgres@127.0.0.1:5432/postgres", { rateLimitPerMinute: 100_000_000 });
  const receiver = await startReceiver();
  const workerDb = await openDatabase({ databaseUrl: f.t.location, max: workerPoolSize() });
  const stores = Array.from({ length: 200 }, (_, i) => storeId("T", i));
  await createStores(f.t.db, stores, 100_000_000);
  for (const [i, per] of [10, 30, 30, 30, 30, 30, 30].entries()) {
    const chain = i % 2 === 1;
    await f.t.db.execute(sql`truncate transmission_attempts, transmissions`);
    const n = await insertBacklogs(f.t.db, stores, per);
    const worker = new OutboxWorker({ db: workerDb.db, endpoint: receiver.endpoint, resolveKey: resolveTestKey, claimBatch: 1000 });
    if (!chain) (worker as unknown as { chainOptions: () => undefined }).chainOptions = () => undefined;
    const t0 = performance.now();
    await worker.start();
    while (worker.finished < n) await sleep(20);
    console.log(chain ? "chain" : "plain", n, ((n / (performance.now() - t0)) * 1000).toFixed(0), "/s");
    await worker.stop();
    const [c] = (await f.t.db.execute(sql`select count(*)::int as n, count(distinct transmission_id)::int as d from transmission_attempts`)) as unknown as Array<{ n: number; d: number }>;
    if (c!.n !== n || c!.d !== n) console.log("attempts", c);
  }
  await workerDb.close();
  receiver.close();
  await f.close();
}
void main();
