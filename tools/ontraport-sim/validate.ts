/**
 * Strict validation of the four notification types against docs/ontraport-xml.md, plus a
 * lenient extraction of their useful fields for the recording.
 *
 * Validation stops at the first problem and names it, prefixed by the reqType, e.g.
 * `sale: order is missing required attribute "id"`.
 */
import {
  AUTO_ORDER_STATUSES,
  type NotificationType,
  type ParsedContact,
  type ParsedNotification,
  type ParsedPurchase,
} from "./types";
import { parseXmlDocument, type XmlElement } from "./xml";

/** Contact Information fields, in the order the contract shows them. */
export const CONTACT_FIELDS = [
  "First Name",
  "Last Name",
  "Email",
  "Company",
  "Address",
  "Address 2",
  "City",
  "State",
  "Zip Code",
  "Country",
  "Office Phone",
] as const;

export const AFFILIATE_FIELDS = ["AffiliateId", "Affiliate Approved"] as const;

/** Order stages at which a sale is sent (the paid ones). */
export const PAID_STAGES = ["Shipping Department", "Completed Order"] as const;

export type ValidationResult =
  | { ok: true; parsed: ParsedNotification }
  | { ok: false; error: string; parsed: ParsedNotification | null };

class Invalid extends Error {}

const MONEY = /^-?\d+\.\d{2}$/;
const INTEGER = /^\d+$/;
const CURRENCY = /^[A-Z]{3}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|\+00:00)$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const SHIPPING = /shipping|handling/i;

type AttrKind =
  | "text" // present, may be empty
  | "nonempty"
  | "money"
  | "date"
  | "dateOrEmpty"
  | "quantity"
  | "currency"
  | "trueFalseLower"
  | { oneOf: readonly string[] };

interface AttrRule {
  name: string;
  kind: AttrKind;
  optional?: boolean;
}

function quoteList(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(", ");
}

/** What is wrong with an attribute value of that kind, or null when it is fine. */
function attrProblem(kind: AttrKind, value: string): string | null {
  if (typeof kind === "object") return kind.oneOf.includes(value) ? null : `must be exactly one of ${quoteList(kind.oneOf)}`;
  switch (kind) {
    case "text":
      return null;
    case "nonempty":
      return value.trim() === "" ? "must not be empty" : null;
    case "money":
      return MONEY.test(value) ? null : "must be money with exactly two decimals like 19.90";
    case "date":
      return isIsoUtc(value) ? null : "must be an ISO 8601 date-time in UTC like 2026-11-25T17:00:00Z";
    case "dateOrEmpty":
      return value === "" || isIsoUtc(value) ? null : "must be empty or an ISO 8601 date-time in UTC like 2026-11-25T17:00:00Z";
    case "quantity":
      return INTEGER.test(value) && Number(value) >= 1 ? null : "must be a whole number of at least 1";
    case "currency":
      return CURRENCY.test(value) ? null : "must be a three-letter ISO 4217 code like USD";
    case "trueFalseLower":
      return value === "true" || value === "false" ? null : 'must be "true" or "false"';
  }
}

function checkAttrValue(label: string, attr: string, kind: AttrKind, value: string): void {
  const problem = attrProblem(kind, value);
  if (problem === null) return;
  if (kind === "nonempty") throw new Invalid(`${label} attribute "${attr}" ${problem}`);
  throw new Invalid(`${label} attribute "${attr}" ${problem}, got "${truncate(value)}"`);
}

function isIsoUtc(value: string): boolean {
  return ISO_UTC.test(value) && !Number.isNaN(Date.parse(value));
}

function shippingMessage(what: string, label: string): string {
  return `${what} is not allowed in ${label}: ONTRAPORT does not store shipping or handling, leave it out`;
}

function hasRule(rules: readonly AttrRule[], name: string): boolean {
  for (const r of rules) if (r.name === name) return true;
  return false;
}

