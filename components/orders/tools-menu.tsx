"use client";

import type { ReactNode } from "react";
import { MenuButton, MenuItem } from "@/components/ui/menu";

/**
 * Review Order's Tools menu. Always offers the shopper's receipt and printing; other areas add
 * their own tools as `children` (each a `MenuItem`), e.g. "Resend OntraPort Notification".
 */
export function ToolsMenu({ receiptUrl, children }: { receiptUrl: string; children?: ReactNode }) {
  return (
    <MenuButton label="Tools">
      <MenuItem onSelect={() => window.open(receiptUrl, "_blank", "noopener")} hint="Opens the receipt page the shopper sees">
        View receipt as shopper
      </MenuItem>
      <MenuItem onSelect={() => window.print()}>Print this order</MenuItem>
      {children}
    </MenuButton>
  );
}
