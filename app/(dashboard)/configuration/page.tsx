import type { Metadata } from "next";
import Link from "next/link";
import { requirePageSession } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";

export const metadata: Metadata = { title: "Configuration" };

export default async function ConfigurationPage() {
  await requirePageSession();
  return (
    <>
      <PageHeader title="Configuration" crumbs={[{ label: "Home", href: "/" }, { label: "Configuration" }]} />
      <Card title="External Integrations" description="Connect your store to other systems.">
        <Link href="/configuration/external-integrations" className="text-sm font-medium text-accent-600 hover:underline">
          Open External Integrations
        </Link>
      </Card>
    </>
  );
}
