import type { Metadata } from "next";
import { headers } from "next/headers";
import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { allowLocalOntraport, listThemeSubdomains } from "@/lib/ontraport/config/config";
import { pollUrl, readPollingKey } from "@/lib/ontraport/config/polling-key";
import { Card } from "@/components/ui/card";
import { formatUtcDateTime } from "@/components/ui/date-time";
import { loadConfigView } from "./config-view";
import { ConnectionSections } from "./connection-sections";
import { PollingKey } from "./polling-key";

export const metadata: Metadata = { title: "ONTRAPORT" };

/** The key's times go to the method form as text: the one date-time format, in UTC. */
function when(d: Date | null): string | null {
  return d ? formatUtcDateTime(d) : null;
}

async function publicBase(): Promise<string> {
  const configured = env().CARTLINK_PUBLIC_URL;
  if (configured) return configured;
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost";
  const proto = h.get("x-forwarded-proto") ?? (host.startsWith("localhost") || host.startsWith("127.0.0.1") ? "http" : "https");
  return `${proto}://${host}`;
}

/** The Connection tab: how cartlink talks to ONTRAPORT, the item poll, and (admins, integration on) turning it off. */
export default async function OntraportConnectionPage() {
  const user = await requirePageSession();
  const readOnly = user.role !== "admin";
  const db = await getDb();
  const merchantId = user.merchantId;

  const [view, themes, pollingKey, base] = await Promise.all([
    loadConfigView(merchantId),
    listThemeSubdomains(db, { merchantId }),
    readOnly ? Promise.resolve(null) : readPollingKey(db, { merchantId }),
    publicBase(),
  ]);

  return (
    <ConnectionSections
      form={{
        readOnly,
        allowLocal: allowLocalOntraport(),
        method: view.method,
        protocol: view.protocol,
        appId: view.appId,
        tagEveryBuyer: view.tagEveryBuyer,
        hasKey: view.hasKey,
        keyMask: view.keyMask,
        keyFingerprint: view.keyFingerprint,
        keySetAt: when(view.keySetAt),
        keySetBy: view.keySetBy,
        keyStatus: view.keyStatus,
        keyStatusAt: when(view.keyStatusAt),
        keyStatusCode: view.keyStatusCode,
        endpointUrl: view.endpointUrl,
        defaultEndpoint: view.defaultEndpoint,
        pausedAt: when(view.pausedAt),
        pausedReason: view.pausedReason,
        themes: themes.map((t) => ({ code: t.code, name: t.name, subdomain: t.subdomain })),
      }}
      itemPoll={
        <Card id="item-poll" title="Item poll for ONTRAPORT">
          <PollingKey pollUrl={pollUrl(base, readOnly ? null : pollingKey)} hasKey={view.hasPollingKey} readOnly={readOnly} />
        </Card>
      }
      // The danger zone: admins only, while the integration is on.
      turnOff={!readOnly && view.method !== "off" ? { method: view.method === "api" ? "API Integration" : "Partner Tracking Pixel" } : null}
    />
  );
}
