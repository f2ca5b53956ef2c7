"use client";

import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";

// Loaded when first opened: Review Order's first load stays within its JavaScript budget.
const TransmissionDialog = dynamic(() => import("./transmission-dialog").then((m) => m.TransmissionDialog), { ssr: false });

/** A `View` button that opens the dialog for one transmission (Review Order's list). */
export function ViewTransmissionButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" size="sm" aria-label={`View ${name}`} onClick={() => setOpen(true)}>
        View
      </Button>
      {open && <TransmissionDialog id={id} title={name} open={open} onOpenChange={setOpen} onResent={() => router.refresh()} />}
    </>
  );
}
