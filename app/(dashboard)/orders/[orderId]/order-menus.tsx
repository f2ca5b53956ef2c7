"use client";

import dynamic from "next/dynamic";
import { useState } from "react";
import type { StageAction } from "@/lib/orders/stages";
import { Button } from "@/components/ui/button";
import { MenuButton, MenuItem } from "@/components/ui/menu";
import type { ItemLineInfo } from "./items-dialog";
import type { MoveOption, OpenDialog, RefundLineInfo } from "./order-actions";

// The dialogs (and their dialog library) load when one first opens: Review Order's first load stays
// within the 200 kB budget (npm run bench:weight).
const OrderDialog = dynamic(() => import("./order-actions").then((m) => m.OrderDialog), { ssr: false });

const SHIPPING_ACTIONS: StageAction[] = ["ship", "hold", "releaseHold"];

/** Review Order's actions: stage buttons, and the Edit, Payments and Shipping menus opening their dialogs. */
export function OrderActions({
  orderId,
  moves,
  refund,
  customer,
  itemLines,
}: {
  orderId: string;
  moves: MoveOption[];
  itemLines: ItemLineInfo[];
  refund: { allowed: boolean; refused?: string; fullSummary?: string; lines: RefundLineInfo[]; shippingLeft: string; merchandiseLeft: string };
  customer: Record<string, string>;
}) {
  const [open, setOpen] = useState<OpenDialog>(null);
  const stageButtons = moves.filter((m) => !m.refused && !SHIPPING_ACTIONS.includes(m.action));
  const shipping = moves.filter((m) => SHIPPING_ACTIONS.includes(m.action));
  const refundBlocked = !refund.allowed ? "Only admins may refund in this store" : refund.refused;

  return (
    <>
      {stageButtons.map((m) => (
        <Button key={m.action} variant={m.action === "reject" ? "danger" : "primary"} onClick={() => setOpen({ move: m })}>
          {m.label}
        </Button>
      ))}
      <MenuButton label="Edit">
        <MenuItem onSelect={() => setOpen("customer")}>Customer details</MenuItem>
        <MenuItem onSelect={() => setOpen("items")}>Items</MenuItem>
      </MenuButton>
      <MenuButton label="Payments">
        <MenuItem onSelect={() => setOpen("full")} disabled={Boolean(refundBlocked)} hint={refundBlocked}>
          Complete refund
        </MenuItem>
        <MenuItem onSelect={() => setOpen("partial")} disabled={Boolean(refundBlocked)} hint={refundBlocked}>
          Partial refund
        </MenuItem>
        <MenuItem onSelect={() => document.getElementById("refunds")?.scrollIntoView({ behavior: "smooth" })}>Transaction history</MenuItem>
      </MenuButton>
      <MenuButton label="Shipping">
        {shipping.map((m) => (
          <MenuItem key={m.action} onSelect={() => setOpen({ move: m })} disabled={Boolean(m.refused)} hint={m.refused}>
            {m.label}
          </MenuItem>
        ))}
      </MenuButton>

      {open && <OrderDialog open={open} orderId={orderId} itemLines={itemLines} refund={refund} customer={customer} onClose={() => setOpen(null)} />}
    </>
  );
}
