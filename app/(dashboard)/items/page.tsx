import { cleanSearch } from "@/lib/validation";
import type { Metadata } from "next";
import Link from "next/link";
import { Plus } from "lucide-react";
import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { listItems } from "@/lib/items/queries";
import { formatMoney } from "@/lib/money";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { inputClass } from "@/components/ui/field";

export const metadata: Metadata = { title: "Items" };

// Search text and paging keys from the URL: control characters (NUL) never reach the database.
const str = (v: string | string[] | undefined) => (typeof v === "string" ? cleanSearch(v, 100) || undefined : undefined);

export default async function ItemsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageSession();
  const sp = await searchParams;
  const q = str(sp.q)?.trim() ?? "";
  const { rows, hasNext, hasPrev } = await listItems(await getDb(), { merchantId: user.merchantId, q, after: str(sp.after), before: str(sp.before) });
  const link = (extra: Record<string, string>) => `/items?${new URLSearchParams({ ...(q ? { q } : {}), ...extra }).toString()}`;
  return (
    <>
      <PageHeader
        title="Items"
        crumbs={[{ label: "Home", href: "/" }, { label: "Items" }]}
        description="What your StoreFront sells. Custom fields such as the ONTRAPORT Product Name travel with each item."
        actions={
          user.role === "admin" && (
            <Link href="/items/new" className="inline-flex items-center gap-1.5 rounded-md border border-accent-600 bg-accent-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-accent-700">
              <Plus className="size-4" aria-hidden="true" />
              New item
            </Link>
          )
        }
      />
      <form method="get" action="/items" role="search" className="mb-4 flex max-w-lg items-end gap-2">
        <div className="flex-1">
          <label htmlFor="items-q" className="block text-sm font-medium text-zinc-800">
            Search items
          </label>
          <input id="items-q" name="q" defaultValue={q} placeholder="Item ID, description or ONTRAPORT Product Name" className={inputClass} />
        </div>
        <button type="submit" className="rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm font-medium hover:bg-zinc-50">
          Search
        </button>
      </form>
      {rows.length === 0 ? (
        <EmptyState title={q ? `No items match “${q}”.` : "No items yet."}>{q ? "Try another word, or clear the search." : "Create your first item with New item."}</EmptyState>
      ) : (
        <Table caption="Items">
          <THead>
            <tr>
              <Th>Item ID</Th>
              <Th>Description</Th>
              <Th className="text-right">Price</Th>
              <Th>Kind</Th>
              <Th>ONTRAPORT Product Name</Th>
              <Th>Status</Th>
            </tr>
          </THead>
          <TBody>
            {rows.map((it) => (
              <Tr key={it.id}>
                <Td>
                  <Link href={`/items/${it.id}`} className="font-medium text-accent-700 hover:underline">
                    {it.merchantItemId}
                  </Link>
                </Td>
                <Td>{it.description}</Td>
                <Td className="text-right tabular-nums">{formatMoney(it.priceCents)}</Td>
                <Td>{it.kind === "recurring" ? `Recurring, ${it.frequency}` : it.kind === "preorder" ? "Pre-order" : "Standard"}</Td>
                <Td>{it.customFields.oapProductid ?? <span className="text-zinc-500">Not mapped (sent as {it.merchantItemId})</span>}</Td>
                <Td>{it.inactive ? <Badge tone="muted">Inactive</Badge> : <Badge tone="success">Active</Badge>}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
      <nav aria-label="Pages" className="mt-4 flex gap-2">
        {hasPrev && rows[0] && (
          <Link className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm hover:bg-zinc-50" href={link({ before: rows[0].merchantItemId })}>
            Previous
          </Link>
        )}
        {hasNext && rows.at(-1) && (
          <Link className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm hover:bg-zinc-50" href={link({ after: rows.at(-1)!.merchantItemId })}>
            Next
          </Link>
        )}
      </nav>
    </>
  );
}
