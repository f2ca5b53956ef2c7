"use client";

import { ChevronDown } from "lucide-react";
import { useState, type ReactNode } from "react";
import { cn } from "@/components/ui/cn";

/**
 * The cart or order summary box. Wide screens always show its contents (a sidebar); on a phone it sits
 * at the top of the page and a Show/Hide button collapses it. `footer` (the Checkout link) always shows.
 */
export function CollapsibleSummary({ id, title, note, defaultOpen, children, footer }: { id: string; title: string; note?: string; defaultOpen: boolean; children: ReactNode; footer?: ReactNode }) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <aside aria-labelledby={`${id}-title`} className="h-fit rounded-lg border border-zinc-200 bg-white p-4 shadow-xs lg:sticky lg:top-4 lg:col-start-2 lg:row-start-1">
      <div className="flex items-center justify-between gap-2">
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          {title}
          {note && <span className="ml-2 text-sm font-normal text-zinc-600">{note}</span>}
        </h2>
        <button
          type="button"
          aria-expanded={open}
          aria-controls={`${id}-body`}
          onClick={() => setOpen((o) => !o)}
          className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-sm font-medium text-accent-700 hover:bg-zinc-100 lg:hidden"
        >
          {open ? "Hide" : "Show"}
          <span className="sr-only"> {title.toLowerCase()}</span>
          <ChevronDown className={cn("size-4 transition-transform", open && "rotate-180")} aria-hidden="true" />
        </button>
      </div>
      <div id={`${id}-body`} className={cn("mt-2", !open && "hidden lg:block")}>
        {children}
      </div>
      {footer}
    </aside>
  );
}
