import { cleanSearch } from "@/lib/validation";
import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { allowLocalOntraport, describeChange, getConfigView, listChangeHistory, listThemeSubdomains } from "@/lib/ontraport/config/config";
import { listMappings, MAX_PRODUCT_NAME, type MappingFilter } from "@/lib/ontraport/config/mapping";
import { pollUrl, readPollingKey } from "@/lib/ontraport/config/polling-key";
import { PageHeader } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, EmptyState } from "@/components/ui/card";
import { inputClass } from "@/components/ui/field";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { MethodForm } from "./method-form";
import { MappingTable } from "./mapping-table";
import { PollingKey } from "./polling-key";
import { TransmissionLogSection } from "@/components/ontraport/transmission-log-section";
import { LocalTime } from "@/components/ontraport/local-time";
import { formatUtcDateTime } from "@/components/ui/date-time";

export const metadata: Metadata = { title: "ONTRAPORT" };

const PATH = "/configuration/external-integrations/ontraport";
const METHOD_LABEL = { off: "Off", api: "API Integration", pixel: "Partner Tracking Pixel" } as const;

/** The key's times go to the method form as text: the one date-time format, in UTC. */
function when(d: Date | null): string | null {
  return d ? formatUtcDateTime(d) : null;
}

// `items` (not `q`): the Transmission Log on this page keeps its own search in `q`.
type Search = { items?: string; filter?: string; after?: string; before?: string };

function href(params: Search): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) u.set(k, v);
  const s = u.toString();
  return `${PATH}${s ? `?${s}` : ""}#product-mapping`;
}

async function publicBase(): Promise<string> {
  const configured = env().CARTLINK_PUBLIC_URL;
  if (configured) return configured;
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost";
  const proto = h.get("x-forwarded-proto") ?? (host.startsWith("localhost") || host.startsWith("127.0.0.1") ? "http" : "https");
  return `${proto}://${host}`;
}

export default async function OntraportPage({ searchParams }: { searchParams: Promise<Search> }) {
  const user = await requirePageSession();
  const readOnly = user.role !== "admin";
  const sp = await searchParams;
  const filter: MappingFilter = sp.filter === "unmapped" || sp.filter === "conflicts" ? sp.filter : "all";
  // Search text and cursors from the URL: control characters (NUL) never reach the database.
  const q = cleanSearch(typeof sp.items === "string" ? sp.items : "") || undefined;
  const after = typeof sp.after === "string" ? cleanSearch(sp.after) || undefined : undefined;
  const before = typeof sp.before === "string" ? cleanSearch(sp.before) || undefined : undefined;
  const db = await getDb();
  const merchantId = user.merchantId;

  const [view, themes, mapping, history, pollingKey] = await Promise.all([
    getConfigView(db, { merchantId }),
    listThemeSubdomains(db, { merchantId }),
    listMappings(db, { merchantId, q, filter, after, before: after ? undefined : before }),
    listChangeHistory(db, { merchantId, limit: 20 }),
    readOnly ? Promise.resolve(null) : readPollingKey(db, { merchantId }),
  ]);
  const base = await publicBase();
  const s = mapping.summary;

  return (
    <>
      <PageHeader
        title="ONTRAPORT"
        crumbs={[
          { label: "Configuration", href: "/configuration" },
          { label: "External Integrations", href: "/configuration/external-integrations" },
          { label: "ONTRAPORT" },
        ]}
        description="Send ONTRAPORT your sales, refunds, auto order status changes and affiliates, or fire its partner tracking pixel on receipts. Complete the Product Mapping whichever method you choose, and watch the Transmission Log at the bottom of this page."
        actions={
          <div className="flex items-center gap-2 text-sm">
            <span className="text-zinc-500">Integration:</span>
            <span data-testid="integration-status">
              <Badge tone={view.method === "off" ? "muted" : view.pausedAt ? "danger" : "success"}>
                {METHOD_LABEL[view.method]}
                {view.method !== "off" && view.pausedAt ? " · Paused" : ""}
              </Badge>
            </span>
          </div>
        }
      />
      {readOnly && (
        <p className="mb-4 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700" role="note">
          You are signed in as support: this page is read-only. Ask an admin to change the ONTRAPORT configuration.
        </p>
      )}
      <div className="space-y-6">
        <Card id="integration-method" title="Integration method" description="Choose how cartlink talks to ONTRAPORT, complete the fields for that method, and save.">
          <MethodForm
            readOnly={readOnly}
            allowLocal={allowLocalOntraport()}
            method={view.method}
            protocol={view.protocol}
            appId={view.appId}
            tagEveryBuyer={view.tagEveryBuyer}
            hasKey={view.hasKey}
            keyMask={view.keyMask}
            keyFingerprint={view.keyFingerprint}
            keySetAt={when(view.keySetAt)}
            keySetBy={view.keySetBy}
            keyStatus={view.keyStatus}
            keyStatusAt={when(view.keyStatusAt)}
            keyStatusCode={view.keyStatusCode}
            endpointUrl={view.endpointUrl}
            defaultEndpoint={view.defaultEndpoint}
            pausedAt={when(view.pausedAt)}
            pausedReason={view.pausedReason}
            themes={themes.map((t) => ({ code: t.code, name: t.name, subdomain: t.subdomain }))}
          />
        </Card>

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
            <form method="get" action={`${PATH}#product-mapping`} className="flex flex-wrap items-end gap-3" role="search">
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

        <Card id="item-poll" title="Item poll for ONTRAPORT">
          <PollingKey pollUrl={pollUrl(base, readOnly ? null : pollingKey)} hasKey={view.hasPollingKey} readOnly={readOnly} />
        </Card>

        <Card id="change-history" title="Change history" description="Who changed this page, and when. Keys never appear here; a key is identified by its fingerprint.">
          {history.length === 0 ? (
            <p className="text-sm text-zinc-600">No changes yet. Saving the configuration above records who changed what.</p>
          ) : (
            <Table caption="Change history">
              <THead>
                <tr>
                  <Th className="w-44">When</Th>
                  <Th className="w-56">Who</Th>
                  <Th>Change</Th>
                </tr>
              </THead>
              <TBody>
                {history.map((h) => (
                  <Tr key={h.id}>
                    <Td className="whitespace-nowrap text-zinc-600">
                      <LocalTime iso={h.at.toISOString()} />
                    </Td>
                    <Td>{h.who ?? "system"}</Td>
                    <Td>{describeChange(h)}</Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          )}
        </Card>
        <TransmissionLogSection />
      </div>
    </>
  );
}
