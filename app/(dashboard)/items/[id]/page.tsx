import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AlertTriangle } from "lucide-react";
import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getItem, itemsSharingProductName } from "@/lib/items/queries";
import { NotFoundError } from "@/lib/errors";
import { formatDecimal } from "@/lib/money";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { ItemForm } from "../item-form";
import { DeactivateButton, DuplicateButton } from "../item-actions";

export const metadata: Metadata = { title: "Item" };

export default async function ItemPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageSession();
  const { id } = await params;
  const db = await getDb();
  const item = await getItem(db, user.merchantId, id).catch((e: unknown) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  const product = item.customFields.oapProductid ?? "";
  const sharing = await itemsSharingProductName(db, user.merchantId, product, item.id);
  const admin = user.role === "admin";
  return (
    <>
      <PageHeader
        title={`Item ${item.merchantItemId}`}
        crumbs={[{ label: "Home", href: "/" }, { label: "Items", href: "/items" }, { label: item.merchantItemId }]}
        description={item.inactive ? <Badge tone="muted">Inactive: not shown in the StoreFront</Badge> : <Badge tone="success">Active</Badge>}
        actions={
          admin && (
            <>
              <DuplicateButton id={item.id} itemId={item.merchantItemId} productName={product} />
              <DeactivateButton id={item.id} inactive={item.inactive} />
            </>
          )
        }
      />
      {sharing.length > 0 && (
        <div role="alert" className="mb-4 flex gap-2 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
          <p>
            ONTRAPORT Product Name &apos;{product}&apos; is also used by{" "}
            {sharing.map((s, i) => (
              <span key={s.id}>
                {i > 0 && ", "}
                <Link className="font-medium underline" href={`/items/${s.id}`}>
                  {s.merchantItemId}
                </Link>
              </span>
            ))}
            : ONTRAPORT records these items as one product. Give this item its own name, or clear it to send the Item ID.
          </p>
        </div>
      )}
      {!admin && <p className="mb-4 text-sm text-zinc-600">You can read this item; only admins can change it.</p>}
      <Card>
        <ItemForm
          readOnly={!admin}
          initial={{
            id: item.id,
            merchantItemId: item.merchantItemId,
            description: item.description,
            price: formatDecimal(item.priceCents),
            kind: item.kind,
            frequency: item.frequency ?? "",
            oapProductid: product,
            oapTags: item.customFields.oapTags ?? "",
            customFields: Object.entries(item.customFields),
          }}
        />
      </Card>
    </>
  );
}
