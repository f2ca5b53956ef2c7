"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { ChevronLeft, ChevronRight, Search } from "lucide-react";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { EmptyState } from "@/components/ui/card";
import type { LogPage, LogRow } from "@/lib/ontraport/log/queries";
import { LOG_PARAM_NAMES, LOG_STATUSES, LOG_STATUS_LABELS, LOG_TYPES, TYPE_LABELS, transmissionName } from "@/lib/ontraport/log/words";
import { TransmissionStatusBadge } from "./status-badge";
import { LocalTime } from "./local-time";
import { fetchJson } from "./fetch-json";
import { ResendFailedButton, ResendRunPill, useResendRun } from "./resend-failed";
import { ResendButton } from "./resend-transmission";

// View is loaded when first opened (or when `?tx=` asks for it): the log's first load stays within its JavaScript budget.
const TransmissionDialog = dynamic(() => import("./transmission-dialog").then((m) => m.TransmissionDialog), { ssr: false });

export const LOG_REFRESH_MS = 4_000;
const COLUMNS = ["Type", "Status", "Description", "Response Code", "Attempts", "Time"] as const;

function page_(p: LogPage | undefined): p is LogPage {
  return p !== undefined;
}

function pathWithout(pathname: string, sp: URLSearchParams | { toString(): string }, drop: string[]): string {
  const next = new URLSearchParams(sp.toString());
  for (const k of drop) next.delete(k);
  const s = next.toString();
  return s ? `${pathname}?${s}` : pathname;
}

function logParams(sp: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const k of LOG_PARAM_NAMES) {
    const v = sp.get(k);
    if (v) out.set(k, v);
  }
  return out;
}

/**
 * The Transmission Log table: filters and the page position live in the URL (a shared link shows
 * the same view); refreshed every few seconds. On the first page new rows simply appear on top; on
 * a deeper page the rows stay put and a "N new transmissions — Show" button offers the top.
 */
