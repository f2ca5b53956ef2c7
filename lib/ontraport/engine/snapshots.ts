import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { affiliates, autoOrders, items, orderLines, orders, refundLines, refunds, ontraportConfigs } from "@/lib/db/schema";
import { buyerTags } from "../rest/facts";
import type { ApiConfigFacts } from "./eligibility";
import { productNameFor, type AffiliateSnapshot, type AutoOrderStatusSnapshot, type ContactSnapshot, type NotificationHeader, type RefundSnapshot, type SaleSnapshot } from "../xml/payload";

// Reads the current order, refund, auto order or affiliate into the pure snapshots payload.ts builds from.

type OrderRow = typeof orders.$inferSelect;

export async function loadConfigFacts(db: Db, merchantId: string): Promise<ApiConfigFacts | null> {
  const [c] = await db
    .select({ method: ontraportConfigs.method, key: ontraportConfigs.apiKeyCiphertext, enabledAt: ontraportConfigs.enabledAt })
    .from(ontraportConfigs)
    .where(eq(ontraportConfigs.merchantId, merchantId));
  return c ? { method: c.method, hasKey: !!c.key, enabledAt: c.enabledAt } : null;
}

async function affiliateOf(db: Db, merchantId: string, affiliateId: number | null): Promise<ContactSnapshot["affiliate"]> {
  if (affiliateId == null) return null;
  const [a] = await db
    .select({ id: affiliates.id, approved: affiliates.approved })
    .from(affiliates)
    .where(and(eq(affiliates.merchantId, merchantId), eq(affiliates.id, affiliateId)));
  return a ? { id: a.id, approved: a.approved } : null;
}

function contactOf(o: OrderRow, affiliate: ContactSnapshot["affiliate"]): ContactSnapshot {
  return {
    firstName: o.firstName,
    lastName: o.lastName,
    email: o.email,
    company: o.company,
    address1: o.address1,
    address2: o.address2,
    city: o.city,
    state: o.stateRegion,
    zip: o.postalCode,
    country: o.countryCode,
    phone: o.dayPhone,
    affiliate,
  };
}

export async function loadOrder(db: Db, merchantId: string, orderId: string): Promise<OrderRow | null> {
  const [o] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.merchantId, merchantId), eq(orders.id, orderId)));
  return o ?? null;
}

export async function loadSale(db: Db, header: NotificationHeader, order: OrderRow): Promise<SaleSnapshot> {
  const lines = await db
    .select({ line: orderLines, customFields: items.customFields })
    .from(orderLines)
    .leftJoin(items, eq(items.id, orderLines.itemId))
    .where(eq(orderLines.orderId, order.id))
    .orderBy(asc(orderLines.lineNo));
  return {
    ...header,
    order: {
      id: order.id,
      date: order.createdAt,
      currency: order.currency,
      stage: order.currentStage,
      paymentMethod: order.paymentMethod,
      theme: order.themeCode,
      contact: contactOf(order, await affiliateOf(db, order.merchantId, order.affiliateId)),
      lines: lines.map(({ line, customFields }) => ({
        productName: productNameFor(line.merchantItemId, customFields),
        itemId: line.merchantItemId,
        quantity: line.quantity,
        unitPriceCents: line.unitPriceCents,
        discountCents: line.discountCents,
        totalCents: line.totalCents,
      })),
      subtotalCents: order.subtotalCents,
      discountCents: order.discountCents,
      taxCents: order.taxCents,
    },
  };
}

