import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { affiliates, autoOrders, items, orders } from "@/lib/db/schema";
import type { FREQUENCIES } from "@/lib/db/schema";
import { UserError } from "@/lib/errors";
import { insertOrder } from "./create";
import { recordEvent } from "./events";
import { isPaid } from "./paid";
import { simulatePayment, tokenizeCard, type PaymentChoice } from "@/lib/store/payments";

function cardOnFile(cardNumber: string): { cardToken: string; cardLast4: string } {
  const { token, last4 } = tokenizeCard(cardNumber);
  return { cardToken: token, cardLast4: last4 };
}
import { priceCart } from "@/lib/store/pricing";
import { describeWait, LIMITS, longestWait, recordFailure, TooManyAttempts } from "@/lib/security/limits";
import type { Cart } from "@/lib/store/cart";

export type Frequency = (typeof FREQUENCIES)[number];

export interface Billing {
  firstName: string;
  lastName: string;
  email: string;
  address1: string;
  city: string;
  stateRegion: string;
  postalCode: string;
  countryCode: string;
  dayPhone: string;
}

export interface CheckoutInput {
  merchantId: string;
  themeCode: string;
  cart: Cart;
  billing: Billing;
  choice: PaymentChoice;
  cardNumber?: string;
  /** Hidden field generated when the checkout page rendered: a resubmission returns the same order. */
  checkoutKey: string;
  affiliate?: { affiliateId: number; subId: string | null } | null;
  now?: Date;
}

export type CheckoutResult = { order: typeof orders.$inferSelect; duplicate: boolean };

/** Adds a frequency to a date (calendar months and years; days for the weekly ones). */
export function addFrequency(from: Date, f: Frequency): Date {
  const d = new Date(from.getTime());
  const days: Partial<Record<Frequency, number>> = { Weekly: 7, "Every 2 Weeks": 14 };
  const months: Partial<Record<Frequency, number>> = { Monthly: 1, "Every 2 Months": 2, Quarterly: 3, "Every 6 Months": 6, Yearly: 12 };
  if (days[f]) d.setUTCDate(d.getUTCDate() + days[f]!);
  else d.setUTCMonth(d.getUTCMonth() + (months[f] ?? 1));
  return d;
}

const CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export function newAutoOrderCode(): string {
  const b = randomBytes(5);
  return `AO-${Array.from(b, (x) => CODE_CHARS[x % CODE_CHARS.length]).join("")}`;
}

async function existingByKey(db: Db, merchantId: string, checkoutKey: string) {
  const [o] = await db.select().from(orders).where(and(eq(orders.merchantId, merchantId), eq(orders.checkoutKey, checkoutKey)));
  return o ?? null;
}

function isUniqueViolation(e: unknown): boolean {
  for (let cur: unknown = e; cur; cur = (cur as { cause?: unknown }).cause) {
    if ((cur as { code?: string }).code === "23505") return true;
  }
  return false;
}

/**
 * placeOrder behind the card-testing limits: declined or invalid cards are counted per client address
 * and per store (in the database, shared by every process); past the free ones a card checkout waits,
 * longer after each further decline, and throws TooManyAttempts (429) meanwhile. Other payment
 * methods are never held up.
 */
export async function placeOrderLimited(db: Db, input: CheckoutInput & { client: string }): Promise<CheckoutResult> {
  const checks: Array<[typeof LIMITS.checkoutClient | typeof LIMITS.checkoutStore, string]> = [
    [LIMITS.checkoutClient, input.client],
    [LIMITS.checkoutStore, input.merchantId],
  ];
  if (input.choice === "card") {
    const wait = await longestWait(db, checks);
    if (wait) throw new TooManyAttempts(wait, `Too many declined cards. Nothing was charged. Wait ${describeWait(wait)}, then try again, or choose another payment method.`);
  }
  try {
    return await placeOrder(db, input);
  } catch (e) {
    if (e instanceof UserError && e.field === "cardNumber") for (const [rule, id] of checks) await recordFailure(db, rule, id);
    throw e;
  }
}

/**
 * Places a StoreFront order in one transaction: prices the cart from the database, simulates the
 * payment (a declined card throws a UserError on `cardNumber` and writes nothing), creates the
 * order via insertOrder, and an auto order for each recurring line. Idempotent per checkout key.
 */
