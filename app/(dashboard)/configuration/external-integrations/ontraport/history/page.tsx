import type { Metadata } from "next";
import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { describeChange, listChangeHistory } from "@/lib/ontraport/config/config";
import { Card } from "@/components/ui/card";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { LocalTime } from "@/components/ontraport/local-time";

export const metadata: Metadata = { title: "Change history · ONTRAPORT" };

/** The Change history tab: the latest 20 changes to the ONTRAPORT configuration, who made them and when. */
export default async function ChangeHistoryPage() {
  const user = await requirePageSession();
  const history = await listChangeHistory(await getDb(), { merchantId: user.merchantId, limit: 20 });
  return (
    <Card id="change-history" title="Change history" description="Who changed the ONTRAPORT configuration, and when: the latest 20 changes. Keys never appear here; a key is identified by its fingerprint.">
      {history.length === 0 ? (
        <p className="text-sm text-zinc-600">No changes yet. Saving the configuration or the Product Mapping records who changed what.</p>
      ) : (
        <Table caption="Change history">
          <THead>
            <tr>
              <Th className="w-44">When</Th>
              <Th className="w-56">Who</Th>
              <Th>Change</Th>
            </tr>
          </THead>
          <TBody>
            {history.map((h) => (
              <Tr key={h.id}>
                <Td className="whitespace-nowrap text-zinc-600">
                  <LocalTime iso={h.at.toISOString()} />
                </Td>
                <Td>{h.who ?? "system"}</Td>
                <Td>{describeChange(h)}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}
