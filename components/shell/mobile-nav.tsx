"use client";

import { Menu, X } from "lucide-react";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { SideNav, type SideNavDeliveries } from "./side-nav";

/**
 * The side navigation on a phone (below the md breakpoint): collapsed behind a "Menu" button, opened
 * below the header; Escape closes it and returns focus to the button, and so does following a link.
 */
export function MobileNav({ role, deliveries }: { role: "admin" | "support"; deliveries: SideNavDeliveries | null }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();
  const [shownFor, setShownFor] = useState(pathname);
  // Following a link closes the menu (state reset during render, not in an effect).
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <div className="md:hidden">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls="mobile-nav"
        onClick={() => setOpen((o) => !o)}
        className="inline-flex items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm font-medium text-zinc-800 hover:bg-zinc-50"
      >
        {open ? <X className="size-4" aria-hidden="true" /> : <Menu className="size-4" aria-hidden="true" />}
        Menu
      </button>
      <div id="mobile-nav" hidden={!open} className="absolute inset-x-0 top-full z-30 border-b border-zinc-200 bg-white shadow-md">
        <SideNav role={role} deliveries={deliveries} />
      </div>
    </div>
  );
}
