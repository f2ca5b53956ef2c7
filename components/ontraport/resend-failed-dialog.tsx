"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { LOG_STATUS_LABELS, TYPE_LABELS, transmissionName, type LogStatus } from "@/lib/ontraport/log/words";
import type { TransmissionType } from "@/lib/db/schema/ontraport";
import { TransmissionStatusBadge } from "./status-badge";
import { countFailedForFilters, resendFailedForFilters } from "@/lib/ontraport/log/actions";
import type { LogFilters, ResendRun } from "./resend-failed";

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

/** The `Resend failed` dialog: what the filters match and, once started, each one's progress. */
export function ResendFailedDialog({ filters, run }: { filters: LogFilters; run: ResendRun }) {
  const qc = useQueryClient();
  const [count, setCount] = useState<{ n: number; limit: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const progressId = useId();
  const following = !!run.run;
  const s = run.summary;
  const words = filterWords(filters);

  // Counted again only when the filters' content changes (the parent may pass a new object with the same filters).
  const filtersKey = JSON.stringify(filters);
  useEffect(() => {
    if (following) return;
    let live = true;
    void countFailedForFilters(JSON.parse(filtersKey) as LogFilters).then((r) => {
      if (!live) return;
      if (r.error || !r.data) setError(r.error ?? "Could not count the failed transmissions.");
      else setCount({ n: r.data.count, limit: r.data.limit });
    });
    return () => {
      live = false;
    };
  }, [following, filtersKey]);

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
