import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { items, merchants, orderLines, orders, themes } from "@/lib/db/schema";
import type { Cart } from "./cart";
import { STORE_CODE } from "@/lib/validation";

const CODE = STORE_CODE;

/** The merchant and theme of a StoreFront URL, or null (the page answers 404). */
export async function findStoreFront(db: Db, merchantId: string, themeCode: string) {
  if (!CODE.test(merchantId) || !CODE.test(themeCode)) return null;
  const [row] = await db
    .select({ merchantId: merchants.id, merchantName: merchants.name, currency: merchants.currency, themeId: themes.id, themeCode: themes.code, themeName: themes.name, ontraportSubdomain: themes.ontraportSubdomain })
    .from(themes)
    .innerJoin(merchants, eq(merchants.id, themes.merchantId))
    .where(and(eq(themes.merchantId, merchantId), eq(themes.code, themeCode)));
  return row ?? null;
}
export type StoreFront = NonNullable<Awaited<ReturnType<typeof findStoreFront>>>;

export async function listCatalog(db: Db, merchantId: string) {
  return db
    .select({ id: items.id, merchantItemId: items.merchantItemId, description: items.description, priceCents: items.priceCents, kind: items.kind, frequency: items.frequency })
    .from(items)
    .where(and(eq(items.merchantId, merchantId), eq(items.inactive, false)))
    .orderBy(asc(items.merchantItemId));
}

/** The cart's lines with current prices; items that are gone or inactive drop out. */
export async function resolveCart(db: Db, merchantId: string, cart: Cart) {
  if (!cart.length) return [];
  const rows = await db
    .select()
    .from(items)
    .where(and(eq(items.merchantId, merchantId), eq(items.inactive, false), inArray(items.merchantItemId, cart.map((l) => l.itemId))));
  return cart.flatMap((l) => {
    const it = rows.find((r) => r.merchantItemId === l.itemId);
    return it ? [{ item: it, quantity: l.quantity }] : [];
  });
}
export type ResolvedCart = Awaited<ReturnType<typeof resolveCart>>;

/** A receipt by its unguessable token, only through the merchant and theme it was bought through. */
export async function findReceipt(db: Db, merchantId: string, themeCode: string, token: string) {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.receiptToken, token), eq(orders.merchantId, merchantId), eq(orders.themeCode, themeCode)));
  if (!order) return null;
  const lines = await db.select().from(orderLines).where(eq(orderLines.orderId, order.id)).orderBy(asc(orderLines.lineNo));
  return { order, lines };
}
