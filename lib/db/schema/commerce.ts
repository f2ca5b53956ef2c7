import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { merchants, users } from "./core";
import { FREQUENCIES } from "./frequencies";

// Money is stored as integer cents (exact); lib/money formats it as a two-place decimal string.

export const itemKind = pgEnum("item_kind", ["standard", "recurring", "preorder"]);
export { FREQUENCIES };
export const frequency = pgEnum("auto_order_frequency", FREQUENCIES);

export const items = pgTable(
  "items",
  {
    id: uuid().primaryKey().defaultRandom(),
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    /** The Item ID merchants see; unique per merchant. */
    merchantItemId: text().notNull(),
    description: text().notNull().default(""),
    priceCents: integer().notNull(),
    kind: itemKind().notNull().default("standard"),
    frequency: frequency(),
    inactive: boolean().notNull().default(false),
    /** Custom fields, copied on Duplicate. `oapProductid` is the ONTRAPORT Product Name mapping. */
    customFields: jsonb().$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("items_merchant_item_uq").on(t.merchantId, t.merchantItemId),
    index("items_merchant_oap_idx").on(t.merchantId, sql`(${t.customFields} ->> 'oapProductid')`),
  ],
);

export const themes = pgTable(
  "themes",
  {
    id: uuid().primaryKey().defaultRandom(),
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    /** `DEFAULT`, `HOLIDAY`: used in StoreFront URLs. */
    code: text().notNull(),
    name: text().notNull(),
    /** Host of ONTRAPORT's conversion URL for this theme (Partner Tracking Pixel method). */
    ontraportSubdomain: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("themes_merchant_code_uq").on(t.merchantId, t.code)],
);

export const affiliates = pgTable(
  "affiliates",
  {
    /** The numeric affiliate id used in `?aff=` links and sent to ONTRAPORT as AffiliateId. */
    id: integer().primaryKey().generatedByDefaultAsIdentity({ startWith: 1001 }),
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    name: text().notNull(),
    email: text().notNull(),
    approved: boolean().notNull().default(false),
    approvedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("affiliates_merchant_idx").on(t.merchantId)],
);

export const ORDER_STAGES = [
  "Accounts Receivable",
  "Pending Clearance",
  "Fraud Review",
  "Rejected",
  "Shipping Department",
  "Completed Order",
  "Quote Request",
  "Quote Sent",
  "Pre-ordered",
  "Hold",
] as const;
export const orderStage = pgEnum("order_stage", ORDER_STAGES);

export const PAYMENT_STATUSES = ["Unprocessed", "Authorized", "Processed", "Declined", "Voided", "Refunded"] as const;
export const paymentStatus = pgEnum("payment_status", PAYMENT_STATUSES);

export const PAYMENT_METHODS = ["Credit Card", "PayPal", "eCheck", "Purchase Order", "Quote Request", "Wire Transfer"] as const;
export const paymentMethod = pgEnum("payment_method", PAYMENT_METHODS);

export const orders = pgTable(
  "orders",
  {
    /** `DEMO-0000123`: merchant id, then the merchant's sequence. */
    id: text().primaryKey(),
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    currentStage: orderStage().notNull(),
    paymentStatus: paymentStatus().notNull(),
    paymentMethod: paymentMethod().notNull(),
    currency: text().notNull().default("USD"),
    themeCode: text().notNull(),
    affiliateId: integer().references(() => affiliates.id),
    affiliateSubId: text(),
    /** Set when this order is a rebill of an auto order. */
    autoOrderId: uuid(),
    // Billing
    firstName: text().notNull().default(""),
    lastName: text().notNull().default(""),
    company: text().notNull().default(""),
    address1: text().notNull().default(""),
    address2: text().notNull().default(""),
    city: text().notNull().default(""),
    stateRegion: text().notNull().default(""),
    postalCode: text().notNull().default(""),
    countryCode: text().notNull().default(""),
    email: text().notNull(),
    dayPhone: text().notNull().default(""),
    // Shipping
    shipToFirstName: text().notNull().default(""),
    shipToLastName: text().notNull().default(""),
    shipToAddress1: text().notNull().default(""),
    shipToAddress2: text().notNull().default(""),
    shipToCity: text().notNull().default(""),
    shipToStateRegion: text().notNull().default(""),
    shipToPostalCode: text().notNull().default(""),
    shipToCountryCode: text().notNull().default(""),
    shippingMethod: text().notNull().default(""),
    // Money, in cents
    subtotalCents: integer().notNull(),
    discountCents: integer().notNull().default(0),
    taxCents: integer().notNull().default(0),
    shippingHandlingCents: integer().notNull().default(0),
    totalCents: integer().notNull(),
    subtotalRefundedCents: integer().notNull().default(0),
    taxRefundedCents: integer().notNull().default(0),
    shippingHandlingRefundedCents: integer().notNull().default(0),
    totalRefundedCents: integer().notNull().default(0),
    /** Last four digits of the card, for display and for rebills of auto orders. */
    cardLast4: text(),
    /** Unguessable token of the shopper's receipt URL. */
    receiptToken: text().notNull(),
    /** Idempotency key of the checkout submission, so a double submit creates one order. */
    checkoutKey: text(),
    paidAt: timestamp({ withTimezone: true }),
    /** When the receipt page rendered the ONTRAPORT conversion pixel (it fires once). */
    pixelFiredAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("orders_receipt_token_uq").on(t.receiptToken),
    uniqueIndex("orders_checkout_key_uq").on(t.merchantId, t.checkoutKey),
    index("orders_merchant_created_idx").on(t.merchantId, t.createdAt.desc(), t.id.desc()),
    index("orders_merchant_stage_created_idx").on(t.merchantId, t.currentStage, t.createdAt.desc(), t.id.desc()),
    index("orders_merchant_email_idx").on(t.merchantId, sql`lower(${t.email})`),
  ],
);

