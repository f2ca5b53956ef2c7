import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { autoOrders, items, orderLines, orders, type AUTO_ORDER_STATUSES, type FREQUENCIES } from "@/lib/db/schema";
import { NotFoundError, UserError } from "@/lib/errors";
import { mulDivRoundHalfUp } from "@/lib/money";
import { insertOrder } from "./create";
import { recordEvent } from "./events";
import type { Actor } from "./stages";
import { chargeToken, TEST_CARDS, tokenizeCard } from "@/lib/store/payments";
import { recordAudit } from "@/lib/audit";

export type AutoOrderStatus = (typeof AUTO_ORDER_STATUSES)[number];
export type Frequency = (typeof FREQUENCIES)[number];
type AutoOrder = typeof autoOrders.$inferSelect;

/** Failed rebills in a row after which the auto order is terminated. */
export const MAX_CARD_ATTEMPTS = 3;
/** A declined rebill is tried again this long after the decline. */
export const RETRY_AFTER_MS = 3 * 24 * 3600_000;
/** The simulated gateway declines this card and approves every other. */
export const DECLINED_TEST_CARD = TEST_CARDS.declined;

export const CANCEL_REASONS = {
  customer: { status: "cancelled", label: "Customer request", byUser: true },
  merchant: { status: "cancelled", label: "Cancelled by merchant", byUser: false },
  upgrade: { status: "cancelled upgrade", label: "Upgraded to another plan", byUser: true },
  downgrade: { status: "cancelled downgrade", label: "Downgraded to another plan", byUser: true },
} as const satisfies Record<string, { status: AutoOrderStatus; label: string; byUser: boolean }>;
export type CancelReason = keyof typeof CANCEL_REASONS;

/** Statuses that rebill. The others have ended (until reactivated). */
export const BILLING_STATUSES: readonly AutoOrderStatus[] = ["active", "card declined"];

/** The simulated charge of the card on file: the processor's token decides. No network. */
export function chargeCard(card: { cardToken: string; cardLast4: string }): { approved: true } | { approved: false; reason: string } {
  return chargeToken(card.cardToken).approved ? { approved: true } : { approved: false, reason: `Card ending ${card.cardLast4} declined by issuer` };
}

export function last4(cardNumber: string): string {
  return cardNumber.replace(/\D/g, "").slice(-4);
}

const MONTHS: Partial<Record<Frequency, number>> = { Monthly: 1, "Every 2 Months": 2, Quarterly: 3, "Every 6 Months": 6, Yearly: 12 };

