import { XMLParser } from "fast-xml-parser";
import { parseMoney } from "@/lib/money";

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false, processEntities: false });

/** Money in cents read from a decimal string in a payload, or null when absent or unreadable. */
function cents(v: unknown): number | null {
  if (typeof v !== "string" && typeof v !== "number") return null;
  return parseMoney(String(v));
}

/**
 * What ONTRAPORT was told about an order, read back from the delivered payloads themselves (not
 * recomputed from today's order): the sale total, and each refund's amount.
 */
export function receivedByOntraport(delivered: Array<{ type: string; payload: string }>): { saleCents: number | null; refundedCents: number } {
  let saleCents: number | null = null;
  let refundedCents = 0;
  for (const t of delivered) {
    let doc: Record<string, unknown>;
    try {
      doc = parser.parse(t.payload) as Record<string, unknown>;
    } catch {
      continue;
    }
    const n = doc.notification as Record<string, unknown> | undefined;
    const order = n?.order as Record<string, unknown> | undefined;
    if (t.type === "sale" && saleCents === null) saleCents = cents(order?.total);
    if (t.type === "refund") refundedCents += cents((order?.refund as Record<string, unknown> | undefined)?.amount) ?? 0;
  }
  return { saleCents, refundedCents };
}