export function TransmissionLog() {
  const router = useRouter();
  const pathname = usePathname();
  const sp = useSearchParams();
  const params = logParams(new URLSearchParams(sp.toString()));
  const qs = params.toString();
  const filtered = ["type", "status", "from", "to", "q"].some((k) => params.has(k));
  const onFirstPage = !params.has("cursor");

  const q = useQuery({
    queryKey: ["ontraport-log", qs],
    queryFn: ({ signal }) => fetchJson<LogPage>(`/api/ontraport/log?${qs}`, signal),
    refetchInterval: LOG_REFRESH_MS,
    placeholderData: (prev) => prev,
  });

  // Two quick changes (type, then status) must both land: build on the last URL asked for, not on
  // the one React has rendered so far.
  const requested = useRef<{ base: string; next: string } | null>(null);
  const navigate = (change: Record<string, string | null>, keepPage = false) => {
    const rendered = sp.toString();
    const from = requested.current && requested.current.base === rendered ? requested.current.next : rendered;
    const next = new URLSearchParams(from);
    if (!keepPage) for (const k of ["cursor", "dir", "seen"]) next.delete(k);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    const s = next.toString();
    requested.current = { base: rendered, next: s };
    router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
    if (keepPage) top.current?.scrollIntoView({ block: "nearest" });
  };
  const top = useRef<HTMLDivElement>(null);

  // New rows that arrived on the first page since the last refresh, announced to screen readers.
  const known = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<{ ids: Set<string>; n: number }>({ ids: new Set(), n: 0 });
  const rows = q.data?.rows;
  useEffect(() => {
    if (!rows || !onFirstPage) {
      known.current = null;
      return;
    }
    const ids = new Set(rows.map((r) => r.id));
    if (known.current) {
      const added = rows.filter((r) => !known.current!.has(r.id)).map((r) => r.id);
      if (added.length > 0) setFresh({ ids: new Set(added), n: added.length });
    }
    known.current = ids;
  }, [rows, onFirstPage, qs]);

  // Paging "Newer" back to the top lands on the live first page, where new rows appear by themselves.
  const atTopViaNewer = params.get("dir") === "newer" && page_(q.data) && !q.data?.newerCursor && !q.isPlaceholderData;
  useEffect(() => {
    if (atTopViaNewer) router.replace(pathWithout(pathname, sp, ["cursor", "dir", "seen"]), { scroll: false });
  }, [atTopViaNewer, pathname, router, sp]);

  // `?tx=<id>` opens that transmission's View: a link to one transmission. Opening and closing
  // change the URL (router.replace, the filters kept); until it catches up, the click decides.
  const txParam = sp.get("tx");
  const [local, setLocal] = useState<{ id: string | null; for: string | null } | null>(null);
  const viewingId = local && local.for === txParam ? local.id : txParam;
  const [viewingName, setViewingName] = useState<string>("Transmission");
  const setTx = (id: string | null) => {
    setLocal({ id, for: txParam });
    const rendered = sp.toString();
    const from = requested.current && requested.current.base === rendered ? requested.current.next : rendered;
    const next = new URLSearchParams(from);
    if (id) next.set("tx", id);
    else next.delete("tx");
    const s = next.toString();
    requested.current = { base: rendered, next: s };
    router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
  };
  const view = (r: LogRow) => {
    setViewingName(transmissionName(r));
    setTx(r.id);
  };
  const run = useResendRun();

  const onSearch = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    navigate({ q: String(data.get("q") ?? "").trim() || null });
  };

  const page = q.data;
  return (
    <div className="scroll-mt-4 space-y-3" ref={top}>
      <div className="flex flex-wrap items-end gap-3">
        <SelectField label="Type" className="w-44" value={params.get("type") ?? ""} onChange={(e) => navigate({ type: e.target.value || null })}>
          <option value="">All types</option>
          {LOG_TYPES.map((t) => (
            <option key={t} value={t}>
              {TYPE_LABELS[t]}
            </option>
          ))}
        </SelectField>
        <SelectField label="Status" className="w-36" value={params.get("status") ?? ""} onChange={(e) => navigate({ status: e.target.value || null })}>
          <option value="">All statuses</option>
          {LOG_STATUSES.map((s) => (
            <option key={s} value={s}>
              {LOG_STATUS_LABELS[s]}
            </option>
          ))}
        </SelectField>
        <TextField label="From" type="date" className="w-40" value={params.get("from") ?? ""} onChange={(e) => navigate({ from: e.target.value || null })} />
        <TextField label="To" type="date" className="w-40" value={params.get("to") ?? ""} onChange={(e) => navigate({ to: e.target.value || null })} />
        <form role="search" onSubmit={onSearch} className="flex items-end gap-2" key={params.get("q") ?? ""}>
          <TextField label="Search" name="q" type="search" className="w-64" placeholder="Order id, email or transmission id" defaultValue={params.get("q") ?? ""} />
          <Button type="submit" variant="secondary" aria-label="Search the log">
            <Search className="size-4" aria-hidden="true" />
          </Button>
        </form>
        {filtered && (
          <Button variant="ghost" onClick={() => navigate({ type: null, status: null, from: null, to: null, q: null })}>
            Clear filters
          </Button>
        )}
        <div className="ml-auto">
          <ResendFailedButton filters={{ type: params.get("type") ?? "", status: params.get("status") ?? "", from: params.get("from") ?? "", to: params.get("to") ?? "", q: params.get("q") ?? "" }} run={run} />
        </div>
      </div>
      <ResendRunPill run={run} />
      <p className="sr-only" aria-live="polite">
        {fresh.n > 0 ? `${fresh.n} new ${fresh.n === 1 ? "transmission" : "transmissions"} at the top of the log.` : ""}
      </p>
      {page?.newCount ? (
        <div role="status" className="flex items-center justify-between rounded-md border border-accent-100 bg-accent-50 px-3 py-2 text-sm text-accent-700">
          <span>
            {page.newCount >= 100 ? "100+" : page.newCount} new {page.newCount === 1 ? "transmission" : "transmissions"}
          </span>
          <Button size="sm" variant="secondary" onClick={() => navigate({})}>
            Show
          </Button>
        </div>
      ) : null}
      {q.isError && !page ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          The Transmission Log could not be loaded: {q.error.message}{" "}
          <button type="button" className="font-medium underline" onClick={() => q.refetch()}>
            Try again
          </button>
        </div>
      ) : page && page.rows.length === 0 ? (
        filtered ? (
          <EmptyState title="No transmissions match these filters.">Change or clear the filters to see more.</EmptyState>
        ) : onFirstPage ? (
          <EmptyState title="No transmissions yet.">Orders that are paid will appear here; place a test order from the StoreFront.</EmptyState>
        ) : (
          <EmptyState title="Nothing further in this direction.">Go back to the newest transmissions.</EmptyState>
        )
      ) : (
        <Table caption="Transmission Log">
          <THead>
            <tr>
              {COLUMNS.map((c) => (
                <Th key={c} className={c === "Response Code" || c === "Attempts" ? "text-right" : undefined}>
                  {c}
                </Th>
              ))}
              <th scope="col" className="sticky right-0 bg-zinc-50 px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </THead>
          <TBody>
            {!page
              ? Array.from({ length: 6 }, (_, i) => (
                  <tr key={i} aria-hidden="true">
                    {Array.from({ length: 7 }, (__, j) => (
                      <td key={j} className="px-3 py-3">
                        <div className="h-4 animate-pulse rounded bg-zinc-100" />
                      </td>
                    ))}
                  </tr>
                ))
              : page.rows.map((r) => {
                  const name = transmissionName(r);
                  return (
                    <Tr key={r.id} className={fresh.ids.has(r.id) ? "bg-accent-50/60" : undefined}>
                      <Td className="whitespace-nowrap">
                        {TYPE_LABELS[r.type]}
                        {r.trigger === "manual" && <span className="ml-1 text-xs text-zinc-500">(manual)</span>}
                      </Td>
                      <Td>
                        <TransmissionStatusBadge status={r.status} type={r.type} />
                        {r.lastError && r.status !== "delivered" && r.status !== "pending" && r.status !== "sending" && (
                          <p className="mt-1 max-w-[18rem] truncate text-xs text-zinc-600" title={r.lastError}>
                            {r.status === "held" && r.orderId ? (
                              <Link className="text-accent-700 underline" href={`?type=sale&q=${encodeURIComponent(r.orderId)}`}>
                                {r.lastError}
                              </Link>
                            ) : (
                              r.lastError
                            )}
                          </p>
                        )}
                      </Td>
                      <Td className="max-w-md">{r.description}</Td>
                      <Td className="text-right tabular-nums">{r.lastStatusCode ?? "—"}</Td>
                      <Td className="text-right tabular-nums">{r.type === "conversion_pixel" ? "—" : r.attempts}</Td>
                      <Td className="whitespace-nowrap">
                        <LocalTime iso={r.createdAt} withSeconds />
                      </Td>
                      <Td className="sticky right-0 bg-white text-right shadow-[-6px_0_6px_-6px_rgba(0,0,0,0.15)]">
                        {/* Pinned to the right edge; on a phone the buttons stack so Type and Status stay in view. */}
                        <div className="flex flex-col items-stretch gap-1.5 sm:flex-row sm:justify-end">
                          <Button variant="secondary" size="sm" aria-label={`View ${name}`} onClick={() => view(r)}>
                            View
                          </Button>
                          {r.resendable && <ResendButton target={{ id: r.id, name, type: r.type }} />}
                        </div>
                      </Td>
                    </Tr>
                  );
                })}
          </TBody>
        </Table>
      )}
      <nav aria-label="Transmission Log pages" className="flex items-center justify-between gap-2">
        <p className="text-xs text-zinc-500">{q.isFetching ? "Refreshing…" : "Updates every few seconds."}</p>
        <div className="flex gap-2">
          <Button
            variant="secondary"
            size="sm"
            disabled={!page?.newerCursor}
            onClick={() => page?.newerCursor && navigate({ cursor: page.newerCursor, dir: "newer", seen: params.get("seen") }, true)}
          >
            <ChevronLeft className="size-4" aria-hidden="true" />
            Newer
          </Button>
          <Button
            variant="secondary"
            size="sm"
            disabled={!page?.olderCursor}
            onClick={() => page?.olderCursor && navigate({ cursor: page.olderCursor, dir: null, seen: params.get("seen") ?? (onFirstPage ? (page.rows[0]?.cursor ?? null) : null) }, true)}
          >
            Older
            <ChevronRight className="size-4" aria-hidden="true" />
          </Button>
        </div>
      </nav>
      {viewingId && <TransmissionDialog key={viewingId} id={viewingId} title={viewingName} open onOpenChange={(o) => !o && setTx(null)} />}
    </div>
  );
}