/** The next rebill after `from`. Months keep the day of month, or the month's last day when it is shorter. */
export function nextAttemptAfter(from: Date, frequency: Frequency): Date {
  if (frequency === "Weekly") return new Date(from.getTime() + 7 * 86_400_000);
  if (frequency === "Every 2 Weeks") return new Date(from.getTime() + 14 * 86_400_000);
  const months = MONTHS[frequency] ?? 1;
  const d = new Date(from.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

/** What a decline does to an auto order, pure. */
export function afterDecline(ao: Pick<AutoOrder, "creditCardAttempt">, now: Date) {
  const attempt = ao.creditCardAttempt + 1;
  return attempt >= MAX_CARD_ATTEMPTS
    ? { status: "terminated" as const, creditCardAttempt: attempt, nextAttemptAt: null, disabledAt: now }
    : { status: "card declined" as const, creditCardAttempt: attempt, nextAttemptAt: new Date(now.getTime() + RETRY_AFTER_MS), disabledAt: null };
}

async function statusChanged(tx: Db, ao: AutoOrder, status: AutoOrderStatus): Promise<void> {
  if (status === ao.status) return;
  await recordEvent(tx, { merchantId: ao.merchantId, type: "auto_order.status_changed", subjectId: ao.id, payload: { status, previousStatus: ao.status } });
}

async function lockAutoOrder(tx: Db, merchantId: string, autoOrderId: string): Promise<AutoOrder> {
  const [ao] = await tx
    .select()
    .from(autoOrders)
    .where(and(eq(autoOrders.id, autoOrderId), eq(autoOrders.merchantId, merchantId)))
    .for("update");
  if (!ao) throw new NotFoundError("No such auto order.");
  return ao;
}

export type RebillResult =
  | { outcome: "approved"; autoOrder: AutoOrder; orderId: string }
  | { outcome: "declined"; autoOrder: AutoOrder; reason: string };

/**
 * Charges the card on file of a locked auto order and records the result, inside `tx`.
 * Approved: a new paid order (Shipping Department, Processed) for the recurring item, with the
 * original order's billing and shipping and its tax rate, and the schedule moves on. Declined:
 * `card declined`, retried in 3 days; the third decline in a row terminates the auto order.
 */
async function rebillLocked(tx: Db, ao: AutoOrder, by: Actor, now: Date): Promise<RebillResult> {
  if (!BILLING_STATUSES.includes(ao.status)) throw new UserError(`This auto order is ${ao.status}; reactivate it before rebilling.`, undefined, 409);
  const charge = chargeCard(ao);
  if (!charge.approved) {
    const next = afterDecline(ao, now);
    const [updated] = await tx
      .update(autoOrders)
      .set({ ...next, failureReason: charge.reason, updatedAt: now })
      .where(eq(autoOrders.id, ao.id))
      .returning();
    await statusChanged(tx, ao, next.status);
    return { outcome: "declined", autoOrder: updated!, reason: charge.reason };
  }
  const [original] = await tx.select().from(orders).where(eq(orders.id, ao.originalOrderId));
  if (!original) throw new Error(`auto order ${ao.id} lost its original order`);
  const [item] = ao.itemId ? await tx.select().from(items).where(eq(items.id, ao.itemId)) : [];
  const [originalLine] = await tx
    .select()
    .from(orderLines)
    .where(and(eq(orderLines.orderId, original.id), eq(orderLines.merchantItemId, ao.merchantItemId)))
    .limit(1);
  const subtotal = ao.unitPriceCents * ao.quantity;
  const originalMerchandise = original.subtotalCents - original.discountCents;
  const order = await insertOrder(tx, {
    merchantId: ao.merchantId,
    autoOrderId: ao.id,
    stage: "Shipping Department",
    paymentStatus: "Processed",
    paymentMethod: "Credit Card",
    currency: original.currency,
    themeCode: original.themeCode,
    affiliateId: original.affiliateId,
    affiliateSubId: original.affiliateSubId,
    firstName: original.firstName,
    lastName: original.lastName,
    company: original.company,
    address1: original.address1,
    address2: original.address2,
    city: original.city,
    stateRegion: original.stateRegion,
    postalCode: original.postalCode,
    countryCode: original.countryCode,
    email: original.email,
    dayPhone: original.dayPhone,
    shipToFirstName: original.shipToFirstName,
    shipToLastName: original.shipToLastName,
    shipToAddress1: original.shipToAddress1,
    shipToAddress2: original.shipToAddress2,
    shipToCity: original.shipToCity,
    shipToStateRegion: original.shipToStateRegion,
    shipToPostalCode: original.shipToPostalCode,
    shipToCountryCode: original.shipToCountryCode,
    shippingMethod: original.shippingMethod,
    // Same tax rate as the order that started the subscription.
    taxCents: originalMerchandise > 0 ? mulDivRoundHalfUp(original.taxCents, subtotal, originalMerchandise) : 0,
    shippingHandlingCents: 0,
    cardLast4: ao.cardLast4,
    byLabel: by.label,
    byUserId: by.userId,
    now,
    lines: [
      {
        itemId: ao.itemId,
        merchantItemId: ao.merchantItemId,
        description: item?.description ?? originalLine?.description ?? ao.merchantItemId,
        quantity: ao.quantity,
        unitPriceCents: ao.unitPriceCents,
        frequency: ao.frequency,
      },
    ],
  });
  const [updated] = await tx
    .update(autoOrders)
    .set({ status: "active", creditCardAttempt: 0, failureReason: null, nextAttemptAt: nextAttemptAfter(now, ao.frequency), updatedAt: now })
    .where(eq(autoOrders.id, ao.id))
    .returning();
  await statusChanged(tx, ao, "active");
  return { outcome: "approved", autoOrder: updated!, orderId: order.id };
}

/** `Rebill now`: charges an active or declined auto order at once, whatever its schedule. */
export async function rebillNow(db: Db, input: { merchantId: string; autoOrderId: string; by: Actor; now?: Date }): Promise<RebillResult> {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => rebillLocked(tx, await lockAutoOrder(tx, input.merchantId, input.autoOrderId), input.by, now));
}

export interface RebillRun {
  attempted: number;
  approved: number;
  declined: number;
  terminated: number;
  orderIds: string[];
}

/**
 * The scheduler step: rebills every auto order (of every merchant) whose next attempt is due at
 * `now`, each in its own transaction. Rows are claimed with SKIP LOCKED, so several workers can
 * run it at once without charging anyone twice. Stops after `limit` attempts.
 */
export async function runDueRebills(db: Db, opts: { now?: Date; limit?: number } = {}): Promise<RebillRun> {
  const now = opts.now ?? new Date();
  const limit = opts.limit ?? 500;
  const run: RebillRun = { attempted: 0, approved: 0, declined: 0, terminated: 0, orderIds: [] };
  while (run.attempted < limit) {
    const result = await db.transaction(async (tx) => {
      const [due] = await tx
        .select()
        .from(autoOrders)
        .where(and(inArray(autoOrders.status, ["active", "card declined"]), lte(autoOrders.nextAttemptAt, now)))
        .orderBy(asc(autoOrders.nextAttemptAt))
        .limit(1)
        .for("update", { skipLocked: true });
      return due ? rebillLocked(tx, due, { userId: null, label: "System" }, now) : null;
    });
    if (!result) break;
    run.attempted += 1;
    if (result.outcome === "approved") {
      run.approved += 1;
      run.orderIds.push(result.orderId);
    } else if (result.autoOrder.status === "terminated") run.terminated += 1;
    else run.declined += 1;
  }
  return run;
}

/** Staff cancel an auto order, giving the reason; no further rebills. */
export async function cancelAutoOrder(db: Db, input: { merchantId: string; autoOrderId: string; reason: CancelReason; by: Actor; now?: Date }): Promise<AutoOrder> {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const ao = await lockAutoOrder(tx, input.merchantId, input.autoOrderId);
    if (!BILLING_STATUSES.includes(ao.status)) throw new UserError(`This auto order is already ${ao.status}.`, undefined, 409);
    const r = CANCEL_REASONS[input.reason];
    const [updated] = await tx
      .update(autoOrders)
      .set({ status: r.status, cancelReason: r.label, canceledAt: now, canceledByUser: r.byUser, nextAttemptAt: null, updatedAt: now })
      .where(eq(autoOrders.id, ao.id))
      .returning();
    await statusChanged(tx, ao, r.status);
    await recordAudit(tx, { merchantId: input.merchantId, userId: input.by.userId, action: "auto_order.cancelled", target: `Auto order ${ao.code}`, detail: { reason: r.label }, at: now });
    return updated!;
  });
}