/** Check an element's attributes: no unknown ones, required ones present, values well-formed. */
function checkAttrs(el: XmlElement, label: string, rules: readonly AttrRule[]): void {
  for (const name of Object.keys(el.attrs)) {
    if (!hasRule(rules, name)) {
      if (SHIPPING.test(name)) throw new Invalid(shippingMessage(`attribute "${name}"`, label));
      throw new Invalid(`${label} has unexpected attribute "${name}" (allowed: ${quoteList(rules.map((r) => r.name))})`);
    }
  }
  for (const rule of rules) {
    const value = el.attrs[rule.name];
    if (value === undefined) {
      if (rule.optional) continue;
      throw new Invalid(`${label} is missing required attribute "${rule.name}"`);
    }
    checkAttrValue(label, rule.name, rule.kind, value);
  }
}

interface ChildRule {
  min: number;
  max: number;
}

/** Check an element's children: no unknown ones, counts within bounds, no stray text. */
function checkChildren(
  el: XmlElement,
  label: string,
  rules: Record<string, ChildRule>,
): Map<string, XmlElement[]> {
  const byName = new Map<string, XmlElement[]>();
  for (const child of el.children) {
    if (!Object.hasOwn(rules, child.name)) {
      if (SHIPPING.test(child.name)) throw new Invalid(shippingMessage(`<${child.name}>`, label));
      throw new Invalid(
        `unexpected element <${child.name}> in ${label} (allowed: ${Object.keys(rules)
          .map((n) => `<${n}>`)
          .join(", ")})`,
      );
    }
    const list = byName.get(child.name);
    if (list) list.push(child);
    else byName.set(child.name, [child]);
  }
  for (const [name, rule] of Object.entries(rules)) {
    const n = byName.get(name)?.length ?? 0;
    if (n < rule.min) {
      throw new Invalid(
        rule.min === 1 ? `${label} is missing required element <${name}>` : `${label} needs at least ${rule.min} <${name}> elements`,
      );
    }
    if (n > rule.max) {
      throw new Invalid(rule.max === 1 ? `${label} has more than one <${name}>` : `${label} has more than ${rule.max} <${name}> elements`);
    }
  }
  if (el.text.trim() !== "") throw new Invalid(`${label} has unexpected text "${truncate(el.text.trim())}"`);
  return byName;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

function one(map: Map<string, XmlElement[]>, name: string): XmlElement {
  const el = map.get(name)?.[0];
  if (el === undefined) throw new Invalid(`internal: <${name}> expected`); // checkChildren guarantees it
  return el;
}

/** A leaf element holding a money value, e.g. `<tax>3.19</tax>`. Returns the value in cents. */
function moneyLeaf(el: XmlElement, label: string): number {
  if (Object.keys(el.attrs).length > 0) throw new Invalid(`<${el.name}> in ${label} must not have attributes`);
  if (el.children.length > 0) throw new Invalid(`<${el.name}> in ${label} must hold only a money value`);
  if (!MONEY.test(el.text)) {
    throw new Invalid(`<${el.name}> in ${label} must be money with exactly two decimals like 19.90, got "${truncate(el.text)}"`);
  }
  return cents(el.text);
}

/**
 * Integer cents of a money string already checked against MONEY. Exact: amounts are limited to
 * 13 whole digits, far below where a double loses cents.
 */
function cents(money: string): number {
  const negative = money.charCodeAt(0) === 45; // "-"
  const dot = money.length - 3;
  const whole = money.slice(negative ? 1 : 0, dot);
  if (whole.length > 13) throw new Invalid(`amount ${truncate(money)} is too large`);
  const v = Number(whole) * 100 + Number(money.slice(dot + 1));
  return negative ? -v : v;
}

function formatCents(v: number): string {
  const abs = Math.abs(v);
  const s = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
  return v < 0 ? `-${s}` : s;
}

function checkEmpty(el: XmlElement, label: string): void {
  if (el.children.length > 0) throw new Invalid(`${label} must be empty but has <${el.children[0]?.name ?? "?"}>`);
  if (el.text.trim() !== "") throw new Invalid(`${label} must be empty but has text "${truncate(el.text.trim())}"`);
}

/** Validate `<contact>`; `requireAffiliate` for the affiliate notification. */
function checkContact(contact: XmlElement, label: string, requireAffiliate: boolean): { affiliateId: string | undefined } {
  checkAttrs(contact, label, []);
  const groups = checkChildren(contact, label, { Group_Tag: { min: 1, max: 2 } }).get("Group_Tag") ?? [];
  const seen = new Map<string, XmlElement>();
  for (const g of groups) {
    checkAttrs(g, `${label} Group_Tag`, [{ name: "name", kind: { oneOf: ["Contact Information", "Affiliate"] } }]);
    const name = g.attrs.name ?? "";
    if (seen.has(name)) throw new Invalid(`${label} has the Group_Tag "${name}" twice`);
    seen.set(name, g);
  }
  const info = seen.get("Contact Information");
  if (info === undefined) throw new Invalid(`${label} is missing <Group_Tag name="Contact Information">`);
  const infoFields = checkFields(info, `${label} group "Contact Information"`, CONTACT_FIELDS);
  const email = infoFields.get("Email");
  if (email === undefined) throw new Invalid(`${label} is missing the "Email" field`);
  if (!EMAIL.test(email)) throw new Invalid(`${label} field "Email" must be an email address, got "${truncate(email)}"`);

  const aff = seen.get("Affiliate");
  if (aff === undefined) {
    if (requireAffiliate) throw new Invalid(`${label} is missing <Group_Tag name="Affiliate">`);
    return { affiliateId: undefined };
  }
  const affLabel = `${label} group "Affiliate"`;
  const affFields = checkFields(aff, affLabel, AFFILIATE_FIELDS);
  const affiliateId = affFields.get("AffiliateId");
  if (affiliateId === undefined) throw new Invalid(`${affLabel} is missing the "AffiliateId" field`);
  if (affiliateId.trim() === "") throw new Invalid(`${affLabel} field "AffiliateId" must not be empty`);
  const approved = affFields.get("Affiliate Approved");
  if (approved === undefined) throw new Invalid(`${affLabel} is missing the "Affiliate Approved" field`);
  if (approved !== "True" && approved !== "False") {
    throw new Invalid(`${affLabel} field "Affiliate Approved" must be exactly True or False, got "${truncate(approved)}"`);
  }
  return { affiliateId };
}

function checkFields(group: XmlElement, label: string, allowed: readonly string[]): Map<string, string> {
  const fields = checkChildren(group, label, { field: { min: 0, max: Number.POSITIVE_INFINITY } }).get("field") ?? [];
  const values = new Map<string, string>();
  for (const f of fields) {
    checkAttrs(f, `${label} field`, [{ name: "name", kind: "nonempty" }]);
    const name = f.attrs.name ?? "";
    if (!allowed.includes(name)) {
      throw new Invalid(`${label} has unknown field "${name}" (known: ${quoteList(allowed)})`);
    }
    if (values.has(name)) throw new Invalid(`${label} has the field "${name}" twice`);
    if (f.children.length > 0) throw new Invalid(`${label} field "${name}" must hold text, not <${f.children[0]?.name ?? "?"}>`);
    values.set(name, f.text);
  }
  return values;
}

const SALE_PURCHASE: readonly AttrRule[] = [
  { name: "product_name", kind: "nonempty" },
  { name: "item_id", kind: "nonempty" },
  { name: "quantity", kind: "quantity" },
  { name: "unit_price", kind: "money" },
  { name: "discount", kind: "money" },
  { name: "total", kind: "money" },
];
const REFUND_PURCHASE: readonly AttrRule[] = [
  { name: "product_name", kind: "nonempty" },
  { name: "item_id", kind: "nonempty" },
  { name: "quantity", kind: "quantity" },
  { name: "total", kind: "money" },
];
const AUTO_ORDER_PURCHASE: readonly AttrRule[] = [
  { name: "product_name", kind: "nonempty" },
  { name: "item_id", kind: "nonempty" },
  { name: "quantity", kind: "quantity" },
  { name: "unit_price", kind: "money" },
  { name: "frequency", kind: "nonempty" },
];

function checkPurchases(list: readonly XmlElement[], rules: readonly AttrRule[], where: string): number {
  let sum = 0;
  for (let i = 0; i < list.length; i++) {
    const p = list[i] as XmlElement;
    const label = list.length === 1 ? `purchase in ${where}` : `purchase ${i + 1} in ${where}`;
    checkAttrs(p, label, rules);
    checkEmpty(p, label);
    sum += cents(p.attrs.total ?? "0.00");
  }
  return sum;
}

function checkSale(body: XmlElement): void {
  const label = "order";
  checkAttrs(body, label, [
    { name: "id", kind: "nonempty" },
    { name: "date", kind: "date" },
    { name: "currency", kind: "currency" },
    { name: "stage", kind: { oneOf: PAID_STAGES } },
    { name: "payment_method", kind: "text" },
    { name: "theme", kind: "text" },
  ]);
  const kids = checkChildren(body, label, {
    contact: { min: 1, max: 1 },
    purchases: { min: 1, max: 1 },
    subtotal: { min: 1, max: 1 },
    discount: { min: 1, max: 1 },
    tax: { min: 1, max: 1 },
    total: { min: 1, max: 1 },
  });
  checkContact(one(kids, "contact"), "contact", false);
  const purchases = one(kids, "purchases");
  checkAttrs(purchases, "purchases", []);
  const lines = checkChildren(purchases, "purchases", { purchase: { min: 1, max: Number.POSITIVE_INFINITY } }).get("purchase") ?? [];
  checkPurchases(lines, SALE_PURCHASE, "purchases");
  const subtotal = moneyLeaf(one(kids, "subtotal"), label);
  const discount = moneyLeaf(one(kids, "discount"), label);
  const tax = moneyLeaf(one(kids, "tax"), label);
  const total = moneyLeaf(one(kids, "total"), label);
  const expected = subtotal - discount + tax;
  if (total !== expected) {
    throw new Invalid(`order <total> ${formatCents(total)} is not subtotal - discount + tax = ${formatCents(expected)}`);
  }
}

function checkRefund(body: XmlElement): void {
  checkAttrs(body, "order", [
    { name: "id", kind: "nonempty" },
    { name: "currency", kind: "currency" },
  ]);
  const kids = checkChildren(body, "order", { contact: { min: 1, max: 1 }, refund: { min: 1, max: 1 } });
  checkContact(one(kids, "contact"), "contact", false);
  const refund = one(kids, "refund");
  checkAttrs(refund, "refund", [
    { name: "id", kind: "nonempty" },
    { name: "date", kind: "date" },
    { name: "full", kind: "trueFalseLower" },
    { name: "reason", kind: "text", optional: true },
  ]);
  const rk = checkChildren(refund, "refund", {
    purchase: { min: 0, max: Number.POSITIVE_INFINITY },
    adjustment: { min: 0, max: 1 },
    tax: { min: 1, max: 1 },
    amount: { min: 1, max: 1 },
  });
  // Merchandise lines, or (a price adjustment) one <adjustment> amount: exactly one of the two.
  const lines = rk.get("purchase") ?? [];
  const adjustment = rk.get("adjustment")?.[0];
  if (lines.length === 0 && adjustment === undefined) {
    throw new Invalid("refund is missing required element <purchase> (or <adjustment> for a price adjustment)");
  }
  if (lines.length > 0 && adjustment !== undefined) {
    throw new Invalid("refund has both <purchase> lines and an <adjustment>: send one or the other");
  }
  const merchandise =
    adjustment === undefined ? checkPurchases(lines, REFUND_PURCHASE, "refund") : moneyLeaf(adjustment, "refund");
  if (adjustment !== undefined && merchandise <= 0) {
    throw new Invalid(`<adjustment> in refund must be more than 0.00, got "${adjustment.text}"`);
  }
  const tax = moneyLeaf(one(rk, "tax"), "refund");
  const amount = moneyLeaf(one(rk, "amount"), "refund");
  if (amount !== merchandise + tax) {
    const what = adjustment === undefined ? "the purchase totals" : "the adjustment";
    throw new Invalid(`refund <amount> ${formatCents(amount)} is not ${what} + tax = ${formatCents(merchandise + tax)}`);
  }
}

function checkAutoOrder(body: XmlElement): void {
  const label = "auto_order";
  checkAttrs(body, label, [
    { name: "code", kind: "nonempty" },
    { name: "original_order_id", kind: "nonempty" },
    { name: "status", kind: { oneOf: AUTO_ORDER_STATUSES } },
    { name: "previous_status", kind: { oneOf: AUTO_ORDER_STATUSES }, optional: true },
    { name: "date", kind: "date" },
    { name: "next_attempt", kind: "dateOrEmpty", optional: true },
  ]);
  const kids = checkChildren(body, label, {
    contact: { min: 1, max: 1 },
    purchase: { min: 1, max: Number.POSITIVE_INFINITY },
  });
  checkContact(one(kids, "contact"), "contact", false);
  checkPurchases(kids.get("purchase") ?? [], AUTO_ORDER_PURCHASE, label);
}

function checkAffiliate(body: XmlElement): void {
  checkAttrs(body, "affiliate", [{ name: "id", kind: "nonempty" }]);
  const kids = checkChildren(body, "affiliate", { contact: { min: 1, max: 1 } });
  const { affiliateId } = checkContact(one(kids, "contact"), "contact", true);
  if (affiliateId !== body.attrs.id) {
    throw new Invalid(`contact field "AffiliateId" "${affiliateId ?? ""}" does not match <affiliate id="${body.attrs.id ?? ""}">`);
  }
}

const BODY_ELEMENT: Record<NotificationType, string> = {
  sale: "order",
  refund: "order",
  auto_order_status: "auto_order",
  affiliate: "affiliate",
};

function checkNotification(reqType: NotificationType, root: XmlElement): void {
  if (root.name !== "notification") throw new Invalid(`the root element must be <notification>, got <${root.name}>`);
  checkAttrs(root, "notification", [
    { name: "type", kind: "nonempty" },
    { name: "version", kind: { oneOf: ["1"] } },
    { name: "id", kind: "nonempty" },
    { name: "created", kind: "date" },
  ]);
  if (root.attrs.type !== reqType) {
    throw new Invalid(`notification type "${root.attrs.type ?? ""}" does not match reqType "${reqType}"`);
  }
  const bodyName = BODY_ELEMENT[reqType];
  const kids = checkChildren(root, "notification", { merchant: { min: 1, max: 1 }, [bodyName]: { min: 1, max: 1 } });
  const merchant = one(kids, "merchant");
  checkAttrs(merchant, "merchant", [{ name: "id", kind: "nonempty" }]);
  checkEmpty(merchant, "merchant");
  const body = one(kids, bodyName);
  switch (reqType) {
    case "sale":
      return checkSale(body);
    case "refund":
      return checkRefund(body);
    case "auto_order_status":
      return checkAutoOrder(body);
    case "affiliate":
      return checkAffiliate(body);
  }
}

// ---------------------------------------------------------------------------------------------
// Lenient extraction

function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (el === undefined) return undefined;
  for (const c of el.children) if (c.name === name) return c;
  return undefined;
}

