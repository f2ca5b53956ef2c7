import type { Metadata } from "next";
import Link from "next/link";
import { requirePageSession } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";

export const metadata: Metadata = { title: "External Integrations" };

export default async function ExternalIntegrationsPage() {
  await requirePageSession();
  return (
    <>
      <PageHeader
        title="External Integrations"
        crumbs={[{ label: "Configuration", href: "/configuration" }, { label: "External Integrations" }]}
      />
      <Card title="ONTRAPORT" description="CRM and automation: sends sales, refunds, auto order statuses and affiliates to ONTRAPORT, or fires its partner tracking pixel on receipts.">
        <Link href="/configuration/external-integrations/ontraport" className="text-sm font-medium text-accent-600 hover:underline">
          Configure ONTRAPORT
        </Link>
      </Card>
    </>
  );
}
