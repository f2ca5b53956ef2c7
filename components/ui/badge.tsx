import type { ReactNode } from "react";
import { cn } from "./cn";

export type Tone = "neutral" | "success" | "danger" | "warning" | "info" | "muted";

const tones: Record<Tone, string> = {
  neutral: "bg-zinc-100 text-zinc-800 ring-zinc-300",
  success: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  danger: "bg-red-50 text-red-800 ring-red-300",
  warning: "bg-amber-50 text-amber-900 ring-amber-300",
  info: "bg-accent-50 text-accent-700 ring-accent-100",
  muted: "bg-zinc-50 text-zinc-600 ring-zinc-200",
};

const dots: Record<Tone, string> = {
  neutral: "bg-zinc-500",
  success: "bg-emerald-600",
  danger: "bg-red-600",
  warning: "bg-amber-500",
  info: "bg-accent-500",
  muted: "bg-zinc-400",
};

/** A status badge: colour and words, never colour alone. */
export function Badge({ tone = "neutral", children, className }: { tone?: Tone; children: ReactNode; className?: string }) {
  return (
    <span className={cn("inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset whitespace-nowrap", tones[tone], className)}>
      <span className={cn("size-1.5 rounded-full", dots[tone])} aria-hidden="true" />
      {children}
    </span>
  );
}
