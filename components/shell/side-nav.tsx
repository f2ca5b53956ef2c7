"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { Boxes, ClipboardList, Home, Palette, Plug, Repeat, Settings, Users, UserSquare2 } from "lucide-react";
import type { ComponentType } from "react";
import { cn } from "@/components/ui/cn";
import { logHref } from "@/lib/ontraport/log/paths";

/** ONTRAPORT deliveries at a glance, from the layout (components never open the database). */
export interface SideNavDeliveries {
  failed7d: number;
  waiting: number;
  paused: number;
}

interface NavItem {
  href: string;
  label: string;
  icon: ComponentType<{ className?: string }>;
  adminOnly?: boolean;
  indent?: number;
}

export const NAV: NavItem[] = [
  { href: "/", label: "Home", icon: Home },
  { href: "/orders", label: "Order Management", icon: ClipboardList },
  { href: "/items", label: "Items", icon: Boxes },
  { href: "/themes", label: "Themes", icon: Palette },
  { href: "/affiliates", label: "Affiliates", icon: UserSquare2 },
  { href: "/auto-orders", label: "Auto Orders", icon: Repeat },
  { href: "/users", label: "Users", icon: Users, adminOnly: true },
  { href: "/configuration", label: "Configuration", icon: Settings },
  { href: "/configuration/external-integrations", label: "External Integrations", icon: Plug, indent: 1 },
  { href: "/configuration/external-integrations/ontraport", label: "ONTRAPORT", icon: Plug, indent: 2 },
];

function isActive(pathname: string, href: string): boolean {
  if (href === "/") return pathname === "/";
  if (href === "/configuration" || href === "/configuration/external-integrations") return pathname === href;
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function SideNav({ role, deliveries }: { role: "admin" | "support"; deliveries?: SideNavDeliveries | null }) {
  const pathname = usePathname();
  return (
    <>
      <nav aria-label="Main" className="flex flex-col gap-0.5 p-3">
        {NAV.filter((n) => !n.adminOnly || role === "admin").map((n) => {
          const active = isActive(pathname, n.href);
          const Icon = n.icon;
          return (
            <Link
              key={n.href}
              href={n.href}
              aria-current={active ? "page" : undefined}
              className={cn(
                "flex items-center gap-2 rounded-md px-2.5 py-1.5 text-sm",
                n.indent === 1 && "ml-4",
                n.indent === 2 && "ml-8",
                active ? "bg-accent-50 font-medium text-accent-700" : "text-zinc-700 hover:bg-zinc-100",
              )}
            >
              <Icon className="size-4 shrink-0" aria-hidden="true" />
              {n.label}
            </Link>
          );
        })}
      </nav>
      {deliveries && <DeliveryCounts d={deliveries} />}
    </>
  );
}

/** Failed (last 7 days) and waiting ONTRAPORT transmissions, each a link to the log filtered by it. */
function DeliveryCounts({ d }: { d: SideNavDeliveries }) {
  const waiting = d.waiting + d.paused;
  const row = (href: string, label: string, n: number, tone: string) => (
    <Link href={href} className="flex items-center justify-between gap-2 rounded px-2 py-1 text-zinc-700 hover:bg-zinc-100">
      <span>{label}</span>
      <span className={cn("min-w-6 rounded-full px-1.5 text-center text-xs font-semibold tabular-nums", n > 0 ? tone : "bg-zinc-100 text-zinc-600")}>{n}</span>
    </Link>
  );
  return (
    <div role="group" aria-label="ONTRAPORT deliveries" className="mx-3 mb-3 rounded-md border border-zinc-200 p-1.5 text-sm">
      <p className="px-2 pb-1 pt-0.5 text-xs font-medium uppercase tracking-wide text-zinc-500" aria-hidden="true">
        ONTRAPORT deliveries
      </p>
      {row(logHref("failed"), "Failed, last 7 days", d.failed7d, "bg-red-100 text-red-800")}
      {row(d.paused > 0 && d.waiting === 0 ? logHref("paused") : logHref("waiting"), d.paused > 0 ? "Waiting or paused" : "Waiting", waiting, "bg-sky-100 text-sky-900")}
    </div>
  );
}
