"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { Copy, Download, LifeBuoy } from "lucide-react";
import { Dialog } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import type { TransmissionDetail } from "@/lib/ontraport/log/queries";
import { TYPE_LABELS, transmissionName } from "@/lib/ontraport/log/words";
import { prettyXmlText } from "@/lib/ontraport/xml/view";
import { TransmissionStatusBadge } from "./status-badge";
import { LocalTime, relativeTime } from "./local-time";
import { XmlViewer } from "./xml-viewer";
import { RestCalls } from "./rest-calls";
import { copyText, fetchJson } from "./fetch-json";

export type TransmissionDetailJson = TransmissionDetail & { supportDetails: string };

export function transmissionQueryKey(id: string) {
  return ["ontraport-transmission", id] as const;
}

async function copy(text: string, what: string) {
  try {
    await copyText(text);
    toast.success(`${what} copied.`);
  } catch (e) {
    toast.error(e instanceof Error ? e.message : "Copying failed.");
  }
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-0.5 text-sm text-zinc-900">{children}</dd>
    </div>
  );
}

/**
 * The View dialog: the request XML, ONTRAPORT's answer, every attempt, the next retry, and what
 * ONTRAPORT support needs. Labelled by its title; Radix traps focus and closes on Escape.
 */
export function TransmissionDialog({ id, title, open, onOpenChange }: { id: string | null; title: string; open: boolean; onOpenChange: (open: boolean) => void }) {
  const [shownId, setShownId] = useState<string | null>(null);
  const current = shownId ?? id;
  const q = useQuery({
    queryKey: transmissionQueryKey(current ?? ""),
    queryFn: ({ signal }) => fetchJson<TransmissionDetailJson>(`/api/ontraport/transmissions/${current}`, signal),
    enabled: open && current !== null,
    refetchInterval: (query) => {
      const s = query.state.data?.status;
      return s === "pending" || s === "sending" ? 3000 : false;
    },
  });
  const t = q.data;
  const change = (o: boolean) => {
    if (!o) setShownId(null);
    onOpenChange(o);
  };
  return (
    <Dialog
      open={open}
      onOpenChange={change}
      wide
      title={t ? transmissionName(t) : title}
      description={t ? t.description : undefined}
      footer={
        t ? (
          <>
            <Button variant="secondary" onClick={() => copy(prettyXmlText(t.payload), "Request XML")}>
              <Copy className="size-4" aria-hidden="true" />
              Copy
            </Button>
            <a
              href={`/api/ontraport/transmissions/${t.id}?format=xml`}
              download
              className="inline-flex items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-3.5 py-2 text-sm font-medium text-zinc-800 shadow-xs hover:bg-zinc-50"
            >
              <Download className="size-4" aria-hidden="true" />
              Download .xml
            </a>
            <Button variant="primary" onClick={() => copy(t.supportDetails, "Support details")}>
              <LifeBuoy className="size-4" aria-hidden="true" />
              Copy support details
            </Button>
          </>
        ) : undefined
      }
    >
      {q.isPending && open ? (
        <div className="space-y-3" aria-busy="true" aria-live="polite">
          <span className="sr-only">Loading the transmission…</span>
          <div className="h-5 w-1/3 animate-pulse rounded bg-zinc-200" />
          <div className="h-40 animate-pulse rounded bg-zinc-100" />
        </div>
      ) : q.isError ? (
        <p role="alert" className="text-sm text-red-800">
          {q.error.message}{" "}
          <button type="button" className="font-medium underline" onClick={() => q.refetch()}>
            Try again
          </button>
        </p>
      ) : t ? (
        <div className="space-y-5">
          <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-4">
            <Fact label="Status">
              <TransmissionStatusBadge status={t.status} />
            </Fact>
            <Fact label="Type">
              {TYPE_LABELS[t.type]}
              {t.direction === "inbound" ? " (inbound)" : ""}
            </Fact>
            <Fact label="Response code">{t.lastStatusCode ?? "—"}</Fact>
            <Fact label="Attempts">{t.attempts}</Fact>
            <Fact label="Created">
              <LocalTime iso={t.createdAt} withSeconds />
            </Fact>
            <Fact label={t.status === "delivered" ? "Delivered" : "Next retry"}>
              {t.status === "delivered" ? (
                <LocalTime iso={t.deliveredAt} withSeconds />
              ) : t.status === "pending" ? (
                <>
                  <LocalTime iso={t.nextAttemptAt} withSeconds /> <span className="text-zinc-500">({relativeTime(t.nextAttemptAt)})</span>
                </>
              ) : t.status === "paused" ? (
                "When a new API key is saved"
              ) : t.status === "held" ? (
                "When the order's Sale is delivered"
              ) : t.status === "sending" ? (
                "Sending now"
              ) : t.status === "failed" ? (
                "None: resend it by hand"
              ) : (
                "None"
              )}
            </Fact>
            <Fact label="Trigger">{t.trigger === "manual" ? `Manual resend${t.triggeredByEmail ? ` by ${t.triggeredByEmail}` : ""}` : "Automatic"}</Fact>
            <Fact label="Order">
              {t.orderId ? (
                <Link href={`/orders/${encodeURIComponent(t.orderId)}`} className="font-medium text-accent-700 underline">
                  Review Order {t.orderId}
                </Link>
              ) : (
                "—"
              )}
            </Fact>
          </dl>
          {t.resendOf && (
            <p className="text-sm text-zinc-700">
              Resend of an earlier transmission:{" "}
              <button type="button" className="font-medium text-accent-700 underline" onClick={() => setShownId(t.resendOf)}>
                view the earlier transmission
              </button>
            </p>
          )}
          {t.lastError && (
            <p role="status" className={t.status === "held" ? "rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" : "rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"}>
              {t.lastError}
              {t.status === "held" && t.waitingForSaleId && (
                <>
                  {" "}
                  <button type="button" className="font-medium underline" onClick={() => setShownId(t.waitingForSaleId)}>
                    View the Sale
                  </button>
                </>
              )}
            </p>
          )}
          {t.protocol === "rest" ? <RestCalls attempts={t.attemptsList} /> : null}
          <section aria-labelledby="tx-request" hidden={t.protocol === "rest"}>
            <h3 id="tx-request" className="mb-1 text-sm font-semibold text-zinc-900">
              Request {t.type === "conversion_pixel" ? "(pixel URL)" : "XML"}
            </h3>
            <XmlViewer payload={t.payload} label="Request XML" />
            <p className="mt-1 text-xs text-zinc-500">The API key is never stored with a transmission, so it never appears here.</p>
          </section>
          <section aria-labelledby="tx-response" hidden={t.protocol === "rest"}>
            <h3 id="tx-response" className="mb-1 text-sm font-semibold text-zinc-900">
              Response {t.lastStatusCode ? `(${t.lastStatusCode})` : ""}
            </h3>
            {t.lastResponseBody ? <XmlViewer payload={t.lastResponseBody} label="Response body" /> : <p className="text-sm text-zinc-600">No response yet.</p>}
          </section>
          <section aria-labelledby="tx-attempts">
            <h3 id="tx-attempts" className="mb-1 text-sm font-semibold text-zinc-900">
              Attempts
            </h3>
            {t.attemptsList.length === 0 ? (
              <p className="text-sm text-zinc-600">No attempt yet.</p>
            ) : (
              <div className="overflow-x-auto rounded-md border border-zinc-200">
                <table className="min-w-full divide-y divide-zinc-200 text-sm" aria-labelledby="tx-attempts">
                  <thead className="bg-zinc-50">
                    <tr>
                      {["#", "Time", "Status code", "Duration", "Error"].map((h) => (
                        <th key={h} scope="col" className="px-3 py-1.5 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
                          {h}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-zinc-100">
                    {t.attemptsList.map((a) => (
                      <tr key={a.attemptNo}>
                        <td className="px-3 py-1.5">{a.attemptNo}</td>
                        <td className="px-3 py-1.5">
                          <LocalTime iso={a.startedAt} withSeconds />
                        </td>
                        <td className="px-3 py-1.5">{a.statusCode ?? "No response"}</td>
                        <td className="px-3 py-1.5">{a.durationMs} ms</td>
                        <td className="px-3 py-1.5 text-zinc-700">{a.error ?? "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </div>
      ) : null}
    </Dialog>
  );
}

/** A `View` button that opens the dialog for one transmission (Review Order's list uses it too). */
export function ViewTransmissionButton({ id, name }: { id: string; name: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" size="sm" aria-label={`View ${name}`} onClick={() => setOpen(true)}>
        View
      </Button>
      {open && <TransmissionDialog id={id} title={name} open={open} onOpenChange={setOpen} />}
    </>
  );
}
