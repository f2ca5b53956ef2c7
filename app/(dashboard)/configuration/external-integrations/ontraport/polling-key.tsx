"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { regeneratePollingKeyAction } from "./actions";

/** The item poll URL for ONTRAPORT, with Generate / Regenerate for admins. */
export function PollingKey({ pollUrl, hasKey, readOnly }: { pollUrl: string; hasKey: boolean; readOnly: boolean }) {
  const [confirm, setConfirm] = useState(false);
  const [pending, start] = useTransition();
  const run = () =>
    start(async () => {
      const r = await regeneratePollingKeyAction({});
      setConfirm(false);
      if (r.error) toast.error(r.error);
      else toast.success(r.message ?? "Done.");
    });
  return (
    <div className="space-y-3 text-sm">
      <p className="text-zinc-600">
        ONTRAPORT may poll cartlink for up-to-date item details. Give ONTRAPORT Support this URL; the key in it identifies your store. Each poll appears in the Transmission Log as
        Fetch Items.
      </p>
      {hasKey ? (
        <div>
          <p className="mb-1 font-medium text-zinc-800" id="poll-url-label">
            Item poll URL
          </p>
          <code aria-labelledby="poll-url-label" data-testid="poll-url" className="block break-all rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-xs text-zinc-800">
            {pollUrl}
          </code>
          {readOnly && <p className="mt-1 text-xs text-zinc-500">A polling key is set. Only admins can see it.</p>}
        </div>
      ) : (
        <p className="text-zinc-700">No polling key yet: ONTRAPORT cannot fetch item details until one is generated.</p>
      )}
      {!readOnly &&
        (hasKey ? (
          <Button variant="secondary" onClick={() => setConfirm(true)}>
            Regenerate
          </Button>
        ) : (
          <Button variant="secondary" onClick={run} pending={pending}>
            Generate polling key
          </Button>
        ))}
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title="Regenerate the polling key?"
        description="The current key stops working at once. ONTRAPORT's item polls fail until you give it the new poll URL."
        cancelLabel="Keep the current key"
        confirmLabel="Regenerate"
        onConfirm={run}
        pending={pending}
      />
    </div>
  );
}
