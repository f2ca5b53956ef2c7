import type { Metadata } from "next";
import { requirePageSession } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/card";

export const metadata: Metadata = { title: "Auto Orders" };

export default async function Page() {
  await requirePageSession();
  return (
    <>
      <PageHeader title="Auto Orders" crumbs={[{ label: "Home", href: "/" }, { label: "Auto Orders" }]} />
      <EmptyState title="Auto orders will be listed here." />
    </>
  );
}
