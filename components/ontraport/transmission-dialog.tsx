"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { Check, Copy, Download, Link2, LifeBuoy } from "lucide-react";
import { Dialog } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import type { TransmissionDetail } from "@/lib/ontraport/log/queries";
import { LOG_PAGE_URL, PIXEL_RENDERED, TYPE_LABELS, transmissionName } from "@/lib/ontraport/log/words";
import { prettyXmlText } from "@/lib/ontraport/xml/view";
import { TransmissionStatusBadge } from "./status-badge";
import { LocalTime, relativeTime } from "./local-time";
import { XmlViewer } from "./xml-viewer";
import { RestCalls } from "./rest-calls";
import { copyText, fetchJson } from "./fetch-json";
import { ResendButton } from "./resend-transmission";

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

/** The absolute address of one transmission: the log opens its View (`?tx=<id>`). */
export function transmissionUrl(id: string): string {
  return `${window.location.origin}${LOG_PAGE_URL}?tx=${encodeURIComponent(id)}`;
}

/** Copies the transmission's address; the button says "Copied" for a moment and screen readers hear it. */
function CopyLinkButton({ id }: { id: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const onClick = async () => {
    try {
      await copyText(transmissionUrl(id));
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopied(null), 2500);
  };
  return (
    <>
      <Button variant="secondary" onClick={onClick}>
        {copied === "yes" ? <Check className="size-4" aria-hidden="true" /> : <Link2 className="size-4" aria-hidden="true" />}
        {copied === "yes" ? "Copied" : "Copy link"}
      </Button>
      <span className="sr-only" aria-live="polite">
        {copied === "yes" ? "Link to this transmission copied." : copied === "failed" ? "The browser did not allow copying the link." : ""}
      </span>
    </>
  );
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
export function TransmissionDialog({
  id,
  title,
  open,
  onOpenChange,
  onResent,
}: {
  id: string | null;
  title: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** A copy was queued from this dialog (Review Order refreshes its list of transmissions). */
  onResent?: (id: string) => void;
}) {
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
  const pixel = t?.type === "conversion_pixel";
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
          <div className="flex w-full flex-wrap justify-end gap-2">
            {t.resendable && <ResendButton size="md" target={{ id: t.id, name: transmissionName(t), type: t.type }} onQueued={onResent} />}
            <CopyLinkButton id={t.id} />
            {t.type === "conversion_pixel" ? (
              <Button variant="secondary" onClick={() => copy(t.payload, "Pixel URL")}>
                <Copy className="size-4" aria-hidden="true" />
                Copy URL
              </Button>
            ) : t.protocol === "rest" ? null : (
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
              </>
            )}
            <Button variant="primary" onClick={() => copy(t.supportDetails, "Support details")}>
              <LifeBuoy className="size-4" aria-hidden="true" />
              Copy support details
            </Button>
          </div>
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
              <TransmissionStatusBadge status={t.status} type={t.type} />
            </Fact>
            <Fact label="Type">
              {TYPE_LABELS[t.type]}
              {t.direction === "inbound" ? " (inbound)" : ""}
            </Fact>
            <Fact label="Response code">{pixel ? "—" : (t.lastStatusCode ?? "—")}</Fact>
            <Fact label="Attempts">{pixel ? "—" : t.attempts}</Fact>
            <Fact label="Created">
              <LocalTime iso={t.createdAt} withSeconds />
            </Fact>
            <Fact label={pixel ? "Rendered" : t.status === "delivered" ? "Delivered" : "Next retry"}>
              {pixel ? (
                <LocalTime iso={t.createdAt} withSeconds />
              ) : t.status === "delivered" ? (
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
                t.resendable ? "None: use Resend to send a copy" : "None"
              ) : (
                "None"
              )}
            </Fact>
            <Fact label="Trigger">{pixel ? "The receipt was viewed" : t.trigger === "manual" ? `Manual resend${t.triggeredByEmail ? ` by ${t.triggeredByEmail}` : ""}` : "Automatic"}</Fact>
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
          {pixel ? (
            <section aria-labelledby="tx-request">
              <h3 id="tx-request" className="mb-1 text-sm font-semibold text-zinc-900">
                Pixel URL
              </h3>
              <pre aria-label="Pixel URL" tabIndex={0} className="whitespace-pre-wrap break-all rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs leading-5 text-zinc-900 focus:outline-none focus:ring-2 focus:ring-accent-100">
                {t.payload}
              </pre>
              <p className="mt-2 text-sm text-zinc-700">
                {PIXEL_RENDERED}: the receipt showed ONTRAPORT&apos;s 1×1 conversion image with this address. The shopper&apos;s browser loads it from ONTRAPORT directly,
                so cartlink cannot know whether it arrived. It fires once per order and cannot be resent.
              </p>
            </section>
          ) : (
            <>
              {t.protocol === "rest" ? <RestCalls attempts={t.attemptsList} /> : null}
              <section aria-labelledby="tx-request" hidden={t.protocol === "rest"}>
                <h3 id="tx-request" className="mb-1 text-sm font-semibold text-zinc-900">
                  Request XML
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
                  <div className="overflow-x-auto rounded-md border border-zinc-200" role="region" aria-label="Attempts" tabIndex={0}>
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
            </>
          )}
        </div>
      ) : null}
    </Dialog>
  );
}
