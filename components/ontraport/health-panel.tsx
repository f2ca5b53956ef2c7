"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { HealthBucket, HealthRange, LogHealth } from "@/lib/ontraport/log/queries";
import { cn } from "@/components/ui/cn";
import { LocalTime, relativeTime } from "./local-time";
import { fetchJson } from "./fetch-json";

export const HEALTH_KEY = ["ontraport-health"] as const;

const SERIES: Array<{ key: keyof Omit<HealthBucket, "start">; label: string; fill: string; swatch: string }> = [
  { key: "delivered", label: "Delivered", fill: "fill-emerald-500", swatch: "bg-emerald-500" },
  { key: "failed", label: "Failed", fill: "fill-red-500", swatch: "bg-red-500" },
  { key: "waiting", label: "Waiting", fill: "fill-sky-400", swatch: "bg-sky-400" },
  { key: "paused", label: "Paused", fill: "fill-amber-400", swatch: "bg-amber-400" },
  { key: "skipped", label: "Skipped", fill: "fill-zinc-300", swatch: "bg-zinc-300" },
];

function Stat({ label, value, tone, hint }: { label: string; value: React.ReactNode; tone?: string; hint?: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white px-4 py-3">
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className={cn("mt-1 text-2xl font-semibold tabular-nums text-zinc-900", tone)}>{value}</dd>
      {hint && <dd className="text-xs text-zinc-500">{hint}</dd>}
    </div>
  );
}

function hourLabel(iso: string, range: HealthRange) {
  const d = new Date(iso);
  return range === "7d"
    ? d.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" })
    : d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

function Chart({ health }: { health: LogHealth }) {
  const { buckets, range } = health;
  const totals = buckets.map((b) => SERIES.reduce((s, x) => s + b[x.key], 0));
  const max = Math.max(1, ...totals);
  const sum = totals.reduce((a, b) => a + b, 0);
  const W = 720;
  const H = 96;
  const bw = W / buckets.length;
  const busiest = totals.indexOf(Math.max(...totals));
  const summary =
    sum === 0
      ? `No transmissions in the last ${range === "7d" ? "7 days" : "24 hours"}.`
      : `${sum} transmissions in the last ${range === "7d" ? "7 days" : "24 hours"}; busiest hour ${hourLabel(buckets[busiest]!.start, range)} with ${totals[busiest]}.`;
  return (
    <figure className="space-y-2">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" className="h-24 w-full" role="img" aria-label={`Transmissions per hour by status. ${summary}`}>
        <line x1="0" x2={W} y1={H - 0.5} y2={H - 0.5} className="stroke-zinc-300" strokeWidth="1" />
        {buckets.map((b, i) => {
          let y = H;
          return (
            <g key={b.start}>
              <title>{`${hourLabel(b.start, range)}: ${SERIES.filter((s) => b[s.key] > 0)
                .map((s) => `${b[s.key]} ${s.label.toLowerCase()}`)
                .join(", ") || "none"}`}</title>
              {SERIES.map((s) => {
                const h = (b[s.key] / max) * (H - 4);
                if (h <= 0) return null;
                y -= h;
                return <rect key={s.key} x={i * bw + bw * 0.1} width={Math.max(bw * 0.8, 1)} y={y} height={h} className={s.fill} />;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-zinc-600">
        {SERIES.map((s) => (
          <span key={s.key} className="inline-flex items-center gap-1">
            <span className={cn("size-2.5 rounded-sm", s.swatch)} aria-hidden="true" />
            {s.label}
          </span>
        ))}
        <span className="text-zinc-500">{summary}</span>
      </figcaption>
      <details className="text-sm">
        <summary className="cursor-pointer text-xs font-medium text-accent-700">Show the numbers as a table</summary>
        <div className="mt-2 max-h-60 overflow-auto rounded border border-zinc-200">
          <table className="min-w-full text-xs">
            <caption className="sr-only">Transmissions per hour by status</caption>
            <thead className="sticky top-0 bg-zinc-50">
              <tr>
                <th scope="col" className="px-2 py-1 text-left">
                  Hour
                </th>
                {SERIES.map((s) => (
                  <th key={s.key} scope="col" className="px-2 py-1 text-right">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {buckets
                .filter((_, i) => totals[i]! > 0)
                .map((b) => (
                  <tr key={b.start} className="border-t border-zinc-100">
                    <th scope="row" className="px-2 py-1 text-left font-normal">
                      <LocalTime iso={b.start} />
                    </th>
                    {SERIES.map((s) => (
                      <td key={s.key} className="px-2 py-1 text-right tabular-nums">
                        {b[s.key]}
                      </td>
                    ))}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** Health at a glance above the log: the last 24 hours, what waits now, and a per-hour chart. */
export function HealthPanel() {
  const [range, setRange] = useState<HealthRange>("24h");
  const q = useQuery({
    queryKey: [...HEALTH_KEY, range],
    queryFn: ({ signal }) => fetchJson<LogHealth>(`/api/ontraport/log?view=health&range=${range}`, signal),
    refetchInterval: 10_000,
    placeholderData: (prev) => prev,
  });
  const h = q.data;
  return (
    <section aria-labelledby="tx-health" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="tx-health" className="text-sm font-semibold text-zinc-900">
          Health, last 24 hours
        </h3>
        <div role="group" aria-label="Chart range" className="inline-flex rounded-md border border-zinc-300 bg-white p-0.5 text-xs">
          {(["24h", "7d"] as const).map((r) => (
            <button
              key={r}
              type="button"
              aria-pressed={range === r}
              onClick={() => setRange(r)}
              className={cn("rounded px-2 py-1 font-medium", range === r ? "bg-accent-600 text-white" : "text-zinc-700 hover:bg-zinc-100")}
            >
              {r === "24h" ? "24 hours" : "7 days"}
            </button>
          ))}
        </div>
      </div>
      {q.isError && !h ? (
        <p role="alert" className="text-sm text-red-800">
          Health could not be loaded: {q.error.message}
        </p>
      ) : !h ? (
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-busy="true">
          <span className="sr-only">Loading health…</span>
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="h-20 animate-pulse rounded-lg bg-zinc-100" />
          ))}
        </div>
      ) : (
        <>
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Stat label="Delivered" value={h.delivered24h} tone="text-emerald-700" />
            <Stat label="Failed" value={h.failed24h} tone={h.failed24h > 0 ? "text-red-700" : undefined} />
            <Stat label="Waiting" value={h.waiting + h.paused} hint={h.paused > 0 ? `${h.paused} paused until a new API key is saved` : "queued or being sent now"} />
            <Stat
              label="Last success"
              value={<span className="text-base">{h.lastSuccessAt ? relativeTime(h.lastSuccessAt) : "Never"}</span>}
              hint={h.lastSuccessAt ? <LocalTime iso={h.lastSuccessAt} /> : "No transmission delivered yet"}
            />
          </dl>
          <Chart health={h} />
        </>
      )}
    </section>
  );
}
