import type { Metadata } from "next";
import { requirePageSession } from "@/lib/auth/session";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { ItemForm } from "../item-form";

export const metadata: Metadata = { title: "New item" };

export default async function NewItemPage() {
  await requirePageSession("admin");
  return (
    <>
      <PageHeader title="New item" crumbs={[{ label: "Home", href: "/" }, { label: "Items", href: "/items" }, { label: "New item" }]} />
      <Card>
        <ItemForm initial={{ merchantItemId: "", description: "", price: "", kind: "standard", frequency: "", oapProductid: "", oapTags: "", customFields: [] }} readOnly={false} />
      </Card>
    </>
  );
}
