import { Suspense } from "react";
import { requirePageSession } from "@/lib/auth/session";
import { HealthPanel } from "./health-panel";
import { TransmissionLog } from "./transmission-log";

export const LOG_PAGE_PATH = "/configuration/external-integrations/ontraport/log";

function TableSkeleton() {
  return (
    <div className="space-y-2" aria-busy="true">
      <span className="sr-only">Loading the Transmission Log…</span>
      {Array.from({ length: 6 }, (_, i) => (
        <div key={i} className="h-9 animate-pulse rounded bg-zinc-100" />
      ))}
    </div>
  );
}

/**
 * The ONTRAPORT page's Transmission Log tab: health above, then the live, filterable table with its
 * View dialog.
 */
export async function TransmissionLogSection() {
  await requirePageSession("support");
  return (
    <section id="transmission-log" aria-labelledby="transmission-log-title" className="space-y-5 rounded-lg border border-zinc-200 bg-white p-5 shadow-xs">
      <div>
        <h2 id="transmission-log-title" className="text-lg font-semibold text-zinc-900">
          Transmission Log
        </h2>
        <p className="mt-0.5 max-w-3xl text-sm text-zinc-600">
          Every notification sent to ONTRAPORT and every item fetch it made, with the full request and ONTRAPORT&apos;s answer. Click View for the XML; when asking
          ONTRAPORT support for help, use Copy support details.
        </p>
      </div>
      <HealthPanel />
      <Suspense fallback={<TableSkeleton />}>
        <TransmissionLog />
      </Suspense>
    </section>
  );
}
