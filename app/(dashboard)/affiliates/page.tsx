import type { Metadata } from "next";
import { requirePageSession } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/card";

export const metadata: Metadata = { title: "Affiliates" };

export default async function Page() {
  await requirePageSession();
  return (
    <>
      <PageHeader title="Affiliates" crumbs={[{ label: "Home", href: "/" }, { label: "Affiliates" }]} />
      <EmptyState title="Affiliates will be listed here." />
    </>
  );
}
