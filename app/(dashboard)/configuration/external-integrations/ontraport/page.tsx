import type { Metadata } from "next";
import { requirePageSession } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/card";

export const metadata: Metadata = { title: "ONTRAPORT" };

export default async function OntraportPage() {
  await requirePageSession();
  return (
    <>
      <PageHeader
        title="ONTRAPORT"
        crumbs={[
          { label: "Configuration", href: "/configuration" },
          { label: "External Integrations", href: "/configuration/external-integrations" },
          { label: "ONTRAPORT" },
        ]}
      />
      <EmptyState title="ONTRAPORT configuration will appear here." />
    </>
  );
}
