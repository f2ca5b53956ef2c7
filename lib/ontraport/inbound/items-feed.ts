import { randomUUID } from "node:crypto";
import { and, asc, count, eq } from "drizzle-orm";
import { XMLBuilder } from "fast-xml-parser";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { items, merchants, ontraportConfigs, transmissions } from "@/lib/db/schema";
import { formatDecimal } from "@/lib/money";
import { safeEqual, sha256Hex } from "../config/crypto";
import { cleanXmlValue, productNameFor } from "../xml/payload";
import { plainId } from "@/lib/validation";

// ONTRAPORT's item poll: GET /api/ontraport/items?key=…[&item_id=][&page=&per_page≤500], answered in XML.

export const itemPollParams = z.object({
  item_id: plainId(200, "item_id must be a printable item ID of at most 200 characters.").optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(100),
});

export interface ItemPollAnswer {
  status: 200 | 400 | 401 | 404;
  xml: string;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: true, indentBy: "  ", suppressEmptyNode: true, suppressBooleanAttributes: false, processEntities: true });

function xmlDoc(body: Record<string, unknown>): string {
  return (builder.build({ "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" }, ...body }) as string).trimEnd() + "\n";
}

export function errorXml(message: string): string {
  return xmlDoc({ error: cleanXmlValue(message) });
}

/** The merchant whose polling key this is, compared in constant time; null when none. */
export async function merchantForPollingKey(db: Db, key: string): Promise<string | null> {
  const hash = sha256Hex(key);
  const [c] = await db.select({ merchantId: ontraportConfigs.merchantId, hash: ontraportConfigs.pollingKeyHash }).from(ontraportConfigs).where(eq(ontraportConfigs.pollingKeyHash, hash));
  return c?.hash && safeEqual(c.hash, hash) ? c.merchantId : null;
}

/**
 * Answers one poll and records it in the Transmission Log as an inbound `Fetch Items` entry whose
 * payload is the request without the key, plus what was answered.
 */
export async function answerItemPoll(db: Db, input: { key: string | null; query: Record<string, string>; path: string; now?: Date }): Promise<ItemPollAnswer> {
  if (!input.key) return { status: 401, xml: errorXml("Missing polling key: pass ?key= or the X-Api-Key header") };
  const merchantId = await merchantForPollingKey(db, input.key);
  if (!merchantId) return { status: 401, xml: errorXml("Invalid polling key") };
  const parsed = itemPollParams.safeParse(input.query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { status: 400, xml: errorXml(`Invalid ${issue.path.join(".") || "parameter"}: ${issue.message}`) };
  }
  const { item_id: itemId, page, per_page: perPage } = parsed.data;
  const [m] = await db.select({ currency: merchants.currency }).from(merchants).where(eq(merchants.id, merchantId));
  const where = itemId ? and(eq(items.merchantId, merchantId), eq(items.merchantItemId, itemId)) : eq(items.merchantId, merchantId);
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(items).where(where);
  const rows = await db
    .select()
    .from(items)
    .where(where)
    .orderBy(asc(items.merchantItemId))
    .limit(perPage)
    .offset((page - 1) * perPage);

  const shown = Object.entries({ ...input.query, key: undefined })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  const requestLine = `GET ${input.path}${shown ? `?${shown}` : ""}`;
  let answer: ItemPollAnswer;
  let summary: string;
  if (itemId && total === 0) {
    answer = { status: 404, xml: errorXml(`Unknown item: ${itemId}`) };
    summary = `Fetch Items: ${itemId} (unknown item)`;
  } else {
    answer = {
      status: 200,
      xml: xmlDoc({
        items: {
          "@_merchant": merchantId,
          "@_page": String(page),
          "@_per_page": String(perPage),
          "@_total": String(total),
          item: rows.map((it) => ({
            "@_id": cleanXmlValue(it.merchantItemId),
            "@_product_name": cleanXmlValue(productNameFor(it.merchantItemId, it.customFields)),
            "@_active": it.inactive ? "false" : "true",
            "@_currency": m?.currency ?? "USD",
            "@_price": formatDecimal(it.priceCents),
            description: cleanXmlValue(it.description),
          })),
        },
      }),
    };
    summary = itemId ? `Fetch Items: ${itemId}` : `Fetch Items: page ${page}, ${rows.length} of ${total} items`;
  }
  const now = input.now ?? new Date();
  await db.insert(transmissions).values({
    merchantId,
    type: "fetch_items",
    direction: "inbound",
    description: summary,
    payload: `${requestLine}\n\n${summary} (answered ${answer.status})`,
    status: answer.status === 200 ? "delivered" : "failed",
    lastStatusCode: answer.status,
    lastError: answer.status === 200 ? null : summary,
    attempts: 1,
    idempotencyKey: `fetch_items:${randomUUID()}`,
    createdAt: now,
    updatedAt: now,
    deliveredAt: answer.status === 200 ? now : null,
  });
  return answer;
}
