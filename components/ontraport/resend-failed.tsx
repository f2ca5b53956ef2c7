"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useId, useState, useSyncExternalStore } from "react";
import { RotateCcw, X } from "lucide-react";
import { Dialog } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import type { TransmissionProgress } from "@/lib/ontraport/log/queries";
import { LOG_STATUS_LABELS, TYPE_LABELS, transmissionName, type LogStatus } from "@/lib/ontraport/log/words";
import type { TransmissionType } from "@/lib/db/schema/ontraport";
import { TransmissionStatusBadge } from "./status-badge";
import { countFailedForFilters, resendFailedForFilters } from "./actions";
import { fetchJson } from "./fetch-json";

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

function plural(n: number, one: string, many: string) {
  return `${n} ${n === 1 ? one : many}`;
}

function filterWords(f: LogFilters): string[] {
  const out: string[] = [];
  if (f.type) out.push(`Type: ${TYPE_LABELS[f.type as TransmissionType] ?? f.type}`);
  if (f.status) out.push(`Status: ${LOG_STATUS_LABELS[f.status as LogStatus] ?? f.status}`);
  if (f.from || f.to) out.push(`Dates: ${f.from || "any"} to ${f.to || "today"} (UTC)`);
  if (f.q) out.push(`Search: ${f.q}`);
  return out;
}

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

function ResendFailedDialog({ filters, run }: { filters: LogFilters; run: ResendRun }) {
  const qc = useQueryClient();
  const [count, setCount] = useState<{ n: number; limit: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const progressId = useId();
  const following = !!run.run;
  const s = run.summary;
  const words = filterWords(filters);

  useEffect(() => {
    if (following) return;
    let live = true;
    void countFailedForFilters(filters).then((r) => {
      if (!live) return;
      if (r.error || !r.data) setError(r.error ?? "Could not count the failed transmissions.");
      else setCount({ n: r.data.count, limit: r.data.limit });
    });
    return () => {
      live = false;
    };
    // The filters cannot change while the dialog is open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [following]);

  const start = async () => {
    setPending(true);
    setError(null);
    const r = await resendFailedForFilters(filters);
    setPending(false);
    if (r.error || !r.data) {
      setError(r.error ?? "Nothing was re-queued.");
      return;
    }
    if (r.data.ids.length === 0) {
      setError("None of them could be re-queued: they were resent or changed meanwhile.");
      setCount({ n: 0, limit: count?.limit ?? 0 });
      return;
    }
    run.start(r.data.ids);
    await Promise.all([qc.invalidateQueries({ queryKey: ["ontraport-log"] }), qc.invalidateQueries({ queryKey: ["ontraport-health"] })]);
  };

  const close = () => {
    if (pending) return;
    run.setOpen(false);
  };
  const done = () => {
    run.dismiss();
    run.setOpen(false);
  };
  const n = count ? Math.min(count.n, count.limit) : 0;

  return (
    <Dialog
      open
      onOpenChange={(o) => !o && close()}
      title="Resend failed transmissions"
      description={
        following
          ? "Each re-queued transmission is followed until ONTRAPORT accepts it or it fails again. You can close this: it goes on in the background and the log shows its progress."
          : "Failed transmissions that match the log's filters are queued again, oldest first, and sent with the current API key. Refunds and Auto Order Statuses whose Sale is not delivered wait for it."
      }
      footer={
        following ? (
          s?.finished ? (
            <Button onClick={done}>Done</Button>
          ) : (
            <Button variant="secondary" onClick={close}>
              Keep going in the background
            </Button>
          )
        ) : (
          <>
            <Button variant="secondary" onClick={close} disabled={pending}>
              Cancel
            </Button>
            <Button onClick={start} disabled={!count || n === 0} pending={pending}>
              {count ? `Re-queue ${plural(n, "transmission", "transmissions")}` : "Re-queue"}
            </Button>
          </>
        )
      }
    >
      {!following ? (
        <div className="space-y-3 text-sm text-zinc-700">
          <div>
            <p className="font-medium text-zinc-900">Filters applied</p>
            {words.length ? (
              <ul className="mt-1 list-inside list-disc" aria-label="Filters applied">
                {words.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            ) : (
              <p className="mt-1">None: every failed transmission of the store.</p>
            )}
          </div>
          <p role="status">
            {error ? (
              <span className="text-red-800">{error}</span>
            ) : !count ? (
              "Counting failed transmissions…"
            ) : count.n === 0 ? (
              filters.status && filters.status !== "failed" ? (
                "The Status filter shows no failed transmissions: choose Failed or All statuses."
              ) : (
                "No failed transmissions match these filters."
              )
            ) : count.n > count.limit ? (
              <>
                <strong>{count.n}</strong> failed transmissions match; the oldest <strong>{count.limit}</strong> are re-queued now. Run it again for the rest.
              </>
            ) : (
              <>
                <strong>{count.n}</strong> failed {count.n === 1 ? "transmission" : "transmissions"} will be re-queued.
              </>
            )}
          </p>
        </div>
      ) : (
        <div className="space-y-3">
          <dl className="grid grid-cols-3 gap-2 text-center" aria-label="Progress">
            {[
              { label: "Delivered", n: s?.delivered, tone: "text-emerald-800" },
              { label: "Still trying", n: s?.stillTrying, tone: "text-accent-700" },
              { label: "Failed again", n: s?.failedAgain, tone: "text-red-800" },
            ].map((c) => (
              <div key={c.label} className="rounded-md border border-zinc-200 px-2 py-2">
                <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{c.label}</dt>
                <dd className={`text-xl font-semibold tabular-nums ${c.tone}`}>{c.n ?? "…"}</dd>
              </div>
            ))}
          </dl>
          <div className="space-y-1">
            <label htmlFor={progressId} className="block text-sm text-zinc-800">
              {!s ? "Checking…" : s.finished ? `Finished: ${s.delivered} of ${s.total} delivered.` : `${s.total - s.stillTrying} of ${s.total} reached an end.`}
            </label>
            <progress id={progressId} className="h-2 w-full accent-accent-600" max={s?.total ?? 1} value={s ? s.total - s.stillTrying : 0} />
          </div>
          <p className="sr-only" aria-live="polite">
            {s?.finished ? `Resend failed finished: ${s.delivered} delivered, ${s.failedAgain} failed again.` : ""}
          </p>
          {run.error && <p className="text-sm text-red-800">Could not check the progress: {run.error.message}. Retrying.</p>}
          {s && (
            <ul aria-label="Re-queued transmissions" className="max-h-64 divide-y divide-zinc-100 overflow-y-auto rounded-md border border-zinc-200 text-sm">
              {s.rows.map((r) => (
                <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-1.5">
                  <span className="min-w-0 truncate">{transmissionName(r)}</span>
                  <span className="flex min-w-0 items-center gap-2">
                    {(r.status === "failed" || r.status === "held" || r.status === "paused") && r.lastError && (
                      <span className="max-w-[14rem] truncate text-xs text-zinc-600" title={r.lastError}>
                        {r.lastError}
                      </span>
                    )}
                    <TransmissionStatusBadge status={r.status} type={r.type} />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Dialog>
  );
}