export async function loadRefund(db: Db, header: NotificationHeader, refundId: string): Promise<{ snapshot: RefundSnapshot; order: OrderRow } | null> {
  const [r] = await db
    .select()
    .from(refunds)
    .where(and(eq(refunds.merchantId, header.merchantId), eq(refunds.id, refundId)));
  if (!r) return null;
  const order = await loadOrder(db, header.merchantId, r.orderId);
  if (!order) return null;
  const lines = await db
    .select({ rl: refundLines, line: orderLines, customFields: items.customFields })
    .from(refundLines)
    .innerJoin(orderLines, eq(orderLines.id, refundLines.orderLineId))
    .leftJoin(items, eq(items.id, orderLines.itemId))
    .where(eq(refundLines.refundId, r.id))
    .orderBy(asc(orderLines.lineNo));
  return {
    order,
    snapshot: {
      ...header,
      order: { id: order.id, currency: order.currency, contact: contactOf(order, await affiliateOf(db, order.merchantId, order.affiliateId)) },
      refund: {
        code: r.code,
        date: r.createdAt,
        full: r.full,
        reason: r.reason,
        lines: lines.map(({ rl, line, customFields }) => ({ productName: productNameFor(line.merchantItemId, customFields), itemId: line.merchantItemId, quantity: rl.quantity, totalCents: rl.totalCents })),
        merchandiseCents: r.merchandiseCents,
        taxCents: r.taxCents,
      },
    },
  };
}

export async function loadAutoOrderStatus(
  db: Db,
  header: NotificationHeader,
  autoOrderId: string,
  change: { status?: unknown; previousStatus?: unknown; at: Date },
): Promise<{ snapshot: AutoOrderStatusSnapshot; order: OrderRow } | null> {
  const [a] = await db
    .select({ ao: autoOrders, customFields: items.customFields })
    .from(autoOrders)
    .leftJoin(items, eq(items.id, autoOrders.itemId))
    .where(and(eq(autoOrders.merchantId, header.merchantId), eq(autoOrders.id, autoOrderId)));
  if (!a) return null;
  const order = await loadOrder(db, header.merchantId, a.ao.originalOrderId);
  if (!order) return null;
  const status = typeof change.status === "string" ? change.status : a.ao.status;
  return {
    order,
    snapshot: {
      ...header,
      autoOrder: {
        code: a.ao.code,
        originalOrderId: a.ao.originalOrderId,
        status,
        previousStatus: typeof change.previousStatus === "string" ? change.previousStatus : null,
        date: change.at,
        nextAttempt: a.ao.nextAttemptAt,
        contact: contactOf(order, await affiliateOf(db, order.merchantId, order.affiliateId)),
        purchase: { productName: productNameFor(a.ao.merchantItemId, a.customFields), itemId: a.ao.merchantItemId, quantity: a.ao.quantity, unitPriceCents: a.ao.unitPriceCents, frequency: a.ao.frequency },
      },
    },
  };
}

/** The affiliate's own contact: its name split into first and last at the first space. */
export async function loadAffiliate(db: Db, header: NotificationHeader, affiliateId: number): Promise<AffiliateSnapshot | null> {
  const [a] = await db
    .select()
    .from(affiliates)
    .where(and(eq(affiliates.merchantId, header.merchantId), eq(affiliates.id, affiliateId)));
  if (!a) return null;
  const name = a.name.trim();
  const space = name.indexOf(" ");
  return {
    ...header,
    affiliate: {
      id: a.id,
      contact: {
        firstName: space < 0 ? name : name.slice(0, space),
        lastName: space < 0 ? "" : name.slice(space + 1),
        email: a.email,
        company: "",
        address1: "",
        address2: "",
        city: "",
        state: "",
        zip: "",
        country: "",
        phone: "",
        affiliate: { id: a.id, approved: a.approved },
      },
    },
  };
}

/** REST: the tags a Sale's buyer gets: each item's "ONTRAPORT tags" (custom field `oapTags`) and the store-wide tag. */
export async function loadSaleTags(db: Db, merchantId: string, orderId: string): Promise<string[]> {
  const lines = await db
    .select({ tags: sql<string | null>`${items.customFields} ->> 'oapTags'` })
    .from(orderLines)
    .leftJoin(items, eq(items.id, orderLines.itemId))
    .where(eq(orderLines.orderId, orderId))
    .orderBy(asc(orderLines.lineNo));
  const [c] = await db.select({ tag: ontraportConfigs.tagEveryBuyer }).from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, merchantId));
  return buyerTags(
    lines.map((l) => l.tags),
    c?.tag ?? "",
  );
}
