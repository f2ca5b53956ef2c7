"use client";

import Link from "next/link";
import dynamic from "next/dynamic";
import { useState } from "react";
import type { AutoOrderRow, AutoOrderStatus } from "@/lib/orders/auto-orders";
import { MenuButton, MenuItem } from "@/components/ui/menu";
import { ActionsTh, Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { AutoOrderStatusBadge } from "@/components/orders/badges";
import { LocalTime } from "@/components/ontraport/local-time";

// The dialogs (and their dialog library) load when one first opens: the first load stays within the
// 200 kB budget (npm run bench:weight).
const AutoOrderDialog = dynamic(() => import("./auto-order-dialogs").then((m) => m.AutoOrderDialog), { ssr: false });

/** An auto order as the table shows it: the row with its money and dates already formatted. */
export type AutoOrderView = Pick<AutoOrderRow, "id" | "code" | "status" | "failureReason" | "cardLast4" | "cancelReason" | "originalOrderId" | "customerName" | "email" | "rebillCount"> & {
  item: string;
  itemDescription: string;
  price: string;
  /** ISO, or null when none is scheduled. */
  nextAttempt: string | null;
  attempts: number;
};

export type OpenAutoOrderDialog = { kind: "rebill" | "cancel" | "reactivate" | "card"; ao: AutoOrderView } | null;

const BILLING: AutoOrderStatus[] = ["active", "card declined"];

export function AutoOrdersTable({ rows }: { rows: AutoOrderView[] }) {
  const [open, setOpen] = useState<OpenAutoOrderDialog>(null);
  const close = () => setOpen(null);
  return (
    <>
      <Table caption="Auto orders">
        <THead>
          <tr>
            <Th>Auto order</Th>
            <Th>Customer</Th>
            <Th>Item</Th>
            <Th>Status</Th>
            <Th>Next attempt</Th>
            <Th>Card</Th>
            <ActionsTh />
          </tr>
        </THead>
        <TBody>
          {rows.map((r) => {
            const billing = BILLING.includes(r.status);
            return (
              <Tr key={r.id} data-testid={`auto-order-${r.code}`}>
                <Td>
                  <div className="font-medium">{r.code}</div>
                  <div className="whitespace-nowrap text-xs text-zinc-500">
                    from{" "}
                    <Link href={`/orders/${r.originalOrderId}`} className="text-accent-700 hover:underline">
                      {r.originalOrderId}
                    </Link>
                  </div>
                  <div className="text-xs text-zinc-500">
                    {r.rebillCount} rebill{r.rebillCount === 1 ? "" : "s"}
                  </div>
                </Td>
                <Td>
                  <div>{r.customerName || "—"}</div>
                  <div className="text-xs text-zinc-500">{r.email}</div>
                </Td>
                <Td>
                  <div className="whitespace-nowrap">{r.item}</div>
                  <div className="text-xs text-zinc-500">{r.price}</div>
                </Td>
                <Td>
                  <AutoOrderStatusBadge status={r.status} />
                  {r.status === "card declined" && <div className="mt-0.5 text-xs text-red-700">{r.failureReason} (attempt {r.attempts} of 3)</div>}
                  {r.cancelReason && <div className="mt-0.5 text-xs text-zinc-500">{r.cancelReason}</div>}
                </Td>
                <Td className="whitespace-nowrap">{billing ? <LocalTime iso={r.nextAttempt} /> : "—"}</Td>
                <Td className="whitespace-nowrap tabular-nums">•••• {r.cardLast4}</Td>
                <Td className="text-right">
                  <MenuButton label="Actions">
                    <MenuItem disabled={!billing} hint={billing ? "Charge the card on file now" : "Reactivate it first"} onSelect={() => setOpen({ kind: "rebill", ao: r })}>
                      Rebill now
                    </MenuItem>
                    <MenuItem onSelect={() => setOpen({ kind: "card", ao: r })}>Update card</MenuItem>
                    <MenuItem disabled={!billing} onSelect={() => setOpen({ kind: "cancel", ao: r })}>
                      Cancel…
                    </MenuItem>
                    <MenuItem disabled={billing} onSelect={() => setOpen({ kind: "reactivate", ao: r })}>
                      Reactivate
                    </MenuItem>
                  </MenuButton>
                </Td>
              </Tr>
            );
          })}
        </TBody>
      </Table>
      {open && <AutoOrderDialog open={open} onClose={close} />}
    </>
  );
}

