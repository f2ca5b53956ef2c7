import { XMLBuilder } from "fast-xml-parser";
import { formatDecimal, formatMoney } from "@/lib/money";

// Pure builders of the notification XML in docs/ontraport-xml.md. Every value goes
// through `cleanXmlValue` and then the XML library's escaping, so no customer input can break the document.

/** Characters XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * The value as ONTRAPORT will read it: characters XML forbids removed, line breaks and tabs turned into
 * spaces (XML parsers normalise them differently in attributes and text), and outer spaces trimmed.
 * Every field ONTRAPORT stores is one line, so nothing a merchant cares about is lost.
 */
export function cleanXmlValue(value: string | null | undefined): string {
  if (value == null) return "";
  return value.replace(FORBIDDEN, "").replace(/[\t\n\r]/g, " ").trim();
}

/** ISO 8601 in UTC, to the second: `2026-11-25T16:59:12Z`. */
export function isoUtc(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface ContactSnapshot {
  firstName: string;
  lastName: string;
  email: string;
  company: string;
  address1: string;
  address2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  phone: string;
  affiliate?: { id: number; approved: boolean } | null;
}

export interface NotificationHeader {
  /** transmissions.id, also sent as X-Transmission-Id. */
  transmissionId: string;
  merchantId: string;
  created: Date;
}

export interface SaleLine {
  productName: string;
  itemId: string;
  quantity: number;
  unitPriceCents: number;
  discountCents: number;
  totalCents: number;
}

export interface SaleSnapshot extends NotificationHeader {
  order: {
    id: string;
    date: Date;
    currency: string;
    stage: string;
    paymentMethod: string;
    theme: string;
    contact: ContactSnapshot;
    lines: SaleLine[];
    subtotalCents: number;
    discountCents: number;
    taxCents: number;
  };
}

export interface RefundSnapshot extends NotificationHeader {
  order: { id: string; currency: string; contact: ContactSnapshot };
  refund: {
    code: string;
    date: Date;
    full: boolean;
    reason: string;
    lines: Array<{ productName: string; itemId: string; quantity: number; totalCents: number }>;
    merchandiseCents: number;
    taxCents: number;
  };
}

export interface AutoOrderStatusSnapshot extends NotificationHeader {
  autoOrder: {
    code: string;
    originalOrderId: string;
    status: string;
    previousStatus: string | null;
    date: Date;
    nextAttempt: Date | null;
    contact: ContactSnapshot;
    purchase: { productName: string; itemId: string; quantity: number; unitPriceCents: number; frequency: string };
  };
}

export interface AffiliateSnapshot extends NotificationHeader {
  affiliate: { id: number; contact: ContactSnapshot };
}

type XmlNode = { [key: string]: string | XmlNode | XmlNode[] };

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  textNodeName: "#text",
  format: true,
  indentBy: "  ",
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  processEntities: true,
});

/** Attributes and text, cleaned. */
function attrs(values: Record<string, string | number | boolean | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) continue;
    out[`@_${k}`] = cleanXmlValue(String(v));
  }
  return out;
}

function field(name: string, value: string): XmlNode {
  return { "@_name": name, "#text": cleanXmlValue(value) };
}

function contactNode(c: ContactSnapshot): XmlNode {
  const groups: XmlNode[] = [
    {
      "@_name": "Contact Information",
      field: [
        field("First Name", c.firstName),
        field("Last Name", c.lastName),
        field("Email", c.email),
        field("Company", c.company),
        field("Address", c.address1),
        field("Address 2", c.address2),
        field("City", c.city),
        field("State", c.state),
        field("Zip Code", c.zip),
        field("Country", c.country),
        field("Office Phone", c.phone),
      ],
    },
  ];
  if (c.affiliate) {
    groups.push({
      "@_name": "Affiliate",
      field: [field("AffiliateId", String(c.affiliate.id)), field("Affiliate Approved", c.affiliate.approved ? "True" : "False")],
    });
  }
  return { Group_Tag: groups };
}

function document(type: string, h: NotificationHeader, body: XmlNode): string {
  const xml = builder.build({
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    notification: {
      ...attrs({ type, version: "1", id: h.transmissionId, created: isoUtc(h.created) }),
      merchant: attrs({ id: h.merchantId }),
      ...body,
    },
  }) as string;
  return xml.trimEnd() + "\n";
}

const money = formatDecimal;

