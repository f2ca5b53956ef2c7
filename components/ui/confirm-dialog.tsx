"use client";

import type { ComponentProps } from "react";
import { Button } from "./button";
import { Dialog, DialogClose } from "./dialog";

export interface ConfirmDialogProps extends Omit<ComponentProps<typeof Dialog>, "footer"> {
  /** The button that closes without doing anything, e.g. "Keep it on". */
  cancelLabel: string;
  /** Keeps the dialog open while the confirmed work runs. */
  cancelDisabled?: boolean;
  confirmLabel: string;
  onConfirm: () => void;
  /** Shows a spinner on the confirm button and disables it. */
  pending?: boolean;
  confirmVariant?: "danger" | "primary";
  confirmDisabled?: boolean;
}

/**
 * A Dialog asking to confirm one action: its footer is a cancel button (closes, like Escape) and the
 * confirm button. Anything the action needs (a note, a reason) goes in `children`.
 */
export function ConfirmDialog({ cancelLabel, cancelDisabled, confirmLabel, onConfirm, pending, confirmVariant = "danger", confirmDisabled, ...dialog }: ConfirmDialogProps) {
  return (
    <Dialog
      {...dialog}
      footer={
        <>
          <DialogClose asChild>
            <Button variant="secondary" disabled={cancelDisabled}>
              {cancelLabel}
            </Button>
          </DialogClose>
          <Button variant={confirmVariant} onClick={onConfirm} pending={pending} disabled={confirmDisabled}>
            {confirmLabel}
          </Button>
        </>
      }
    />
  );
}
