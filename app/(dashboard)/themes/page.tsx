import type { Metadata } from "next";
import Link from "next/link";
import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { listThemes } from "@/lib/themes/queries";
import { PageHeader } from "@/components/ui/page-header";
import { Card, EmptyState } from "@/components/ui/card";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { AddThemeForm, RenameThemeForm } from "./themes-client";

export const metadata: Metadata = { title: "Themes" };

export default async function ThemesPage() {
  const user = await requirePageSession();
  const rows = await listThemes(await getDb(), user.merchantId);
  const admin = user.role === "admin";
  return (
    <>
      <PageHeader title="Themes" crumbs={[{ label: "Home", href: "/" }, { label: "Themes" }]} description="Each theme is a StoreFront with its own address. The ONTRAPORT Sub-domain of each theme is set on the ONTRAPORT configuration page." />
      <div className="space-y-6">
        {rows.length === 0 ? (
          <EmptyState title="No themes yet.">Add a theme to open a StoreFront.</EmptyState>
        ) : (
          <Table caption="StoreFront themes">
            <THead>
              <tr>
                <Th>Code</Th>
                <Th>Name</Th>
                <Th>StoreFront</Th>
                <Th>ONTRAPORT Sub-domain</Th>
              </tr>
            </THead>
            <TBody>
              {rows.map((t) => (
                <Tr key={t.id}>
                  <Td className="font-mono font-medium">{t.code}</Td>
                  <Td>{admin ? <RenameThemeForm id={t.id} code={t.code} name={t.name} /> : t.name}</Td>
                  <Td>
                    <Link className="text-accent-700 hover:underline" href={`/store/${user.merchantId}/${t.code}`} target="_blank">
                      /store/{user.merchantId}/{t.code}
                    </Link>
                  </Td>
                  <Td>{t.ontraportSubdomain ?? <span className="text-zinc-500">None</span>}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
        {admin ? (
          <Card title="Add a theme" id="add-theme">
            <AddThemeForm />
          </Card>
        ) : (
          <p className="text-sm text-zinc-600">Only admins can add or rename themes.</p>
        )}
      </div>
    </>
  );
}