export const orderLines = pgTable(
  "order_lines",
  {
    id: uuid().primaryKey().defaultRandom(),
    orderId: text()
      .notNull()
      .references(() => orders.id),
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    lineNo: integer().notNull(),
    itemId: uuid().references(() => items.id),
    /** Snapshot of the Item ID at purchase time. */
    merchantItemId: text().notNull(),
    description: text().notNull().default(""),
    quantity: integer().notNull(),
    unitPriceCents: integer().notNull(),
    discountCents: integer().notNull().default(0),
    totalCents: integer().notNull(),
    quantityRefunded: integer().notNull().default(0),
    totalRefundedCents: integer().notNull().default(0),
    frequency: frequency(),
  },
  (t) => [uniqueIndex("order_lines_order_line_uq").on(t.orderId, t.lineNo)],
);

export const orderStageHistory = pgTable(
  "order_stage_history",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    orderId: text()
      .notNull()
      .references(() => orders.id),
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    fromStage: orderStage(),
    toStage: orderStage().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    byUserId: uuid().references(() => users.id),
    /** Who, in words: a user's e-mail, `Shopper`, `System`. */
    byLabel: text().notNull(),
    note: text().notNull().default(""),
  },
  (t) => [index("stage_history_order_idx").on(t.orderId, t.at)],
);

export const refunds = pgTable(
  "refunds",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** `R-5521`: shown to merchants and sent to ONTRAPORT. */
    code: text().notNull(),
    orderId: text()
      .notNull()
      .references(() => orders.id),
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    full: boolean().notNull(),
    reason: text().notNull().default(""),
    merchandiseCents: integer().notNull(),
    taxCents: integer().notNull(),
    shippingHandlingCents: integer().notNull().default(0),
    amountCents: integer().notNull(),
    byUserId: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("refunds_merchant_code_uq").on(t.merchantId, t.code), index("refunds_order_idx").on(t.orderId)],
);

export const refundLines = pgTable("refund_lines", {
  id: uuid().primaryKey().defaultRandom(),
  refundId: uuid()
    .notNull()
    .references(() => refunds.id),
  orderLineId: uuid()
    .notNull()
    .references(() => orderLines.id),
  quantity: integer().notNull(),
  totalCents: integer().notNull(),
});

export const AUTO_ORDER_STATUSES = ["active", "card declined", "cancelled upgrade", "cancelled downgrade", "cancelled", "terminated"] as const;
export const autoOrderStatus = pgEnum("auto_order_status", AUTO_ORDER_STATUSES);

export const autoOrders = pgTable(
  "auto_orders",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** `AO-7F3K2` */
    code: text().notNull(),
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    originalOrderId: text()
      .notNull()
      .references(() => orders.id),
    status: autoOrderStatus().notNull().default("active"),
    itemId: uuid().references(() => items.id),
    merchantItemId: text().notNull(),
    quantity: integer().notNull().default(1),
    unitPriceCents: integer().notNull(),
    frequency: frequency().notNull(),
    nextAttemptAt: timestamp({ withTimezone: true }),
    failureReason: text(),
    /** Failed rebill attempts in a row; at 3 the auto order is terminated. */
    creditCardAttempt: integer().notNull().default(0),
    /** Card on file: its last four digits and the simulated processor's opaque token (never the number). */
    cardLast4: text().notNull(),
    cardToken: text().notNull(),
    canceledAt: timestamp({ withTimezone: true }),
    canceledByUser: boolean().notNull().default(false),
    cancelReason: text(),
    disabledAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("auto_orders_merchant_code_uq").on(t.merchantId, t.code),
    index("auto_orders_due_idx").on(t.nextAttemptAt).where(sql`${t.status} in ('active', 'card declined')`),
  ],
);

export const DOMAIN_EVENT_TYPES = ["order.paid", "order.refunded", "auto_order.status_changed", "affiliate.changed"] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/**
 * Facts about orders, written in the same transaction as the change they describe (the outbox seam).
 * lib/orders writes them and knows nothing of ONTRAPORT; lib/ontraport dispatches them into transmissions.
 */
export const domainEvents = pgTable(
  "domain_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    type: text().$type<DomainEventType>().notNull(),
    /** order id, refund id, auto order id or affiliate id, as text */
    subjectId: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp({ withTimezone: true }),
    /** Dispatch threw for this event: it is set aside (never blocks the others), shown in the log and counted by /api/health. */
    failedAt: timestamp({ withTimezone: true }),
    dispatchError: text(),
  },
  (t) => [index("domain_events_undispatched_idx").on(t.id).where(sql`${t.dispatchedAt} is null`), index("domain_events_subject_idx").on(t.merchantId, t.subjectId)],
);
