import type { ReactNode } from "react";
import { requirePageSession } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";
import { loadConfigView, ONTRAPORT_PATH } from "./config-view";
import { SectionTabs } from "./section-tabs";

const METHOD_LABEL = { off: "Off", api: "API Integration", pixel: "Partner Tracking Pixel" } as const;

const TABS = [
  { href: ONTRAPORT_PATH, label: "Connection" },
  { href: `${ONTRAPORT_PATH}/mapping`, label: "Product Mapping" },
  { href: `${ONTRAPORT_PATH}/history`, label: "Change history" },
  { href: `${ONTRAPORT_PATH}/log`, label: "Transmission Log" },
];

/** The ONTRAPORT page's header, status and section tabs, shared by Connection, Product Mapping, Change history and Transmission Log. */
export default async function OntraportLayout({ children }: { children: ReactNode }) {
  const user = await requirePageSession();
  const view = await loadConfigView(user.merchantId);
  return (
    <>
      <PageHeader
        title="ONTRAPORT"
        crumbs={[
          { label: "Configuration", href: "/configuration" },
          { label: "External Integrations", href: "/configuration/external-integrations" },
          { label: "ONTRAPORT" },
        ]}
        description="Send ONTRAPORT your sales, refunds, auto order status changes and affiliates, or fire its partner tracking pixel on receipts. Complete the Product Mapping whichever method you choose, and watch deliveries in the Transmission Log."
        actions={
          <div className="flex items-center gap-2 text-sm">
            <span className="text-zinc-500">Integration:</span>
            <span data-testid="integration-status">
              <Badge tone={view.method === "off" ? "muted" : view.pausedAt ? "danger" : "success"}>
                {METHOD_LABEL[view.method]}
                {view.method !== "off" && view.pausedAt ? " · Paused" : ""}
              </Badge>
            </span>
          </div>
        }
      />
      {user.role !== "admin" && (
        <p className="mb-4 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700" role="note">
          You are signed in as support: the ONTRAPORT configuration is read-only here; ask an admin to change it. You can read the Transmission Log and resend from it.
        </p>
      )}
      <SectionTabs tabs={TABS} />
      {children}
    </>
  );
}
