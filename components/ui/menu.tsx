"use client";

import * as M from "@radix-ui/react-dropdown-menu";
import { ChevronDown } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "./cn";

/** A menu button (Review Order's Edit, Payments, Shipping, Tools): a real `menu` with `menuitem`s. */
export function MenuButton({ label, children, align = "end" }: { label: string; children: ReactNode; align?: "start" | "end" }) {
  return (
    <M.Root>
      <M.Trigger className="inline-flex items-center gap-1 rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm font-medium text-zinc-800 shadow-xs hover:bg-zinc-50 data-[state=open]:bg-zinc-100">
        {label}
        <ChevronDown className="size-4" aria-hidden="true" />
      </M.Trigger>
      <M.Portal>
        <M.Content align={align} sideOffset={4} className="z-50 min-w-56 rounded-md border border-zinc-200 bg-white p-1 shadow-lg">
          {children}
        </M.Content>
      </M.Portal>
    </M.Root>
  );
}

export function MenuItem({ children, onSelect, disabled, hint }: { children: ReactNode; onSelect?: () => void; disabled?: boolean; hint?: string }) {
  return (
    <M.Item
      disabled={disabled}
      onSelect={onSelect}
      className={cn(
        "flex cursor-default select-none flex-col rounded px-2 py-1.5 text-sm text-zinc-800 outline-none data-[highlighted]:bg-accent-50 data-[disabled]:cursor-not-allowed data-[disabled]:text-zinc-400",
      )}
    >
      <span>{children}</span>
      {hint && <span className="text-xs text-zinc-500">{hint}</span>}
    </M.Item>
  );
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return <M.Label className="px-2 py-1 text-xs font-semibold uppercase text-zinc-500">{children}</M.Label>;
}
