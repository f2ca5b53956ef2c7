import type { Metadata } from "next";
import Link from "next/link";
import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { countOrdersByStage } from "@/lib/orders/queries";
import { countItems } from "@/lib/items/queries";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { getDeliverySummary } from "@/lib/ontraport/log/summary";
import { logHref } from "@/lib/ontraport/log/paths";

export const metadata: Metadata = { title: "Home" };

export default async function HomePage() {
  const user = await requirePageSession();
  const db = await getDb();
  const [{ total, byStage }, itemCount] = await Promise.all([countOrdersByStage(db, { merchantId: user.merchantId }), countItems(db, { merchantId: user.merchantId })]);
  const deliveries = await getDeliverySummary(db, { merchantId: user.merchantId });
  const waiting = deliveries.waiting + deliveries.paused;
  return (
    <>
      <PageHeader title={`Welcome, ${user.name}`} description={`${user.merchantName} at a glance.`} />
      <div className="grid gap-4 md:grid-cols-3">
        <Card title="Orders">
          <p className="text-3xl font-semibold">{total}</p>
          <Link href="/orders" className="text-sm text-accent-600 hover:underline">
            Order Management
          </Link>
        </Card>
        <Card title="Items">
          <p className="text-3xl font-semibold">{itemCount}</p>
          <Link href="/items" className="text-sm text-accent-600 hover:underline">
            Manage items
          </Link>
        </Card>
        <Card title="ONTRAPORT deliveries" id="home-deliveries">
          <dl className="grid grid-cols-2 gap-3">
            <div>
              <dt className="text-xs font-medium text-zinc-500">Failed, last 7 days</dt>
              <dd className={cn("text-3xl font-semibold tabular-nums", deliveries.failed7d > 0 && "text-red-700")} data-testid="home-failed">
                {deliveries.failed7d}
              </dd>
              <dd>
                <Link href={logHref("failed")} className="text-sm text-accent-600 hover:underline">
                  Show failed
                </Link>
              </dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-zinc-500">Waiting now</dt>
              <dd className="text-3xl font-semibold tabular-nums" data-testid="home-waiting">
                {waiting}
              </dd>
              <dd>
                <Link href={logHref(deliveries.paused > 0 && deliveries.waiting === 0 ? "paused" : "waiting")} className="text-sm text-accent-600 hover:underline">
                  Show waiting
                </Link>
              </dd>
              {deliveries.paused > 0 && <dd className="text-xs text-amber-800">{deliveries.paused} paused until a new API key is saved</dd>}
            </div>
          </dl>
          <Link href="/configuration/external-integrations/ontraport" className="mt-3 inline-block text-sm text-accent-600 hover:underline">
            Open ONTRAPORT settings
          </Link>
        </Card>
      </div>
      <Card title="Orders by stage" className="mt-6">
        <ul className="grid gap-2 sm:grid-cols-2 md:grid-cols-4">
          {Object.entries(byStage)
            .map(([stage, n]) => ({ stage, n: n ?? 0 }))
            .sort((a, b) => b.n - a.n)
            .map((r) => (
              <li key={r.stage} className="flex justify-between rounded-md bg-zinc-50 px-3 py-2 text-sm">
                <span>{r.stage}</span>
                <span className="font-semibold">{r.n}</span>
              </li>
            ))}
        </ul>
      </Card>
    </>
  );
}
