"use client";

import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FormMessage } from "@/components/ui/field";

/** What the engine says when the copy a resend would make is already waiting (lib/ontraport/engine/outbox.ts). */
export interface WaitingCopy {
  status: "pending" | "sending" | "paused" | "held";
  nextAttemptAt: string;
  lastError: string | null;
  merchantPaused: boolean;
}

function clock(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A waiting copy that cannot be sent now (paused by a stale key, on the wire, or held behind its Sale): nothing to confirm. */
export function nothingToDo(waiting: WaitingCopy | null): boolean {
  return !!waiting && (waiting.merchantPaused || waiting.status === "sending" || waiting.status === "held");
}

/**
 * The confirmation every resend shows (one transmission from the log, or Review Order's Tools menu):
 * first what a new copy does; when the engine answers that one is already waiting, why no second
 * copy was queued and, where it can go now, "Send it now".
 */
export function ResendConfirmDialog(p: {
  title: string;
  /** The first question, before the engine answered. */
  description: string;
  /** The question once the engine answered that a copy is already waiting. */
  waitingDescription?: string;
  /** The first step's explanation of what a copy does. */
  intro: string;
  /** The confirm button's label on the first step. */
  confirmLabel: string;
  /** A Sale: a second copy would make ONTRAPORT log the sale twice (said in every "no second copy"). */
  sale: boolean;
  waiting: WaitingCopy | null;
  pending: boolean;
  error?: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { waiting } = p;
  const done = nothingToDo(waiting);
  const twice = p.sale ? ": ONTRAPORT would log the sale twice" : "";
  return (
    <ConfirmDialog
      open
      onOpenChange={(o) => !o && !p.pending && p.onClose()}
      title={p.title}
      description={waiting ? (p.waitingDescription ?? "It is already waiting to go out.") : p.description}
      cancelLabel={done ? "Close" : "Cancel"}
      cancelDisabled={p.pending}
      confirmLabel={done ? "OK" : waiting ? "Send it now" : p.confirmLabel}
      confirmVariant="primary"
      onConfirm={done ? p.onClose : p.onConfirm}
      pending={p.pending}
    >
      <div className="space-y-3 text-sm text-zinc-700">
        {!waiting ? (
          <p>{p.intro}</p>
        ) : waiting.status === "held" ? (
          <p role="status">It is held until the order&apos;s Sale is delivered, then goes out by itself. No second copy was queued.</p>
        ) : waiting.merchantPaused ? (
          <p role="status">
            ONTRAPORT refuses the saved API key, so deliveries are paused. It goes out by itself, once, when an admin saves a new key. No second copy was queued{twice}.
          </p>
        ) : waiting.status === "sending" ? (
          <p role="status">It is being sent right now. No second copy was queued{twice}.</p>
        ) : (
          <p role="status">
            It goes out by itself (next try {clock(waiting.nextAttemptAt)}
            {waiting.lastError ? `; last answer: ${waiting.lastError}` : ""}). No second copy was queued{twice}. Send the waiting one now instead?
          </p>
        )}
        <FormMessage error={p.error} />
      </div>
    </ConfirmDialog>
  );
}
