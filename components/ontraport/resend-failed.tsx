"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { toast } from "sonner";
import { RotateCcw } from "lucide-react";
import { Dialog } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { countFailedTransmissions, resendFailedSlice } from "./actions";

const SLICES = 8;

function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function toIso(local: string): string | null {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

type Phase = { kind: "choose" } | { kind: "running"; done: number; requeued: number } | { kind: "finished"; requeued: number };

/**
 * `Resend failed`: re-queues the failed transmissions of a chosen time range. The confirmation says
 * how many; the work runs slice by slice so the bar shows real progress, and ends with the count.
 */
export function ResendFailedButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        <RotateCcw className="size-4" aria-hidden="true" />
        Resend failed
      </Button>
      {open && <ResendFailedDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function ResendFailedDialog({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient();
  const [from, setFrom] = useState(() => localInput(new Date(Date.now() - 86_400_000)));
  const [to, setTo] = useState(() => localInput(new Date(Date.now() + 60_000)));
  const [count, setCount] = useState<{ n: number; for: string } | null>(null);
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: "choose" });
  const progressId = useId();
  const key = `${from}|${to}`;

  useEffect(() => {
    const f = toIso(from);
    const t = toIso(to);
    if (!f || !t) return;
    let live = true;
    const timer = setTimeout(async () => {
      const r = await countFailedTransmissions({ from: f, to: t });
      if (!live) return;
      if (r.error) {
        const field = r.fieldErrors ? Object.keys(r.fieldErrors)[0] : undefined;
        setError({ field, message: r.error });
        setCount(null);
      } else {
        setError(null);
        setCount({ n: r.data?.count ?? 0, for: key });
      }
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [from, to, key]);

  const run = async () => {
    const f = new Date(from).getTime();
    const t = new Date(to).getTime();
    const step = (t - f) / SLICES;
    let requeued = 0;
    setPhase({ kind: "running", done: 0, requeued });
    for (let i = 0; i < SLICES; i++) {
      const sliceFrom = new Date(f + step * i).toISOString();
      const sliceTo = new Date(i === SLICES - 1 ? t : f + step * (i + 1)).toISOString();
      const r = await resendFailedSlice({ from: sliceFrom, to: sliceTo });
      if (r.error) {
        setPhase({ kind: "choose" });
        setError({ message: requeued > 0 ? `${r.error} ${requeued} were re-queued before this.` : r.error });
        await qc.invalidateQueries({ queryKey: ["ontraport-log"] });
        return;
      }
      requeued += r.data?.count ?? 0;
      setPhase({ kind: "running", done: i + 1, requeued });
    }
    setPhase({ kind: "finished", requeued });
    toast.success(`Re-queued ${requeued} failed ${requeued === 1 ? "transmission" : "transmissions"}.`);
    await Promise.all([qc.invalidateQueries({ queryKey: ["ontraport-log"] }), qc.invalidateQueries({ queryKey: ["ontraport-health"] })]);
  };

  const ready = count !== null && count.for === key && !error;
  const running = phase.kind === "running";
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && !running && onClose()}
      title="Resend failed transmissions"
      description="Failed transmissions created in this time range are queued again and sent with the current API key, oldest first."
      footer={
        phase.kind === "finished" ? (
          <Button onClick={onClose}>Done</Button>
        ) : (
          <>
            <Button variant="secondary" onClick={onClose} disabled={running}>
              Cancel
            </Button>
            <Button onClick={run} disabled={!ready || count.n === 0} pending={running}>
              {ready ? `Re-queue ${count.n} ${count.n === 1 ? "transmission" : "transmissions"}` : "Re-queue"}
            </Button>
          </>
        )
      }
    >
      {phase.kind === "choose" ? (
        <div className="space-y-3">
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <TextField label="From" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} error={error?.field === "from" ? error.message : undefined} />
            <TextField label="To" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} error={error?.field === "to" ? error.message : undefined} />
          </div>
          <p role="status" className="text-sm text-zinc-700">
            {error && !error.field ? (
              <span className="text-red-800">{error.message}</span>
            ) : ready ? (
              count.n === 0 ? (
                "No failed transmissions in this range."
              ) : (
                <>
                  <strong>{count.n}</strong> failed {count.n === 1 ? "transmission" : "transmissions"} will be re-queued.
                </>
              )
            ) : (
              "Counting failed transmissions…"
            )}
          </p>
        </div>
      ) : (
        <div className="space-y-2">
          <label htmlFor={progressId} className="block text-sm text-zinc-800">
            {phase.kind === "running" ? `Re-queuing… ${phase.requeued} so far` : `Re-queued ${phase.requeued} ${phase.requeued === 1 ? "transmission" : "transmissions"}. They are being sent now; watch the log.`}
          </label>
          <progress id={progressId} className="h-2 w-full accent-accent-600" max={SLICES} value={phase.kind === "running" ? phase.done : SLICES} />
        </div>
      )}
    </Dialog>
  );
}
