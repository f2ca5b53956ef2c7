import { prettyXmlText, redactSecrets } from "../xml/view";
import { TYPE_LABELS, LOG_STATUS_LABELS, logStatusOf, PIXEL_RENDERED } from "./words";
import type { TransmissionStatus, TransmissionType } from "@/lib/db/schema/ontraport";

export interface SupportDetailsInput {
  merchant: { id: string; name: string };
  method: "off" | "api" | "pixel";
  keyFingerprint: string | null;
  /** API method: how it delivers, and the REST App ID. */
  protocol?: "rest" | "xml";
  appId?: string | null;
  /** Base URL of this cartlink (CARTLINK_PUBLIC_URL), for the StoreFront link. */
  publicUrl: string | null;
  transmission: {
    id: string;
    type: TransmissionType;
    status: TransmissionStatus;
    description: string;
    trigger: "automatic" | "manual";
    createdAt: string;
    deliveredAt: string | null;
    nextAttemptAt: string;
    orderId: string | null;
    email: string | null;
    lastStatusCode: number | null;
    lastError: string | null;
    lastResponseBody: string | null;
    payload: string;
    attemptsList: Array<{ attemptNo: number; startedAt: string; durationMs: number; statusCode: number | null; error: string | null; requestPayload?: string; calls?: unknown[] | null }>;
    /** How the last attempt went out. */
    protocol?: "rest" | "xml" | null;
    /** REST: the order's ONTRAPORT transaction. */
    invoiceId?: string | null;
  };
  order: { id: string; themeCode: string; email: string } | null;
}

const METHOD_WORDS = { off: "Off (integration not active)", api: "API Integration", pixel: "Partner Tracking Pixel" } as const;

/**
 * What ONTRAPORT support asks for (the seed's FAQ: "Why did ONTRAPORT stop receiving my order
 * data?"), as plain text to paste into a ticket. Carries the key's fingerprint, never the key.
 */
export function supportDetails(input: SupportDetailsInput): string {
  const t = input.transmission;
  const pixel = t.type === "conversion_pixel";
  const email = t.email ?? input.order?.email ?? "(none on this entry)";
  const orderId = t.orderId ?? input.order?.id ?? null;
  const storefront = input.order ? `${(input.publicUrl ?? "").replace(/\/$/, "")}/store/${input.merchant.id}/${input.order.themeCode}` : null;
  const lines = [
    "ONTRAPORT support details (from cartlink)",
    "",
    `Store: ${input.merchant.name} (${input.merchant.id})`,
    `Integration method: ${METHOD_WORDS[input.method]}${input.method === "api" && input.protocol ? (input.protocol === "rest" ? " over the ONTRAPORT REST API" : " over the XML notification endpoint") : ""}`,
    ...(input.method === "api" && input.protocol === "rest" ? [`App ID: ${input.appId ?? "(none saved)"}`] : []),
    `API key fingerprint: ${input.keyFingerprint ? `${input.keyFingerprint} (first 12 hex of its SHA-256; the key itself is not included)` : "(no key saved)"}`,
    `Example contact: ${email}`,
    `Order: ${orderId ?? "(not about an order)"}`,
    ...(t.invoiceId ? [`ONTRAPORT transaction (invoice) id: ${t.invoiceId}`] : []),
    `Order form (StoreFront) URL: ${storefront ?? "(not about an order)"}`,
    "Form name in ONTRAPORT: (add it here)",
    "",
    "Transmission Log entry",
    `  Transmission id: ${t.id}`,
    `  Type: ${TYPE_LABELS[t.type]}`,
    `  Status: ${pixel && t.status === "delivered" ? `${PIXEL_RENDERED} (the shopper's browser loads it; whether it arrived is not known)` : LOG_STATUS_LABELS[logStatusOf(t.status)]}${t.trigger === "manual" ? " (manual resend)" : ""}`,
    `  Description: ${t.description}`,
    `  Created: ${t.createdAt}`,
    ...(t.deliveredAt && !pixel ? [`  Delivered: ${t.deliveredAt}`] : []),
    ...(t.status === "pending" || t.status === "paused" ? [`  Next attempt: ${t.nextAttemptAt}`] : []),
    `  Response code: ${t.lastStatusCode ?? "(none yet)"}`,
    ...(t.lastError ? [`  Error: ${redactSecrets(t.lastError)}`] : []),
    ...(t.lastResponseBody ? [`  Response body: ${redactSecrets(t.lastResponseBody)}`] : []),
    ...(pixel
      ? ["", "Pixel URL", t.payload]
      : [
          "",
          `Attempts (${t.attemptsList.length})`,
          ...(t.attemptsList.length === 0
            ? ["  (none yet)"]
            : t.attemptsList.map((a) => `  #${a.attemptNo} ${a.startedAt}  ${a.statusCode ?? "no response"}  ${a.durationMs} ms${a.error ? `  ${redactSecrets(a.error)}` : ""}`)),
          "",
          ...(t.protocol === "rest"
            ? ["Calls of the last attempt (ONTRAPORT REST API)", redactSecrets(t.attemptsList.at(-1)?.requestPayload ?? "(none yet)").trimEnd()]
            : ["Request", prettyXmlText(t.payload).trimEnd()]),
        ]),
  ];
  return lines.join("\n") + "\n";
}
