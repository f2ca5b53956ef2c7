import type { Metadata } from "next";
import Link from "next/link";
import { Search } from "lucide-react";
import { cleanSearch } from "@/lib/validation";
import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { formatMoney } from "@/lib/money";
import type { Stage } from "@/lib/orders/paid";
import { countOrdersByStage, decodeCursor, encodeCursor, listOrders, stageNamed } from "@/lib/orders/queries";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/card";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { inputClass } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";
import { PaymentBadge, StageBadge } from "@/components/orders/badges";
import { LocalTime } from "@/components/ontraport/local-time";

export const metadata: Metadata = { title: "Order Management" };

/** The tabs, in the cart's menu order; each is named as its stage is everywhere else (badges, history, Home). */
const TABS: Array<{ label: string; stage?: Stage }> = [
  { label: "All" },
  ...(["Pre-ordered", "Quote Request", "Quote Sent", "Accounts Receivable", "Pending Clearance", "Fraud Review", "Shipping Department", "Completed Order", "Hold", "Rejected"] as const).map(
    (stage) => ({ label: stage, stage }),
  ),
];

type Params = { stage?: string; q?: string; sort?: string; after?: string; before?: string };

function href(p: Params): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v) s.set(k, v);
  const qs = s.toString();
  return qs ? `/orders?${qs}` : "/orders";
}