export function buildSaleXml(s: SaleSnapshot): string {
  const o = s.order;
  return document("sale", s, {
    order: {
      ...attrs({ id: o.id, date: isoUtc(o.date), currency: o.currency, stage: o.stage, payment_method: o.paymentMethod, theme: o.theme }),
      contact: contactNode(o.contact),
      purchases: {
        purchase: o.lines.map((l) =>
          attrs({ product_name: l.productName, item_id: l.itemId, quantity: l.quantity, unit_price: money(l.unitPriceCents), discount: money(l.discountCents), total: money(l.totalCents) }),
        ),
      },
      subtotal: money(o.subtotalCents),
      discount: money(o.discountCents),
      tax: money(o.taxCents),
      // Shipping and handling never appear: ONTRAPORT does not store them.
      total: money(saleTotalCents(s)),
    },
  });
}

/** subtotal - discount + tax (no shipping or handling). */
export function saleTotalCents(s: SaleSnapshot): number {
  return s.order.subtotalCents - s.order.discountCents + s.order.taxCents;
}

export function buildRefundXml(s: RefundSnapshot): string {
  const r = s.refund;
  return document("refund", s, {
    order: {
      ...attrs({ id: s.order.id, currency: s.order.currency }),
      contact: contactNode(s.order.contact),
      refund: {
        ...attrs({ id: r.code, date: isoUtc(r.date), full: r.full ? "true" : "false", reason: r.reason }),
        // A price adjustment (money back, no units returned) has no lines: it carries the amount instead.
        ...(r.lines.length
          ? { purchase: r.lines.map((l) => attrs({ product_name: l.productName, item_id: l.itemId, quantity: l.quantity, total: money(l.totalCents) })) }
          : { adjustment: money(r.merchandiseCents) }),
        tax: money(r.taxCents),
        amount: money(refundAmountCents(s)),
      },
    },
  });
}

/** Merchandise + tax refunded; shipping and handling never appear. */
export function refundAmountCents(s: RefundSnapshot): number {
  return s.refund.merchandiseCents + s.refund.taxCents;
}

export function buildAutoOrderStatusXml(s: AutoOrderStatusSnapshot): string {
  const a = s.autoOrder;
  return document("auto_order_status", s, {
    auto_order: {
      ...attrs({
        code: a.code,
        original_order_id: a.originalOrderId,
        status: a.status,
        previous_status: a.previousStatus ?? undefined,
        date: isoUtc(a.date),
        next_attempt: a.nextAttempt ? isoUtc(a.nextAttempt) : undefined,
      }),
      contact: contactNode(a.contact),
      purchase: attrs({ product_name: a.purchase.productName, item_id: a.purchase.itemId, quantity: a.purchase.quantity, unit_price: money(a.purchase.unitPriceCents), frequency: a.purchase.frequency }),
    },
  });
}

export function buildAffiliateXml(s: AffiliateSnapshot): string {
  return document("affiliate", s, {
    affiliate: { ...attrs({ id: s.affiliate.id }), contact: contactNode(s.affiliate.contact) },
  });
}

/** The product name ONTRAPORT sees: the item's `oapProductid` mapping when set, else the item ID. */
export { productNameFor } from "@/lib/items/product-name";

// Descriptions for the Transmission Log, in words.

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function describeSale(s: SaleSnapshot): string {
  const units = s.order.lines.reduce((n, l) => n + l.quantity, 0);
  return `Sale ${s.order.id}, ${plural(units, "item", "items")}, ${formatMoney(saleTotalCents(s), s.order.currency)}`;
}

export function describeRefund(s: RefundSnapshot): string {
  return `${s.refund.full ? "Full refund" : "Partial refund"} ${s.refund.code} of ${s.order.id}, ${formatMoney(refundAmountCents(s), s.order.currency)}`;
}

export function describeAutoOrderStatus(s: AutoOrderStatusSnapshot): string {
  const a = s.autoOrder;
  return `Auto order ${a.code} ${a.previousStatus ? `${a.previousStatus} → ` : ""}${a.status}`;
}

export function describeAffiliate(s: AffiliateSnapshot, change: "signup" | "approval"): string {
  const who = `${s.affiliate.contact.firstName} ${s.affiliate.contact.lastName}`.trim();
  const state = s.affiliate.contact.affiliate?.approved ? "approved" : "not approved";
  return change === "signup" ? `Affiliate ${s.affiliate.id} (${who}) signed up, ${state}` : `Affiliate ${s.affiliate.id} (${who}) ${state}`;
}