function children(el: XmlElement | undefined, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  if (el !== undefined) for (const c of el.children) if (c.name === name) out.push(c);
  return out;
}

function extractContact(contact: XmlElement | undefined): ParsedContact | undefined {
  if (contact === undefined) return undefined;
  const fields: Record<string, string> = {};
  let affiliateId: string | undefined;
  let affiliateApproved: string | undefined;
  for (const g of children(contact, "Group_Tag")) {
    for (const f of children(g, "field")) {
      const name = f.attrs.name;
      if (name === undefined || name === "__proto__") continue;
      if (g.attrs.name === "Affiliate") {
        if (name === "AffiliateId") affiliateId = f.text;
        else if (name === "Affiliate Approved") affiliateApproved = f.text;
      } else if (!Object.hasOwn(fields, name)) {
        fields[name] = f.text;
      }
    }
  }
  return { fields, email: fields.Email, affiliateId, affiliateApproved };
}

function extractPurchase(p: XmlElement): ParsedPurchase {
  const q = p.attrs.quantity;
  return {
    productName: p.attrs.product_name,
    itemId: p.attrs.item_id,
    quantity: q !== undefined && INTEGER.test(q) ? Number(q) : undefined,
    unitPrice: p.attrs.unit_price,
    discount: p.attrs.discount,
    total: p.attrs.total,
    frequency: p.attrs.frequency,
  };
}

