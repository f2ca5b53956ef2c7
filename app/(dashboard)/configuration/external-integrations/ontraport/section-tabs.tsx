"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";
import { cn } from "@/components/ui/cn";

export interface SectionTab {
  href: string;
  label: string;
}

/**
 * The ONTRAPORT page's sections as links, one URL each (not ARIA tabs: each opens a page). The active
 * one carries aria-current="page"; on a narrow screen the bar scrolls sideways inside itself and
 * brings the active link into view.
 */
export function SectionTabs({ tabs }: { tabs: SectionTab[] }) {
  const pathname = usePathname();
  const active = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    active.current?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [pathname]);
  return (
    <nav aria-label="ONTRAPORT sections" className="mb-6 border-b border-zinc-200">
      <ul className="-mb-px flex gap-1 overflow-x-auto [scrollbar-width:thin]">
        {tabs.map((t) => {
          const current = pathname === t.href;
          return (
            <li key={t.href} className="shrink-0">
              <Link
                ref={current ? active : undefined}
                href={t.href}
                aria-current={current ? "page" : undefined}
                className={cn(
                  "inline-block whitespace-nowrap border-b-2 px-3 py-2.5 text-sm font-medium transition-colors focus-visible:outline-offset-[-2px]",
                  current ? "border-accent-600 text-accent-700" : "border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900",
                )}
              >
                {t.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