export default async function OrdersPage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requirePageSession();
  const sp = await searchParams;
  const stage = stageNamed(sp.stage);
  const q = cleanSearch(typeof sp.q === "string" ? sp.q : "");
  const sort = sp.sort === "oldest" ? "oldest" : "newest";
  const db = await getDb();
  const [page, counts] = await Promise.all([
    listOrders(db, { merchantId: user.merchantId, stage, q, sort, after: decodeCursor(sp.after), before: decodeCursor(sp.before), limit: 25 }),
    countOrdersByStage(db, { merchantId: user.merchantId, q }),
  ]);
  const keep: Params = { stage, q: q || undefined, sort: sort === "oldest" ? "oldest" : undefined };
  const newer = sort === "newest" ? page.prev : page.next;
  const older = sort === "newest" ? page.next : page.prev;
  const pageLink = (c: typeof newer, dir: "newer" | "older") => {
    if (!c) return null;
    const forward = (dir === "older") === (sort === "newest");
    return href({ ...keep, ...(forward ? { after: encodeCursor(c) } : { before: encodeCursor(c) }) });
  };
  const newerHref = pageLink(newer, "newer");
  const olderHref = pageLink(older, "older");
  const filtered = Boolean(q);

  return (
    <>
      <PageHeader title="Order Management" crumbs={[{ label: "Home", href: "/" }, { label: "Order Management" }]} description="Orders by stage. Open one to review it, move it on, refund it or edit it." />
      {/* On a phone the tabs stay on one line and scroll sideways inside their own strip (not the page). */}
      <nav aria-label="Stages" className="-mx-4 mb-4 flex gap-1 overflow-x-auto border-b border-zinc-200 px-4 sm:mx-0 sm:flex-wrap sm:overflow-visible sm:px-0">
        {TABS.map((t) => {
          const n = t.stage ? (counts.byStage[t.stage] ?? 0) : counts.total;
          const active = t.stage === stage;
          return (
            <Link
              key={t.label}
              href={href({ stage: t.stage, q: q || undefined, sort: keep.sort })}
              aria-current={active ? "page" : undefined}
              className={cn("shrink-0 whitespace-nowrap border-b-2 sm:-mb-px px-3 py-2 text-sm", active ? "border-accent-600 font-medium text-accent-700" : "border-transparent text-zinc-600 hover:text-zinc-900")}
            >
              {t.label} <span className="ml-0.5 rounded-full bg-zinc-100 px-1.5 text-xs text-zinc-600">{n.toLocaleString("en-US")}</span>
            </Link>
          );
        })}
      </nav>

      <form role="search" action="/orders" className="mb-4 flex flex-wrap items-end gap-3">
        {stage && <input type="hidden" name="stage" value={stage} />}
        <div className="min-w-0 flex-1 basis-full sm:min-w-64 sm:basis-auto">
          <label htmlFor="order-search" className="block text-sm font-medium text-zinc-800">
            Search orders
          </label>
          <input id="order-search" name="q" type="search" defaultValue={q} placeholder="Order ID, email or name" className={cn(inputClass, "mt-1")} />
        </div>
        <div>
          <label htmlFor="order-sort" className="block text-sm font-medium text-zinc-800">
            Sort by date
          </label>
          <select id="order-sort" name="sort" defaultValue={sort} className={cn(inputClass, "mt-1")}>
            <option value="newest">Newest first</option>
            <option value="oldest">Oldest first</option>
          </select>
        </div>
        <button type="submit" className="inline-flex items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-3.5 py-2 text-sm font-medium text-zinc-800 shadow-xs hover:bg-zinc-50">
          <Search className="size-4" aria-hidden="true" />
          Search
        </button>
        {filtered && (
          <Link href={href({ stage, sort: keep.sort })} className="py-2 text-sm text-accent-600 hover:underline">
            Clear search
          </Link>
        )}
      </form>

      {page.rows.length === 0 ? (
        <EmptyState title={filtered ? `No orders match “${q}”${stage ? ` in ${stage}` : ""}.` : stage ? `No orders in ${stage}.` : "No orders yet."}>
          {filtered ? "Search by the whole order ID (DEMO-0000123), the start of an email address, or part of a name." : "Orders placed on the StoreFront appear here as soon as they are placed."}
        </EmptyState>
      ) : (
        <Table caption={`Orders${stage ? ` in ${stage}` : ""}`}>
          <THead>
            <tr>
              <Th>Order ID</Th>
              <Th aria-sort={sort === "newest" ? "descending" : "ascending"}>Date</Th>
              <Th>Customer</Th>
              <Th>Stage</Th>
              <Th>Payment</Th>
              <Th className="text-right">Total</Th>
              <Th>Theme</Th>
            </tr>
          </THead>
          <TBody>
            {page.rows.map((o) => (
              <Tr key={o.id}>
                <Td className="whitespace-nowrap">
                  <Link href={`/orders/${o.id}`} className="font-medium text-accent-700 hover:underline">
                    {o.id}
                  </Link>
                </Td>
                <Td className="whitespace-nowrap text-zinc-600"><LocalTime iso={o.createdAt.toISOString()} /></Td>
                <Td>
                  <div>{`${o.firstName} ${o.lastName}`.trim() || "—"}</div>
                  <div className="text-xs text-zinc-500">{o.email}</div>
                </Td>
                <Td>
                  <StageBadge stage={o.currentStage} />
                </Td>
                <Td>
                  <PaymentBadge status={o.paymentStatus} />
                  <div className="mt-0.5 text-xs text-zinc-500">{o.paymentMethod}</div>
                </Td>
                <Td className="text-right tabular-nums">
                  {formatMoney(o.totalCents, o.currency)}
                  {o.totalRefundedCents > 0 && <div className="text-xs text-zinc-500">{formatMoney(o.totalRefundedCents, o.currency)} refunded</div>}
                </Td>
                <Td className="text-zinc-600">{o.themeCode}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}

      <nav aria-label="Pages" className="mt-4 flex items-center justify-between">
        <p className="text-sm text-zinc-600">
          {page.rows.length} order{page.rows.length === 1 ? "" : "s"} on this page
        </p>
        <div className="flex gap-2">
          {pagerLink(newerHref, "Newer")}
          {pagerLink(olderHref, "Older")}
        </div>
      </nav>
    </>
  );
}

function pagerLink(to: string | null, label: string) {
  const cls = "rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium shadow-xs";
  return to ? (
    <Link href={to} className={cn(cls, "text-zinc-800 hover:bg-zinc-50")}>
      {label}
    </Link>
  ) : (
    <span aria-disabled="true" className={cn(cls, "cursor-not-allowed text-zinc-400")}>
      {label}
    </span>
  );
}
