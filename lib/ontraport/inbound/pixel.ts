import { and, eq, isNull, sql } from "drizzle-orm";
import { effectiveName } from "@/lib/items/product-name";
import type { Db } from "@/lib/db/client";
import { items, ontraportConfigs, orderLines, orders, themes, transmissions } from "@/lib/db/schema";
import { formatDecimal } from "@/lib/money";
import { isPaid } from "@/lib/orders/paid";

const LABEL = "(?!-)[a-z0-9-]{1,63}(?<!-)";
const DNS_HOST = new RegExp(`^(?=.{1,253}$)${LABEL}(\\.${LABEL})*\\.[a-z]{2,63}$`);
const LOCAL_HOST = /^(localhost|127\.0\.0\.1)(:\d{1,5})?$/;

/**
 * Whether a stored ONTRAPORT sub-domain may be used in a pixel URL and a CSP. Checked again at render
 * time, so a bad value saved by any path can never inject markup, script or another scheme.
 */
export function isPixelHost(host: string, allowLocal: boolean): boolean {
  if (DNS_HOST.test(host)) return true;
  return allowLocal && LOCAL_HOST.test(host);
}

/** The origin images may come from: https, or http for the local simulator when allowed. */
export function pixelOrigin(host: string, allowLocal: boolean): string | null {
  if (!isPixelHost(host, allowLocal)) return null;
  return `${LOCAL_HOST.test(host) ? "http" : "https"}://${host}`;
}

export interface PixelLine {
  /** The ONTRAPORT Product Name (`oapProductid`), else the Item ID. */
  productName: string;
  /** Line total after discount, in cents. */
  totalCents: number;
}

/**
 * The conversion pixel URL, per the protocol's pixel section: order_id, email, item_id_N and
 * item_price_N from 1, tax, shipping_amt; every value encoded by URLSearchParams.
 */
export function buildPixelUrl(input: { host: string; allowLocal: boolean; orderId: string; email: string; lines: PixelLine[]; taxCents: number; shippingCents: number }): string | null {
  const origin = pixelOrigin(input.host, input.allowLocal);
  if (!origin) return null;
  const q = new URLSearchParams();
  q.set("order_id", input.orderId);
  q.set("email", input.email);
  input.lines.forEach((l, i) => {
    q.set(`item_id_${i + 1}`, l.productName);
    q.set(`item_price_${i + 1}`, formatDecimal(l.totalCents));
  });
  q.set("tax", formatDecimal(input.taxCents));
  q.set("shipping_amt", formatDecimal(input.shippingCents));
  return `${origin}/p?${q.toString()}`;
}

/** Content-Security-Policy of a StoreFront theme's pages: images from itself, data: and the theme's ONTRAPORT host only. */
export function storeFrontCsp(host: string | null, allowLocal: boolean): string {
  const origin = host ? pixelOrigin(host, allowLocal) : null;
  return `img-src 'self' data:${origin ? ` ${origin}` : ""}`;
}

/**
 * Fires the conversion pixel of a receipt at most once: when the order is paid, the merchant uses
 * the Partner Tracking Pixel method and the order's theme has a valid sub-domain. In one transaction
 * it claims the order (`pixel_fired_at` set only if still null) and records a Conversion Pixel
 * transmission; only the request that won the claim gets the URL to render.
 */
export async function firePixelOnce(db: Db, { merchantId, orderId, allowLocal, now = new Date() }: { merchantId: string; orderId: string; allowLocal: boolean; now?: Date }): Promise<string | null> {
  const [order] = await db.select().from(orders).where(and(eq(orders.id, orderId), eq(orders.merchantId, merchantId)));
  if (!order || order.pixelFiredAt || !isPaid(order.currentStage, order.paymentStatus)) return null;
  const [cfg] = await db.select({ method: ontraportConfigs.method }).from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, merchantId));
  if (cfg?.method !== "pixel") return null;
  const [theme] = await db.select({ host: themes.ontraportSubdomain }).from(themes).where(and(eq(themes.merchantId, merchantId), eq(themes.code, order.themeCode)));
  if (!theme?.host) return null;
  const lines = await db
    .select({ merchantItemId: orderLines.merchantItemId, totalCents: orderLines.totalCents, productName: sql<string | null>`${items.customFields} ->> 'oapProductid'` })
    .from(orderLines)
    .leftJoin(items, and(eq(items.id, orderLines.itemId), eq(items.merchantId, merchantId)))
    .where(eq(orderLines.orderId, order.id))
    .orderBy(orderLines.lineNo);
  const url = buildPixelUrl({
    host: theme.host,
    allowLocal,
    orderId: order.id,
    email: order.email,
    lines: lines.map((l) => ({ productName: effectiveName(l.merchantItemId, l.productName), totalCents: l.totalCents })),
    taxCents: order.taxCents,
    shippingCents: order.shippingHandlingCents,
  });
  if (!url) return null;
  return db.transaction(async (tx) => {
    const won = await tx
      .update(orders)
      .set({ pixelFiredAt: now })
      .where(and(eq(orders.id, order.id), isNull(orders.pixelFiredAt)))
      .returning({ id: orders.id });
    if (!won.length) return null;
    await tx.insert(transmissions).values({
      merchantId,
      type: "conversion_pixel",
      direction: "outbound",
      orderId: order.id,
      description: `Conversion Pixel ${order.id}, ${lines.length} ${lines.length === 1 ? "item" : "items"}`,
      email: order.email,
      payload: url,
      status: "delivered",
      attempts: 1,
      idempotencyKey: `pixel:${order.id}`,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
      deliveredAt: now,
    });
    return url;
  });
}
