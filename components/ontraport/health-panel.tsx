"use client";

import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import type { HealthBucket, HealthRange, LogHealth } from "@/lib/ontraport/log/queries";
import Link from "next/link";
import { logHref } from "@/lib/ontraport/log/paths";
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

/** One figure, a group named by its label (so "Failed" reads as "Failed 3, last 24 hours"). */
function Stat({ label, value, tone, hint }: { label: string; value: React.ReactNode; tone?: string; hint?: React.ReactNode }) {
  return (
    <div role="group" aria-label={label} className="rounded-lg border border-zinc-200 bg-white px-4 py-3">
      <p className="text-xs font-medium uppercase tracking-wide text-zinc-500" aria-hidden="true">
        {label}
      </p>
      <p data-stat-value="" className={cn("mt-1 text-2xl font-semibold tabular-nums text-zinc-900", tone)}>
        {value}
      </p>
      {hint && <p className="text-xs text-zinc-500">{hint}</p>}
    </div>
  );
}

const RANGE_WORDS: Record<HealthRange, string> = { "24h": "last 24 hours", "7d": "last 7 days" };

/** An hour's start in the reader's zone: "14:00" for 24 hours, "Tue 14:00" for 7 days. */
function hourLabel(iso: string, range: HealthRange) {
  const d = new Date(iso);
  return range === "7d"
    ? d.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" })
    : d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

function bucketWords(b: HealthBucket, range: HealthRange): string {
  const parts = SERIES.filter((s) => b[s.key] > 0).map((s) => `${b[s.key]} ${s.label.toLowerCase()}`);
  return `${hourLabel(b.start, range)}: ${parts.join(", ") || "no transmissions"}`;
}

/** Where the time axis puts a label: every 4 hours over a day, each local midnight over a week. */
function axisTicks(buckets: HealthBucket[], range: HealthRange): Array<{ i: number; label: string }> {
  const ticks: Array<{ i: number; label: string }> = [];
  buckets.forEach((b, i) => {
    const d = new Date(b.start);
    if (range === "7d") {
      if (d.getHours() === 0) ticks.push({ i, label: `${d.toLocaleDateString(undefined, { weekday: "short" })} ${d.getDate()}` });
    } else if (d.getHours() % 4 === 0) {
      ticks.push({ i, label: d.getHours() === 0 ? d.toLocaleDateString(undefined, { weekday: "short" }) : d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }) });
    }
  });
  return ticks;
}

function zoneName(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return "your time zone";
  }
}