/** Staff reactivate a cancelled or terminated auto order: it bills again one period from now. */
export async function reactivateAutoOrder(db: Db, input: { merchantId: string; autoOrderId: string; by: Actor; now?: Date }): Promise<AutoOrder> {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const ao = await lockAutoOrder(tx, input.merchantId, input.autoOrderId);
    if (BILLING_STATUSES.includes(ao.status)) throw new UserError(`This auto order is ${ao.status}, not cancelled or terminated.`, undefined, 409);
    const [updated] = await tx
      .update(autoOrders)
      .set({
        status: "active",
        canceledAt: null,
        canceledByUser: false,
        cancelReason: null,
        disabledAt: null,
        failureReason: null,
        creditCardAttempt: 0,
        nextAttemptAt: nextAttemptAfter(now, ao.frequency),
        updatedAt: now,
      })
      .where(eq(autoOrders.id, ao.id))
      .returning();
    await statusChanged(tx, ao, "active");
    await recordAudit(tx, { merchantId: input.merchantId, userId: input.by.userId, action: "auto_order.reactivated", target: `Auto order ${ao.code}`, at: now });
    return updated!;
  });
}

/** Replaces the (simulated) card on file; the next rebill charges it. Only the last four digits are logged. */
export async function updateCardOnFile(db: Db, input: { merchantId: string; autoOrderId: string; cardNumber: string; by: Actor; now?: Date }): Promise<AutoOrder> {
  const digits = input.cardNumber.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(digits)) throw new UserError("Enter a card number of 12 to 19 digits.", "cardNumber");
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const ao = await lockAutoOrder(tx, input.merchantId, input.autoOrderId);
    const [updated] = await tx.update(autoOrders).set({ cardToken: tokenizeCard(digits).token, cardLast4: last4(digits), updatedAt: now }).where(eq(autoOrders.id, ao.id)).returning();
    await recordAudit(tx, { merchantId: input.merchantId, userId: input.by.userId, action: "auto_order.card_updated", target: `Auto order ${ao.code}`, detail: { last4: last4(digits) }, at: now });
    return updated!;
  });
}