/** The useful fields of a well-formed notification, whatever its validity. */
export function extractNotification(root: XmlElement): ParsedNotification {
  const out: ParsedNotification = {
    type: root.attrs.type,
    version: root.attrs.version,
    notificationId: root.attrs.id,
    created: root.attrs.created,
    merchantId: child(root, "merchant")?.attrs.id,
  };
  const order = child(root, "order");
  if (order !== undefined) {
    const contact = extractContact(child(order, "contact"));
    const refund = child(order, "refund");
    out.orderId = order.attrs.id;
    out.currency = order.attrs.currency;
    out.contact = contact;
    out.email = contact?.email;
    if (refund === undefined) {
      out.orderDate = order.attrs.date;
      out.stage = order.attrs.stage;
      out.paymentMethod = order.attrs.payment_method;
      out.theme = order.attrs.theme;
      out.purchases = children(child(order, "purchases"), "purchase").map(extractPurchase);
      out.subtotal = child(order, "subtotal")?.text;
      out.discount = child(order, "discount")?.text;
      out.tax = child(order, "tax")?.text;
      out.total = child(order, "total")?.text;
      out.affiliateId = contact?.affiliateId;
      out.affiliateApproved = contact?.affiliateApproved;
    } else {
      out.refundId = refund.attrs.id;
      out.refundDate = refund.attrs.date;
      out.refundFull = refund.attrs.full;
      out.refundReason = refund.attrs.reason;
      out.purchases = children(refund, "purchase").map(extractPurchase);
      out.adjustment = child(refund, "adjustment")?.text;
      out.tax = child(refund, "tax")?.text;
      out.amount = child(refund, "amount")?.text;
    }
    return out;
  }
  const autoOrder = child(root, "auto_order");
  if (autoOrder !== undefined) {
    const contact = extractContact(child(autoOrder, "contact"));
    out.autoOrderCode = autoOrder.attrs.code;
    out.orderId = autoOrder.attrs.original_order_id;
    out.status = autoOrder.attrs.status;
    out.previousStatus = autoOrder.attrs.previous_status;
    out.date = autoOrder.attrs.date;
    out.nextAttempt = autoOrder.attrs.next_attempt;
    out.contact = contact;
    out.email = contact?.email;
    out.purchases = children(autoOrder, "purchase").map(extractPurchase);
    return out;
  }
  const affiliate = child(root, "affiliate");
  if (affiliate !== undefined) {
    const contact = extractContact(child(affiliate, "contact"));
    out.affiliateId = affiliate.attrs.id;
    out.affiliateApproved = contact?.affiliateApproved;
    out.contact = contact;
    out.email = contact?.email;
  }
  return out;
}

/** Validate the `data` of one notification of type `reqType`. */
export function validateNotification(reqType: NotificationType, data: string): ValidationResult {
  const doc = parseXmlDocument(data);
  if (!doc.ok) return { ok: false, error: `${reqType}: ${doc.error}`, parsed: null };
  let parsed: ParsedNotification;
  try {
    parsed = extractNotification(doc.root);
  } catch {
    parsed = { type: undefined, version: undefined, notificationId: undefined, created: undefined, merchantId: undefined };
  }
  try {
    checkNotification(reqType, doc.root);
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: `${reqType}: ${e.message}`, parsed };
    throw e;
  }
  return { ok: true, parsed };
}
