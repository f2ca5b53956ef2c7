import type { Metadata } from "next";
import { requirePageSession } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/page-header";
import { TransmissionLogSection } from "@/components/ontraport/transmission-log-section";

export const metadata: Metadata = { title: "Transmission Log" };

export default async function TransmissionLogPage() {
  await requirePageSession("support");
  return (
    <>
      <PageHeader
        title="Transmission Log"
        crumbs={[
          { label: "Configuration", href: "/configuration" },
          { label: "External Integrations", href: "/configuration/external-integrations" },
          { label: "ONTRAPORT", href: "/configuration/external-integrations/ontraport" },
          { label: "Transmission Log" },
        ]}
      />
      <TransmissionLogSection fullPage />
    </>
  );
}