export interface AutoOrderRow {
  id: string;
  code: string;
  status: AutoOrderStatus;
  merchantItemId: string;
  itemDescription: string | null;
  quantity: number;
  unitPriceCents: number;
  frequency: Frequency;
  nextAttemptAt: Date | null;
  failureReason: string | null;
  creditCardAttempt: number;
  cardLast4: string;
  cancelReason: string | null;
  originalOrderId: string;
  customerName: string;
  email: string;
  rebillCount: number;
  createdAt: Date;
}

/** The merchant's auto orders, newest first, with the customer of the original order. */
export async function listAutoOrders(db: Db, input: { merchantId: string; limit?: number }): Promise<AutoOrderRow[]> {
  const rows = await db
    .select({
      ao: autoOrders,
      firstName: orders.firstName,
      lastName: orders.lastName,
      email: orders.email,
      itemDescription: items.description,
      rebillCount: sql<number>`(select count(*)::int from ${orders} r where r.auto_order_id = ${autoOrders.id})`,
    })
    .from(autoOrders)
    .innerJoin(orders, eq(orders.id, autoOrders.originalOrderId))
    .leftJoin(items, eq(items.id, autoOrders.itemId))
    .where(eq(autoOrders.merchantId, input.merchantId))
    .orderBy(sql`${autoOrders.createdAt} desc`, sql`${autoOrders.id} desc`)
    .limit(input.limit ?? 500);
  return rows.map((r) => ({
    id: r.ao.id,
    code: r.ao.code,
    status: r.ao.status,
    merchantItemId: r.ao.merchantItemId,
    itemDescription: r.itemDescription,
    quantity: r.ao.quantity,
    unitPriceCents: r.ao.unitPriceCents,
    frequency: r.ao.frequency,
    nextAttemptAt: r.ao.nextAttemptAt,
    failureReason: r.ao.failureReason,
    creditCardAttempt: r.ao.creditCardAttempt,
    cardLast4: r.ao.cardLast4,
    cancelReason: r.ao.cancelReason,
    originalOrderId: r.ao.originalOrderId,
    customerName: `${r.firstName} ${r.lastName}`.trim(),
    email: r.email,
    rebillCount: Number(r.rebillCount),
    createdAt: r.ao.createdAt,
  }));
}
