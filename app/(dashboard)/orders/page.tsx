import type { Metadata } from "next";
import { requirePageSession } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/card";

export const metadata: Metadata = { title: "Order Management" };

export default async function Page() {
  await requirePageSession();
  return (
    <>
      <PageHeader title="Order Management" crumbs={[{ label: "Home", href: "/" }, { label: "Order Management" }]} />
      <EmptyState title="Orders will be listed here by stage." />
    </>
  );
}
