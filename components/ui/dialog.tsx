"use client";

import * as D from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import { useRef, type ReactNode } from "react";
import { cn } from "./cn";

/**
 * Accessible modal dialog (Radix): focus is trapped inside, Escape closes it, and it is labelled by its title.
 * Closing returns focus to what opened it: the `trigger`, else the element that had focus when it
 * opened (a row's button, a menu's item's button), when that is still on the page.
 */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  footer,
  wide,
  trigger,
}: {
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  trigger?: ReactNode;
}) {
  const opener = useRef<HTMLElement | null>(null);
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      {trigger && <D.Trigger asChild>{trigger}</D.Trigger>}
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <D.Content
          className={cn(
            "fixed left-1/2 top-1/2 z-50 max-h-[90vh] w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-5 shadow-xl ring-1 ring-zinc-200 focus:outline-none",
            wide ? "max-w-5xl" : "max-w-lg",
          )}
          {...(description ? {} : { "aria-describedby": undefined })}
          onOpenAutoFocus={() => {
            // Called before focus moves in: what has focus now opened the dialog.
            const el = document.activeElement;
            opener.current = el instanceof HTMLElement && el !== document.body ? el : null;
          }}
          onCloseAutoFocus={(e) => {
            const el = opener.current;
            if (trigger || !el?.isConnected) return;
            e.preventDefault();
            el.focus();
          }}
        >
          <div className="mb-3 flex items-start justify-between gap-4">
            <D.Title className="text-lg font-semibold text-zinc-900">{title}</D.Title>
            <D.Close className="rounded p-1 text-zinc-500 hover:bg-zinc-100" aria-label="Close">
              <X className="size-4" aria-hidden="true" />
            </D.Close>
          </div>
          {description && <D.Description className="mb-3 text-sm text-zinc-600">{description}</D.Description>}
          {children}
          {footer && <div className="mt-5 flex justify-end gap-2">{footer}</div>}
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}

export const DialogClose = D.Close;
