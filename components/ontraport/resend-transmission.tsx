"use client";

import dynamic from "next/dynamic";
import { useState } from "react";
import { RotateCcw } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { TransmissionType } from "@/lib/db/schema/ontraport";

export interface ResendTarget {
  id: string;
  /** "Sale DEMO-0000042": names the buttons and the dialog. */
  name: string;
  type: TransmissionType;
}

// Loaded when first opened: the log's first load stays within its JavaScript budget.
const ResendTransmissionDialog = dynamic(() => import("./resend-transmission-dialog").then((m) => m.ResendTransmissionDialog), { ssr: false });

/** A Resend button for a row or the View dialog; opens the confirmation. */
export function ResendButton({ target, size = "sm", onQueued }: { target: ResendTarget; size?: "sm" | "md"; onQueued?: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" size={size} aria-label={`Resend ${target.name}`} onClick={() => setOpen(true)}>
        <RotateCcw className="size-4" aria-hidden="true" />
        Resend
      </Button>
      {open && <ResendTransmissionDialog target={target} onClose={() => setOpen(false)} onQueued={onQueued} />}
    </>
  );
}
