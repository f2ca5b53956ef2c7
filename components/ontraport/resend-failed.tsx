"use client";

import dynamic from "next/dynamic";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { RotateCcw, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { TransmissionProgress } from "@/lib/ontraport/log/queries";
import { fetchJson } from "./fetch-json";

// Loaded when first opened: the log's first load stays within its JavaScript budget.
const ResendFailedDialog = dynamic(() => import("./resend-failed-dialog").then((m) => m.ResendFailedDialog), { ssr: false });

/** The log's filters as its URL holds them ("" when not set). */
export interface LogFilters {
  type: string;
  status: string;
  from: string;
  to: string;
  q: string;
}

/** A `Resend failed` run: the transmissions it re-queued, followed until each is delivered or fails again. */
interface RunIds {
  ids: string[];
  startedAt: number;
}

export interface RunSummary {
  total: number;
  delivered: number;
  failedAgain: number;
  stillTrying: number;
  finished: boolean;
  rows: TransmissionProgress[];
}

const STORAGE_KEY = "cartlink.resend-failed-run";
const FAST_MS = 2_000;
const SLOW_MS = 10_000;
/** After this long the rows still trying are on a retry schedule of minutes or hours: poll less often. */
const SLOW_AFTER_MS = 120_000;

/*
 * The run lives in sessionStorage (it survives a reload of the tab) behind a tiny store, read with
 * useSyncExternalStore: the server renders no run, the browser the saved one.
 */
const runListeners = new Set<() => void>();
let runCache: { raw: string | null; value: RunIds | null } = { raw: null, value: null };
const runStore = {
  subscribe(l: () => void) {
    runListeners.add(l);
    return () => {
      runListeners.delete(l);
    };
  },
  get(): RunIds | null {
    let raw: string | null = null;
    try {
      raw = sessionStorage.getItem(STORAGE_KEY);
    } catch {
      return runCache.value;
    }
    if (raw === runCache.raw) return runCache.value;
    let value: RunIds | null = null;
    try {
      const saved = raw ? (JSON.parse(raw) as RunIds) : null;
      if (saved && Array.isArray(saved.ids) && typeof saved.startedAt === "number") value = saved;
    } catch {
      // An unreadable saved run is forgotten.
    }
    runCache = { raw, value };
    return value;
  },
  set(next: RunIds | null) {
    const raw = next ? JSON.stringify(next) : null;
    try {
      if (raw) sessionStorage.setItem(STORAGE_KEY, raw);
      else sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // Private mode: the run is followed while the page stays open.
    }
    runCache = { raw, value: next };
    for (const l of runListeners) l();
  },
};

function summarize(ids: string[], rows: TransmissionProgress[] | undefined): RunSummary | null {
  if (!rows) return null;
  const byId = new Map(rows.map((r) => [r.id, r]));
  let delivered = 0;
  let failedAgain = 0;
  let stillTrying = 0;
  for (const id of ids) {
    const r = byId.get(id);
    if (!r || r.status === "failed" || r.status === "skipped") failedAgain++;
    else if (r.status === "delivered") delivered++;
    else stillTrying++;
  }
  const ordered = ids.map((id) => byId.get(id)).filter((r): r is TransmissionProgress => !!r);
  return { total: ids.length, delivered, failedAgain, stillTrying, finished: stillTrying === 0, rows: ordered };
}

/**
 * The current `Resend failed` run of this browser tab, kept by the log (not the dialog) so it goes on
 * in the background when the dialog closes, and in sessionStorage so it survives a reload. Polls the
 * rows' statuses every 2 s (every 10 s after two minutes) until each has reached an end.
 */
export function useResendRun() {
  const qc = useQueryClient();
  const run = useSyncExternalStore(runStore.subscribe, runStore.get, () => null);
  const [open, setOpen] = useState(false);
  const q = useQuery({
    queryKey: ["ontraport-resend-run", run?.startedAt ?? 0],
    queryFn: ({ signal }) => fetchJson<{ rows: TransmissionProgress[] }>(`/api/ontraport/transmissions?ids=${run!.ids.join(",")}`, signal),
    enabled: !!run && run.ids.length > 0,
    refetchInterval: (query) => {
      const s = run ? summarize(run.ids, query.state.data?.rows) : null;
      if (!run || s?.finished) return false;
      return Date.now() - run.startedAt > SLOW_AFTER_MS ? SLOW_MS : FAST_MS;
    },
  });
  const summary = run ? summarize(run.ids, q.data?.rows) : null;
  const finished = summary?.finished ?? false;
  useEffect(() => {
    // The run ended: the log and health show the outcome at once.
    if (finished) void Promise.all([qc.invalidateQueries({ queryKey: ["ontraport-log"] }), qc.invalidateQueries({ queryKey: ["ontraport-health"] })]);
  }, [finished, qc]);
  const start = useCallback((ids: string[]) => runStore.set({ ids, startedAt: Date.now() }), []);
  const dismiss = useCallback(() => runStore.set(null), []);
  return { run, summary, error: q.error, open, setOpen, start, dismiss };
}

export type ResendRun = ReturnType<typeof useResendRun>;

/** `Resend failed`: re-queues the failed transmissions the log's filters show, then follows each one. */
export function ResendFailedButton({ filters, run }: { filters: LogFilters; run: ResendRun }) {
  return (
    <>
      <Button variant="secondary" onClick={() => run.setOpen(true)}>
        <RotateCcw className="size-4" aria-hidden="true" />
        Resend failed
      </Button>
      {run.open && <ResendFailedDialog filters={filters} run={run} />}
    </>
  );
}

/** Under the log's toolbar while a run goes on (or has ended and was not dismissed): its counts, and a way back to the list. */
export function ResendRunPill({ run }: { run: ResendRun }) {
  const s = run.summary;
  if (!run.run || run.open) return null;
  return (
    <div role="status" className="flex flex-wrap items-center gap-2 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-800">
      <RotateCcw className={`size-4 ${s && !s.finished ? "animate-spin [animation-duration:2s]" : ""}`} aria-hidden="true" />
      <span>
        {!s
          ? "Resend failed: checking…"
          : s.finished
            ? `Resend failed finished: ${s.delivered} delivered, ${s.failedAgain} failed again.`
            : `Resend failed: ${s.delivered} of ${s.total} delivered, ${s.stillTrying} still trying, ${s.failedAgain} failed again.`}
      </span>
      <Button size="sm" variant="secondary" onClick={() => run.setOpen(true)}>
        Show progress
      </Button>
      {s?.finished && (
        <Button size="sm" variant="ghost" aria-label="Dismiss the Resend failed summary" onClick={run.dismiss}>
          <X className="size-4" aria-hidden="true" />
        </Button>
      )}
    </div>
  );
}

