import { cleanSearch } from "@/lib/validation";
import type { Metadata } from "next";
import Link from "next/link";
import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { listMappings, MAX_PRODUCT_NAME, type MappingFilter } from "@/lib/ontraport/config/mapping";
import { Badge } from "@/components/ui/badge";
import { Card, EmptyState } from "@/components/ui/card";
import { inputClass } from "@/components/ui/field";
import { ONTRAPORT_PATH } from "../config-view";
import { MappingTable } from "../mapping-table";

export const metadata: Metadata = { title: "Product Mapping · ONTRAPORT" };

const PATH = `${ONTRAPORT_PATH}/mapping`;

type Search = { items?: string; filter?: string; after?: string; before?: string };

function href(params: Search): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) u.set(k, v);
  const s = u.toString();
  return `${PATH}${s ? `?${s}` : ""}`;
}

/** The Product Mapping tab: the ONTRAPORT Product Name each item is sent under, with search, filters and pages. */
export default async function ProductMappingPage({ searchParams }: { searchParams: Promise<Search> }) {
  const user = await requirePageSession();
  const readOnly = user.role !== "admin";
  const sp = await searchParams;
  const filter: MappingFilter = sp.filter === "unmapped" || sp.filter === "conflicts" ? sp.filter : "all";
  // Search text and cursors from the URL: control characters (NUL) never reach the database.
  const q = cleanSearch(typeof sp.items === "string" ? sp.items : "") || undefined;
  const after = typeof sp.after === "string" ? cleanSearch(sp.after) || undefined : undefined;
  const before = typeof sp.before === "string" ? cleanSearch(sp.before) || undefined : undefined;
  const mapping = await listMappings(await getDb(), { merchantId: user.merchantId, q, filter, after, before: after ? undefined : before });
  const s = mapping.summary;

  return (
    <Card
      id="product-mapping"
      title="Product Mapping"
      description={
        <>
          Needed for both methods. If no ONTRAPORT Product Name is entered, the Item ID is sent as the product name; enter a name where your Item IDs differ from
          ONTRAPORT&apos;s products. Names are trimmed, at most {MAX_PRODUCT_NAME} characters, and compared ignoring case.
        </>
      }
    >
      <div className="space-y-4">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm" data-testid="mapping-summary">
          <span>
            <strong>{s.items}</strong> items
          </span>
          <span>
            <strong>{s.unmapped}</strong> send their Item ID
          </span>
          {s.conflictNames > 0 ? (
            // The alert wraps the link: role="alert" on the link itself replaced its link role and hid its name.
            <span role="alert">
              <Link href={href({ filter: "conflicts" })} className="inline-flex items-center gap-1 font-medium text-amber-900 underline">
                <Badge tone="warning">
                  {s.conflictNames} {s.conflictNames === 1 ? "conflict" : "conflicts"}
                </Badge>
                {s.conflictItems} items would be sent under the same product name
              </Link>
            </span>
          ) : (
            <Badge tone="success">No conflicts</Badge>
          )}
        </div>
        {s.conflictNames > 0 && (
          <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            Items duplicated in your store carry the original&apos;s ONTRAPORT Product Name (the oapProductid custom field). Leaving the duplicated value in place sends
            incorrect product data to ONTRAPORT: give each item its own name, or clear it to send the Item ID.
          </p>
        )}
        <form method="get" action={PATH} className="flex flex-wrap items-end gap-3" role="search">
          <div className="space-y-1">
            <label htmlFor="mapping-q" className="block text-sm font-medium text-zinc-800">
              Search items
            </label>
            <input id="mapping-q" name="items" defaultValue={q ?? ""} placeholder="Item ID, description or product name" className={`${inputClass} w-72`} />
          </div>
          <div className="space-y-1">
            <label htmlFor="mapping-filter" className="block text-sm font-medium text-zinc-800">
              Show
            </label>
            <select id="mapping-filter" name="filter" defaultValue={filter} className={`${inputClass} w-48`}>
              <option value="all">All items</option>
              <option value="unmapped">Unmapped</option>
              <option value="conflicts">Conflicts</option>
            </select>
          </div>
          <button type="submit" className="rounded-md border border-zinc-300 bg-white px-3.5 py-2 text-sm font-medium text-zinc-800 shadow-xs hover:bg-zinc-50">
            Apply
          </button>
          {(q || filter !== "all") && (
            <Link href={href({})} className="py-2 text-sm text-accent-700 hover:underline">
              Clear
            </Link>
          )}
        </form>
        {mapping.rows.length === 0 ? (
          <EmptyState title={q || filter !== "all" ? "No items match." : "No items yet."}>
            {q || filter !== "all" ? "Try another search or show all items." : "Add items under Items; each appears here to map to an ONTRAPORT product."}
          </EmptyState>
        ) : (
          <MappingTable
            key={`${q ?? ""}|${filter}|${after ?? ""}|${before ?? ""}`}
            readOnly={readOnly}
            rows={mapping.rows.map((r) => ({ itemId: r.itemId, description: r.description, mapping: r.mapping, sentAs: r.sentAs, tags: r.tags, conflictsWith: r.conflictsWith, conflictCount: r.conflictCount }))}
          />
        )}
        {(mapping.prevCursor || mapping.nextCursor) && (
          <nav aria-label="Product Mapping pages" className="flex items-center gap-2">
            {mapping.prevCursor ? (
              <Link className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm hover:bg-zinc-50" href={href({ items: q, filter: filter === "all" ? undefined : filter, before: mapping.prevCursor })}>
                Previous
              </Link>
            ) : (
              <span className="rounded-md border border-zinc-200 px-3 py-1.5 text-sm text-zinc-400">Previous</span>
            )}
            {mapping.nextCursor ? (
              <Link className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm hover:bg-zinc-50" href={href({ items: q, filter: filter === "all" ? undefined : filter, after: mapping.nextCursor })}>
                Next
              </Link>
            ) : (
              <span className="rounded-md border border-zinc-200 px-3 py-1.5 text-sm text-zinc-400">Next</span>
            )}
          </nav>
        )}
      </div>
    </Card>
  );
}