export async function placeOrder(db: Db, input: CheckoutInput): Promise<CheckoutResult> {
  const prior = await existingByKey(db, input.merchantId, input.checkoutKey);
  if (prior) return { order: prior, duplicate: true };
  if (!input.cart.length) throw new UserError("Your cart is empty. Add an item before checking out.", "cart");
  try {
    return await db.transaction(async (tx) => {
      const rows = await tx.select().from(items).where(and(eq(items.merchantId, input.merchantId), eq(items.inactive, false)));
      const lines = input.cart.map((l) => {
        const it = rows.find((r) => r.merchantItemId === l.itemId);
        if (!it) throw new UserError(`Item ${l.itemId} is no longer for sale. Remove it from your cart.`, "cart");
        return { item: it, quantity: l.quantity };
      });
      const outcome = simulatePayment({
        choice: input.choice,
        cardNumber: input.cardNumber,
        hasPreorder: lines.some((l) => l.item.kind === "preorder"),
        hasRecurring: lines.some((l) => l.item.kind === "recurring"),
      });
      if (!outcome.ok) throw new UserError(outcome.message, outcome.field, 422);
      const price = priceCart(lines.map((l) => ({ unitPriceCents: l.item.priceCents, quantity: l.quantity })));
      let affiliateId: number | null = null;
      let affiliateSubId: string | null = null;
      if (input.affiliate) {
        const [a] = await tx.select({ id: affiliates.id }).from(affiliates).where(and(eq(affiliates.id, input.affiliate.affiliateId), eq(affiliates.merchantId, input.merchantId)));
        if (a) {
          affiliateId = a.id;
          affiliateSubId = input.affiliate.subId;
        }
      }
      const now = input.now ?? new Date();
      const b = input.billing;
      const order = await insertOrder(tx, {
        merchantId: input.merchantId,
        themeCode: input.themeCode,
        stage: outcome.stage,
        paymentStatus: outcome.paymentStatus,
        paymentMethod: outcome.paymentMethod,
        cardLast4: outcome.cardLast4,
        checkoutKey: input.checkoutKey,
        affiliateId,
        affiliateSubId,
        ...b,
        shipToFirstName: b.firstName,
        shipToLastName: b.lastName,
        shipToAddress1: b.address1,
        shipToCity: b.city,
        shipToStateRegion: b.stateRegion,
        shipToPostalCode: b.postalCode,
        shipToCountryCode: b.countryCode,
        shippingMethod: "Standard",
        taxCents: price.taxCents,
        shippingHandlingCents: price.shippingHandlingCents,
        byLabel: "Shopper",
        now,
        lines: lines.map((l) => ({
          itemId: l.item.id,
          merchantItemId: l.item.merchantItemId,
          description: l.item.description,
          quantity: l.quantity,
          unitPriceCents: l.item.priceCents,
          frequency: l.item.kind === "recurring" ? l.item.frequency : null,
        })),
      });
      const paid = isPaid(outcome.stage, outcome.paymentStatus);
      for (const l of lines) {
        if (l.item.kind !== "recurring" || !l.item.frequency) continue;
        const [ao] = await tx
          .insert(autoOrders)
          .values({
            code: newAutoOrderCode(),
            merchantId: input.merchantId,
            originalOrderId: order.id,
            status: "active",
            itemId: l.item.id,
            merchantItemId: l.item.merchantItemId,
            quantity: l.quantity,
            unitPriceCents: l.item.priceCents,
            frequency: l.item.frequency,
            nextAttemptAt: addFrequency(now, l.item.frequency),
            // Only the last four digits and the processor's token are kept (never the number).
            ...cardOnFile(input.cardNumber ?? ""),
            createdAt: now,
            updatedAt: now,
          })
          .returning({ id: autoOrders.id });
        if (paid) await recordEvent(tx, { merchantId: input.merchantId, type: "auto_order.status_changed", subjectId: ao!.id, payload: { status: "active", previousStatus: null } });
      }
      return { order, duplicate: false };
    });
  } catch (e) {
    // Two submissions raced past the lookup: the loser answers with the winner's order.
    if (isUniqueViolation(e)) {
      const winner = await existingByKey(db, input.merchantId, input.checkoutKey);
      if (winner) return { order: winner, duplicate: true };
    }
    throw e;
  }
}