function Chart({ health }: { health: LogHealth }) {
  const { buckets, range } = health;
  const [active, setActive] = useState<number | null>(null);
  const [focusIndex, setFocusIndex] = useState(buckets.length - 1);
  const bars = useRef<Array<SVGRectElement | null>>([]);
  const totals = buckets.map((b) => SERIES.reduce((s, x) => s + b[x.key], 0));
  const max = Math.max(1, ...totals);
  const sum = totals.reduce((a, b) => a + b, 0);
  const W = 720;
  const H = 120;
  const bw = W / buckets.length;
  const busiest = totals.indexOf(Math.max(...totals));
  const words = RANGE_WORDS[range];
  const summary =
    sum === 0 ? `No transmissions in the ${words}.` : `${sum} transmissions in the ${words}; busiest hour ${hourLabel(buckets[busiest]!.start, range)} with ${totals[busiest]}.`;
  const ticks = axisTicks(buckets, range);
  const roving = Math.min(focusIndex, buckets.length - 1);
  const shown = active !== null && active < buckets.length ? active : null;

  const move = (to: number) => {
    const i = Math.max(0, Math.min(buckets.length - 1, to));
    setFocusIndex(i);
    setActive(i);
    bars.current[i]?.focus();
  };
  const onKeyDown = (e: React.KeyboardEvent, i: number) => {
    const step = range === "7d" ? 24 : 6;
    const to = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: buckets.length - 1, PageUp: i - step, PageDown: i + step }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    move(to);
  };

  return (
    <figure className="space-y-2">
      <div className="flex gap-2">
        {/* The y axis: the busiest hour's count at the top, 0 at the bottom. */}
        <div className="flex h-32 w-8 shrink-0 flex-col justify-between text-right text-[11px] tabular-nums leading-none text-zinc-500" aria-hidden="true">
          <span>{max}</span>
          <span>{Math.round(max / 2) === max || Math.round(max / 2) === 0 ? "" : Math.round(max / 2)}</span>
          <span>0</span>
        </div>
        <div className="relative min-w-0 flex-1">
          <svg
            viewBox={`0 0 ${W} ${H}`}
            preserveAspectRatio="none"
            className="h-32 w-full overflow-visible rounded-sm"
            role="group"
            aria-label={`Transmissions per hour by status, ${words}. ${summary} Use the arrow keys to read each hour.`}
            onMouseLeave={() => setActive(null)}
          >
            <line x1="0" x2={W} y1={0.5} y2={0.5} className="stroke-zinc-100" strokeWidth="1" vectorEffect="non-scaling-stroke" />
            <line x1="0" x2={W} y1={H / 2} y2={H / 2} className="stroke-zinc-100" strokeWidth="1" vectorEffect="non-scaling-stroke" />
            {ticks.map((t) => (
              <line key={t.i} x1={t.i * bw} x2={t.i * bw} y1={0} y2={H} className="stroke-zinc-200" strokeWidth="1" vectorEffect="non-scaling-stroke" />
            ))}
            {shown !== null && <rect x={shown * bw} width={bw} y={0} height={H} className="fill-accent-100" />}
            {buckets.map((b, i) => {
              let y = H;
              return (
                <g key={b.start} aria-hidden="true">
                  {SERIES.map((s) => {
                    const h = (b[s.key] / max) * (H - 4);
                    if (h <= 0) return null;
                    y -= h;
                    return <rect key={s.key} x={i * bw + bw * 0.1} width={Math.max(bw * 0.8, 1)} y={y} height={h} className={s.fill} />;
                  })}
                </g>
              );
            })}
            {/* One hit area per hour, full height: hover shows its values, and one of them is in the tab order (arrow keys move). */}
            {buckets.map((b, i) => (
              <rect
                key={b.start}
                ref={(el) => {
                  bars.current[i] = el;
                }}
                x={i * bw}
                width={bw}
                y={0}
                height={H}
                fill="transparent"
                role="img"
                aria-label={bucketWords(b, range)}
                tabIndex={i === roving ? 0 : -1}
                className="cursor-default"
                onMouseEnter={() => setActive(i)}
                onFocus={() => {
                  setFocusIndex(i);
                  setActive(i);
                }}
                onBlur={() => setActive(null)}
                onKeyDown={(e) => onKeyDown(e, i)}
              >
                <title>{bucketWords(b, range)}</title>
              </rect>
            ))}
            <line x1="0" x2={W} y1={H - 0.5} y2={H - 0.5} className="stroke-zinc-300" strokeWidth="1" vectorEffect="non-scaling-stroke" />
          </svg>
          {shown !== null && (
            <div
              data-testid="health-tooltip"
              aria-hidden="true"
              className="pointer-events-none absolute top-0 z-10 w-max max-w-56 rounded-md border border-zinc-200 bg-white/95 px-2.5 py-1.5 text-xs shadow-md"
              // Beside the hour it describes, never over it: left of it on the right half, right of it on the left half.
              style={
                shown / buckets.length > 0.5
                  ? { right: `calc(${100 - (shown / buckets.length) * 100}% + 6px)` }
                  : { left: `calc(${((shown + 1) / buckets.length) * 100}% + 6px)` }
              }
            >
              <p className="font-medium text-zinc-900">
                <LocalTime iso={buckets[shown]!.start} /> ({totals[shown]})
              </p>
              <ul className="mt-0.5 space-y-0.5">
                {SERIES.map((s) => (
                  <li key={s.key} className="flex items-center justify-between gap-3 text-zinc-700">
                    <span className="inline-flex items-center gap-1">
                      <span className={cn("size-2 rounded-sm", s.swatch)} />
                      {s.label}
                    </span>
                    <span className="tabular-nums">{buckets[shown]![s.key]}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {/* The time axis, in the reader's zone. */}
          <div className="relative mt-1 h-4 text-[11px] leading-none text-zinc-500" aria-hidden="true" data-testid="health-axis">
            {ticks.map((t) => (
              <span
                key={t.i}
                className="absolute whitespace-nowrap"
                // Labels start at their gridline; near the right edge they end there instead, so none is cut off.
                style={t.i / buckets.length > 0.92 ? { right: `${100 - (t.i / buckets.length) * 100}%` } : { left: `${(t.i / buckets.length) * 100}%` }}
              >
                {t.label}
              </span>
            ))}
          </div>
        </div>
      </div>
      <figcaption className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-zinc-600">
        {SERIES.map((s) => (
          <span key={s.key} className="inline-flex items-center gap-1">
            <span className={cn("size-2.5 rounded-sm", s.swatch)} aria-hidden="true" />
            {s.label}
          </span>
        ))}
        <span className="text-zinc-500">
          {summary} Times in {zoneName()}.
        </span>
      </figcaption>
      <details className="text-sm">
        <summary className="cursor-pointer text-xs font-medium text-accent-700">Show the numbers as a table</summary>
        <div className="mt-2 max-h-60 overflow-auto rounded border border-zinc-200">
          <table className="min-w-full text-xs">
            <caption className="sr-only">Transmissions per hour by status, {words}</caption>
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
              {sum === 0 && (
                <tr>
                  <td colSpan={SERIES.length + 1} className="px-2 py-2 text-zinc-500">
                    No transmissions in the {words}.
                  </td>
                </tr>
              )}
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

/** Health at a glance above the log: the chosen range's figures, what waits now, and its per-hour chart. */
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
          Health, {RANGE_WORDS[range]}
        </h3>
        <div role="group" aria-label="Health range" className="inline-flex rounded-md border border-zinc-300 bg-white p-0.5 text-xs">
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
        <div aria-busy={h.range !== range} className={cn("space-y-3 transition-opacity", h.range !== range && "opacity-60")}>
          <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Stat label="Delivered" value={h.delivered} tone="text-emerald-700" hint={RANGE_WORDS[h.range]} />
            <Stat
              label="Failed"
              value={h.failed}
              tone={h.failed > 0 ? "text-red-700" : undefined}
              hint={
                h.failed > 0 ? (
                  <>
                    {RANGE_WORDS[h.range]} ·{" "}
                    <Link href={logHref("failed")} className="font-medium text-accent-700 underline">
                      Show failed
                    </Link>
                  </>
                ) : (
                  RANGE_WORDS[h.range]
                )
              }
            />
            <Stat label="Waiting" value={h.waiting + h.paused} hint={h.paused > 0 ? `${h.paused} paused until a new API key is saved` : "queued or being sent now"} />
            <Stat
              label="Last success"
              value={<span className="text-base">{h.lastSuccessAt ? relativeTime(h.lastSuccessAt) : "Never"}</span>}
              hint={h.lastSuccessAt ? <LocalTime iso={h.lastSuccessAt} /> : "No transmission delivered yet"}
            />
          </div>
          {/* Keyed by range: the hour under the keyboard starts at the newest hour again. */}
          <Chart key={h.range} health={h} />
        </div>
      )}
    </section>
  );
}
