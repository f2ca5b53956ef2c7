import type { Metadata } from "next";
import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { listAffiliates } from "@/lib/affiliates/queries";
import { PageHeader } from "@/components/ui/page-header";
import { Card, EmptyState } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { ActionsTh, Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { AddAffiliateForm, ApprovalButton } from "./affiliates-client";

export const metadata: Metadata = { title: "Affiliates" };

export default async function AffiliatesPage() {
  const user = await requirePageSession();
  const rows = await listAffiliates(await getDb(), user.merchantId);
  const admin = user.role === "admin";
  return (
    <>
      <PageHeader
        title="Affiliates"
        crumbs={[{ label: "Home", href: "/" }, { label: "Affiliates" }]}
        description={
          <>
            Partners who send shoppers with a link such as <code>/store/{user.merchantId}/DEFAULT?aff=1001</code> (or ONTRAPORT&apos;s <code>?orid=1001&amp;sid=…</code>). The last link a shopper followed in the past 30 days is credited with the order. Signups and approval changes are sent to ONTRAPORT.
          </>
        }
      />
      <div className="space-y-6">
        {rows.length === 0 ? (
          <EmptyState title="No affiliates yet.">Add your first partner below.</EmptyState>
        ) : (
          <Table caption="Affiliates">
            <THead>
              <tr>
                <Th>Affiliate ID</Th>
                <Th>Name</Th>
                <Th>Email</Th>
                <Th>Status</Th>
                <Th className="text-right">Orders credited</Th>
                <Th>Link</Th>
                {admin && <ActionsTh />}
              </tr>
            </THead>
            <TBody>
              {rows.map((a) => (
                <Tr key={a.id}>
                  <Td className="font-mono">{a.id}</Td>
                  <Td>{a.name}</Td>
                  <Td>{a.email}</Td>
                  <Td>{a.approved ? <Badge tone="success">Approved</Badge> : <Badge tone="warning">Waiting for approval</Badge>}</Td>
                  <Td className="text-right tabular-nums" data-testid={`orders-of-${a.id}`}>{a.orderCount}</Td>
                  <Td className="font-mono text-xs">?aff={a.id}</Td>
                  {admin && (
                    <Td className="text-right">
                      <ApprovalButton id={a.id} name={a.name} approved={a.approved} />
                    </Td>
                  )}
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
        {admin ? (
          <Card title="Add an affiliate" id="add-affiliate">
            <AddAffiliateForm />
          </Card>
        ) : (
          <p className="text-sm text-zinc-600">Only admins can add or approve affiliates.</p>
        )}
      </div>
    </>
  );
}
