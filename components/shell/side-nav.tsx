"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { Boxes, ClipboardList, Home, Palette, Plug, Repeat, Settings, Users, UserSquare2 } from "lucide-react";
import type { ComponentType } from "react";
import { cn } from "@/components/ui/cn";

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

export function SideNav({ role }: { role: "admin" | "support" }) {
  const pathname = usePathname();
  return (
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
  );
}
