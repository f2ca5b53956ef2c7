import type { Metadata } from "next";
import { requirePageSession } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/card";

export const metadata: Metadata = { title: "Items" };

export default async function Page() {
  await requirePageSession();
  return (
    <>
      <PageHeader title="Items" crumbs={[{ label: "Home", href: "/" }, { label: "Items" }]} />
      <EmptyState title="Items will be listed here." />
    </>
  );
}
