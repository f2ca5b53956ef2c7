import type { Metadata } from "next";
import { requirePageSession } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/card";

export const metadata: Metadata = { title: "Themes" };

export default async function Page() {
  await requirePageSession();
  return (
    <>
      <PageHeader title="Themes" crumbs={[{ label: "Home", href: "/" }, { label: "Themes" }]} />
      <EmptyState title="StoreFront themes will be listed here." />
    </>
  );
}
