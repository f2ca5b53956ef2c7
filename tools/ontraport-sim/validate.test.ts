import { runs } from "@/tools/testing/fc-runs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SAMPLES, SAMPLE_AFFILIATE, SAMPLE_AUTO_ORDER_STATUS, SAMPLE_REFUND, SAMPLE_REFUND_ADJUSTMENT, SAMPLE_SALE } from "./samples";
import { NOTIFICATION_TYPES, type NotificationType } from "./types";
import { validateNotification } from "./validate";
import { decodeEntities, parseXmlDocument } from "./xml";

function mustReplace(xml: string, from: string | RegExp, to: string): string {
  const out = xml.replace(from, to);
  if (out === xml) throw new Error(`test bug: ${String(from)} not found`);
  return out;
}

function errorOf(reqType: NotificationType, xml: string): string {
  const r = validateNotification(reqType, xml);
  if (r.ok) throw new Error(`expected ${reqType} to be rejected`);
  return r.error;
}

describe("the contract's samples", () => {
  it.each(NOTIFICATION_TYPES)("accepts the %s sample", (type) => {
    const r = validateNotification(type, SAMPLES[type]);
    expect(r.ok ? "ok" : r.error).toBe("ok");
  });

  it("extracts the useful fields of a sale", () => {
    const r = validateNotification("sale", SAMPLE_SALE);
    expect(r.ok).toBe(true);
    expect(r.parsed).toMatchObject({
      type: "sale",
      merchantId: "DEMO",
      orderId: "DEMO-10042",
      currency: "USD",
      stage: "Shipping Department",
      email: "ada@example.com",
      subtotal: "39.90",
      discount: "0.00",
      tax: "3.19",
      total: "43.09",
      affiliateId: "1001",
      affiliateApproved: "True",
      purchases: [{ productName: "Red Shirt", itemId: "SHIRT-RED", quantity: 2, unitPrice: "19.95", discount: "0.00", total: "39.90" }],
    });
    expect(r.parsed?.contact?.fields["Address"]).toBe("12 St James's Sq");
    expect(r.parsed?.contact?.fields["Address 2"]).toBe("");
  });

  it("extracts refund, auto order and affiliate fields", () => {
    expect(validateNotification("refund", SAMPLE_REFUND).parsed).toMatchObject({
      orderId: "DEMO-10042",
      refundId: "R-5521",
      refundFull: "false",
      refundReason: "Damaged",
      tax: "1.60",
      amount: "21.55",
      purchases: [{ itemId: "SHIRT-RED", quantity: 1, total: "19.95" }],
    });
    expect(validateNotification("auto_order_status", SAMPLE_AUTO_ORDER_STATUS).parsed).toMatchObject({
      autoOrderCode: "AO-7F3K2",
      orderId: "DEMO-10042",
      status: "card declined",
      previousStatus: "active",
      purchases: [{ unitPrice: "29.00", frequency: "Monthly" }],
    });
    expect(validateNotification("affiliate", SAMPLE_AFFILIATE).parsed).toMatchObject({
      affiliateId: "1001",
      affiliateApproved: "True",
      email: "ada@example.com",
    });
  });
});

describe("valid variations", () => {
  it("accepts a sale without the Affiliate group, at Completed Order, with two lines and escaped text", () => {
    let xml = SAMPLE_SALE.replace(/\s*<Group_Tag name="Affiliate">[\s\S]*?<\/Group_Tag>/, "");
    xml = mustReplace(xml, 'stage="Shipping Department"', 'stage="Completed Order"');
    xml = mustReplace(
      xml,
      "</purchases>",
      '<purchase product_name="Tom &amp; Jerry &#x263A; &#9731;" item_id="TJ" quantity="1" unit_price="5.00" discount="1.00" total="4.00"/></purchases>',
    );
    xml = mustReplace(xml, "<subtotal>39.90</subtotal>", "<subtotal>43.90</subtotal>");
    xml = mustReplace(xml, "<total>43.09</total>", "<total>47.09</total>");
    xml = mustReplace(xml, "Analytical Engines", "<![CDATA[Engines & <Co>]]>");
    const r = validateNotification("sale", xml);
    expect(r.ok ? "ok" : r.error).toBe("ok");
    expect(r.parsed?.purchases?.[1]?.productName).toBe("Tom & Jerry \u263A \u2603");
    expect(r.parsed?.contact?.fields.Company).toBe("Engines & <Co>");
    expect(r.parsed?.affiliateId).toBeUndefined();
  });

  it("accepts an auto order without previous_status and next_attempt, and every status", () => {
    for (const status of ["active", "card declined", "cancelled upgrade", "cancelled downgrade", "cancelled", "terminated"]) {
      let xml = SAMPLE_AUTO_ORDER_STATUS.replace(' status="card declined"', ` status="${status}"`);
      xml = mustReplace(xml, ' previous_status="active"', "");
      xml = mustReplace(xml, / next_attempt="[^"]*"/, "");
      const r = validateNotification("auto_order_status", xml);
      expect(r.ok ? "ok" : r.error).toBe("ok");
    }
  });

  it("accepts a price adjustment refund (no purchase lines, amount = adjustment + tax)", () => {
    const r = validateNotification("refund", SAMPLE_REFUND_ADJUSTMENT);
    expect(r.ok).toBe(true);
    expect(r.parsed).toMatchObject({ refundId: "R-5522", refundReason: "Price match", adjustment: "10.00", tax: "0.80", amount: "10.80", purchases: [] });
    expect(validateNotification("refund", SAMPLE_REFUND).parsed?.adjustment).toBeUndefined();
  });

  it("accepts a refund without reason, a full refund, and an affiliate not approved", () => {
    const refund = mustReplace(mustReplace(SAMPLE_REFUND, ' reason="Damaged"', ""), 'full="false"', 'full="true"');
    expect(validateNotification("refund", refund).ok).toBe(true);
    const aff = mustReplace(SAMPLE_AFFILIATE, ">True<", ">False<");
    expect(validateNotification("affiliate", aff).ok).toBe(true);
  });

  it("accepts any sale whose money adds up (property)", () => {
    const cents = fc.integer({ min: 0, max: 10_000_000 });
    const money = (c: number): string => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), cents), { minLength: 1, maxLength: 5 }), cents, (lines, taxC) => {
        const purchases = lines
          .map(
            ([q, unit], i) =>
              `<purchase product_name="P${i}" item_id="I${i}" quantity="${q}" unit_price="${money(unit)}" discount="0.00" total="${money(q * unit)}"/>`,
          )
          .join("");
        const subtotal = lines.reduce((s, [q, unit]) => s + q * unit, 0);
        let xml = SAMPLE_SALE.replace(/<purchases>[\s\S]*<\/purchases>/, `<purchases>${purchases}</purchases>`);
        xml = xml.replace("<subtotal>39.90</subtotal>", `<subtotal>${money(subtotal)}</subtotal>`);
        xml = xml.replace("<tax>3.19</tax>", `<tax>${money(taxC)}</tax>`);
        xml = xml.replace("<total>43.09</total>", `<total>${money(subtotal + taxC)}</total>`);
        const r = validateNotification("sale", xml);
        return r.ok;
      }),
      { numRuns: runs(200) },
    );
  });
});

type Case = [string, NotificationType, string, string];
const S = SAMPLE_SALE;
const R = SAMPLE_REFUND;
const RA = SAMPLE_REFUND_ADJUSTMENT;
const A = SAMPLE_AUTO_ORDER_STATUS;
const F = SAMPLE_AFFILIATE;

const rejections: Case[] = [
  // well-formedness, shared by every type
  ["empty data", "sale", "", "sale: data is empty"],
  ["no XML declaration", "sale", S.replace(/^<\?xml[^>]*>\n/, ""), "sale: the XML declaration is missing"],
  ["declaration not at the start", "refund", `\n${R}`, "refund: the XML declaration is missing"],
  ["another encoding", "sale", S.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'names encoding "ISO-8859-1"; it must be UTF-8'],
  ["unclosed element", "sale", S.replace("</purchases>", ""), "sale: malformed XML: "],
  ["truncated document", "auto_order_status", A.slice(0, 300), "auto_order_status: malformed XML: "],
  ["two root elements", "affiliate", `${F}<notification/>`, "more than one root element"],
  ["a DOCTYPE", "sale", S.replace("?>\n", '?>\n<!DOCTYPE notification [<!ENTITY x "y">]>\n'), "a DOCTYPE is not allowed"],
  ["an unknown entity", "sale", S.replace("Analytical Engines", "Analytical&nbsp;Engines"), "unknown entity &nbsp;"],
  ["a bare ampersand in an attribute", "sale", S.replace('theme="DEFAULT"', 'theme="A & B"'), 'a bare "&" must be written &amp;'],
  ["a control character", "sale", S.replace("Ada", "A\u0001da"), "U+0001 at offset"],
  ["a forbidden character reference", "sale", S.replace("Ada", "A&#1;da"), "&#1; is a character XML 1.0 forbids"],
  ["data URL-encoded twice", "sale", encodeURIComponent(S), "URL-encoded twice"],
  // notification envelope
  ["another root element", "sale", S.replace(/<notification([^>]*)>/, "<note$1>").replace("</notification>", "</note>"), "the root element must be <notification>, got <note>"],
  ["type differs from reqType", "refund", S, 'refund: notification type "sale" does not match reqType "refund"'],
  ["version 2", "sale", S.replace('version="1" id', 'version="2" id'), 'notification attribute "version" must be exactly one of "1", got "2"'],
  ["no notification id", "affiliate", F.replace(/ id="c1d2[^"]*"/, ""), 'notification is missing required attribute "id"'],
  ["created not in UTC", "sale", S.replace('created="2026-11-25T17:00:00Z"', 'created="2026-11-25T18:00:00+01:00"'), 'notification attribute "created" must be an ISO 8601 date-time in UTC'],
  ["no merchant", "refund", R.replace('  <merchant id="DEMO"/>\n', ""), "refund: notification is missing required element <merchant>"],
  ["merchant without id", "sale", S.replace('<merchant id="DEMO"/>', "<merchant/>"), 'merchant is missing required attribute "id"'],
  ["two orders", "sale", S.replace("</notification>", '<order id="x"/></notification>'), "notification has more than one <order>"],
  // sale
  ["order without id", "sale", S.replace('<order id="DEMO-10042" ', "<order "), 'sale: order is missing required attribute "id"'],
  ["order without date", "sale", S.replace(' date="2026-11-25T16:59:12Z"', ""), 'sale: order is missing required attribute "date"'],
  ["lowercase currency", "sale", S.replace('currency="USD"', 'currency="usd"'), 'order attribute "currency" must be a three-letter ISO 4217 code like USD, got "usd"'],
  ["an unpaid stage", "sale", S.replace('stage="Shipping Department"', 'stage="Accounts Receivable"'), 'order attribute "stage" must be exactly one of "Shipping Department", "Completed Order", got "Accounts Receivable"'],
  ["a shipping element", "sale", S.replace("<tax>3.19</tax>", "<shipping>5.00</shipping><tax>3.19</tax>"), "sale: <shipping> is not allowed in order: ONTRAPORT does not store shipping or handling"],
  ["a handling attribute", "sale", S.replace('theme="DEFAULT"', 'theme="DEFAULT" handling="1.00"'), 'sale: attribute "handling" is not allowed in order'],
  ["a shipping_total element", "sale", S.replace("<tax>3.19</tax>", "<shipping_total>5.00</shipping_total><tax>3.19</tax>"), "<shipping_total> is not allowed in order"],
  ["an element named like an Object method", "sale", S.replace("<tax>3.19</tax>", "<toString/><tax>3.19</tax>"), "sale: unexpected element <toString> in order"],
  ["an unknown element", "sale", S.replace("<tax>3.19</tax>", "<coupon>X</coupon><tax>3.19</tax>"), "sale: unexpected element <coupon> in order"],
  ["no tax", "sale", S.replace("<tax>3.19</tax>", ""), "sale: order is missing required element <tax>"],
  ["no purchases", "sale", S.replace(/<purchases>[\s\S]*<\/purchases>/, ""), "sale: order is missing required element <purchases>"],
  ["empty purchases", "sale", S.replace(/<purchases>[\s\S]*<\/purchases>/, "<purchases></purchases>"), "sale: purchases is missing required element <purchase>"],
  ["a float unit price", "sale", S.replace('unit_price="19.95"', 'unit_price="19.9"'), 'sale: purchase in purchases attribute "unit_price" must be money with exactly two decimals like 19.90, got "19.9"'],
  ["a purchase without item_id", "sale", S.replace(' item_id="SHIRT-RED"', ""), 'sale: purchase in purchases is missing required attribute "item_id"'],
  ["a fractional quantity", "sale", S.replace('quantity="2"', 'quantity="1.5"'), 'attribute "quantity" must be a whole number of at least 1, got "1.5"'],
  ["an unknown purchase attribute", "sale", S.replace('discount="0.00" total', 'discount="0.00" sku="X" total'), 'purchase in purchases has unexpected attribute "sku"'],
  ["money with three decimals", "sale", S.replace("<tax>3.19</tax>", "<tax>3.190</tax>"), 'sale: <tax> in order must be money with exactly two decimals like 19.90, got "3.190"'],
  ["a total that does not add up", "sale", S.replace("<total>43.09</total>", "<total>43.10</total>"), "sale: order <total> 43.10 is not subtotal - discount + tax = 43.09"],
  ["no Email field", "sale", S.replace(/\s*<field name="Email">[^<]*<\/field>/, ""), 'sale: contact is missing the "Email" field'],
  ["an empty Email", "sale", S.replace("ada@example.com", ""), 'contact field "Email" must be an email address, got ""'],
  ["an unknown contact field", "sale", S.replace('name="Email"', 'name="E-mail"'), 'has unknown field "E-mail"'],
  ["a field twice", "sale", S.replace('<field name="City">London</field>', '<field name="City">London</field><field name="City">Paris</field>'), 'has the field "City" twice'],
  ["Affiliate Approved lowercase", "sale", S.replace(">True<", ">true<"), 'field "Affiliate Approved" must be exactly True or False, got "true"'],
  ["no contact", "sale", S.replace(/<contact>[\s\S]*<\/contact>/, ""), "sale: order is missing required element <contact>"],
  ["no Contact Information group", "sale", S.replace('name="Contact Information"', 'name="Affiliate"'), 'contact has the Group_Tag "Affiliate" twice'],
  ["an unknown group", "sale", S.replace('name="Contact Information"', 'name="Billing"'), 'contact Group_Tag attribute "name" must be exactly one of "Contact Information", "Affiliate", got "Billing"'],
  // refund
  ["refund without id", "refund", R.replace('<refund id="R-5521" ', "<refund "), 'refund: refund is missing required attribute "id"'],
  ["refund full capitalised", "refund", R.replace('full="false"', 'full="False"'), 'refund attribute "full" must be "true" or "false", got "False"'],
  ["refund purchase with unit_price", "refund", R.replace('quantity="1" total', 'quantity="1" unit_price="19.95" total'), 'refund: purchase in refund has unexpected attribute "unit_price"'],
  ["refund with shipping", "refund", R.replace("<tax>1.60</tax>", "<shipping>5.00</shipping><tax>1.60</tax>"), "refund: <shipping> is not allowed in refund: ONTRAPORT does not store shipping or handling"],
  ["refund without amount", "refund", R.replace("<amount>21.55</amount>", ""), "refund: refund is missing required element <amount>"],
  ["refund amount that does not add up", "refund", R.replace("<amount>21.55</amount>", "<amount>26.55</amount>"), "refund: refund <amount> 26.55 is not the purchase totals + tax = 21.55"],
  ["refund without purchase", "refund", R.replace(/<purchase [^>]*\/>/, ""), "refund: refund is missing required element <purchase>"],
  ["refund with both purchase and adjustment", "refund", R.replace("<tax>1.60</tax>", "<adjustment>10.00</adjustment><tax>1.60</tax>"), "refund: refund has both <purchase> lines and an <adjustment>"],
  ["adjustment that does not add up", "refund", RA.replace("<amount>10.80</amount>", "<amount>10.00</amount>"), "refund: refund <amount> 10.00 is not the adjustment + tax = 10.80"],
  ["adjustment as a float", "refund", RA.replace("<adjustment>10.00</adjustment>", "<adjustment>10</adjustment>"), '<adjustment> in refund must be money with exactly two decimals like 19.90, got "10"'],
  ["zero adjustment", "refund", RA.replace("<adjustment>10.00</adjustment>", "<adjustment>0.00</adjustment>").replace("<tax>0.80</tax>", "<tax>0.00</tax>").replace("<amount>10.80</amount>", "<amount>0.00</amount>"), '<adjustment> in refund must be more than 0.00, got "0.00"'],
  ["two adjustments", "refund", RA.replace("<tax>0.80</tax>", "<adjustment>1.00</adjustment><tax>0.80</tax>"), "refund has more than one <adjustment>"],
  ["adjustment with an attribute", "refund", RA.replace("<adjustment>", '<adjustment currency="USD">'), "<adjustment> in refund must not have attributes"],
  ["refund order with a date", "refund", R.replace('<order id="DEMO-10042" currency="USD">', '<order id="DEMO-10042" currency="USD" stage="x">'), 'order has unexpected attribute "stage"'],
  ["refund with a float tax", "refund", R.replace("<tax>1.60</tax>", "<tax>1.6</tax>"), '<tax> in refund must be money with exactly two decimals like 19.90, got "1.6"'],
  // auto order
  ["status with a capital", "auto_order_status", A.replace('status="card declined"', 'status="Active"'), 'auto_order attribute "status" must be exactly one of "active", "card declined", "cancelled upgrade", "cancelled downgrade", "cancelled", "terminated", got "Active"'],
  ["status spelt canceled", "auto_order_status", A.replace('status="card declined"', 'status="canceled"'), 'got "canceled"'],
  ["an unknown previous status", "auto_order_status", A.replace('previous_status="active"', 'previous_status="paused"'), 'auto_order attribute "previous_status" must be exactly one of'],
  ["auto order without code", "auto_order_status", A.replace(' code="AO-7F3K2"', ""), 'auto_order_status: auto_order is missing required attribute "code"'],
  ["auto order without original order", "auto_order_status", A.replace(' original_order_id="DEMO-10042"', ""), 'auto_order is missing required attribute "original_order_id"'],
  ["auto order purchase without frequency", "auto_order_status", A.replace(' frequency="Monthly"', ""), 'purchase in auto_order is missing required attribute "frequency"'],
  ["auto order without purchase", "auto_order_status", A.replace(/<purchase [^>]*\/>/, ""), "auto_order is missing required element <purchase>"],
  ["auto order with a bad next attempt", "auto_order_status", A.replace(/next_attempt="[^"]*"/, 'next_attempt="tomorrow"'), 'auto_order attribute "next_attempt" must be empty or an ISO 8601'],
  ["auto order with an order element", "auto_order_status", A.replace("<auto_order ", "<order ").replace("</auto_order>", "</order>"), "auto_order_status: unexpected element <order> in notification"],
  // affiliate
  ["affiliate without the Affiliate group", "affiliate", F.replace(/\s*<Group_Tag name="Affiliate">[\s\S]*?<\/Group_Tag>/, ""), 'affiliate: contact is missing <Group_Tag name="Affiliate">'],
  ["affiliate approved Yes", "affiliate", F.replace(">True<", ">Yes<"), 'affiliate: contact group "Affiliate" field "Affiliate Approved" must be exactly True or False, got "Yes"'],
  ["affiliate approved missing", "affiliate", F.replace(/\s*<field name="Affiliate Approved">[^<]*<\/field>/, ""), 'contact group "Affiliate" is missing the "Affiliate Approved" field'],
  ["affiliate id mismatch", "affiliate", F.replace('<affiliate id="1001">', '<affiliate id="1002">'), 'contact field "AffiliateId" "1001" does not match <affiliate id="1002">'],
  ["affiliate without id", "affiliate", F.replace('<affiliate id="1001">', "<affiliate>"), 'affiliate: affiliate is missing required attribute "id"'],
  ["affiliate without Email", "affiliate", F.replace(/\s*<field name="Email">[^<]*<\/field>/, ""), 'affiliate: contact is missing the "Email" field'],
];

describe("rejections name what is wrong", () => {
  it.each(rejections)("%s", (_name, reqType, xml, expected) => {
    if (xml === SAMPLES[reqType] && !expected.includes("does not match")) throw new Error("test bug: mutation did nothing");
    expect(errorOf(reqType, xml)).toContain(expected);
  });

  it("keeps the parsed fields of a well-formed but invalid notification", () => {
    const r = validateNotification("sale", S.replace("<tax>3.19</tax>", ""));
    expect(r.ok).toBe(false);
    expect(r.parsed?.orderId).toBe("DEMO-10042");
    const bad = validateNotification("sale", "<?xml version=\"1.0\"?><a>");
    expect(bad.parsed).toBeNull();
  });
});

describe("xml helpers", () => {
  it("decodes the five entities and character references", () => {
    expect(decodeEntities("&lt;&gt;&amp;&quot;&apos;&#65;&#x42;")).toBe("<>&\"'AB");
    expect(() => decodeEntities("&copy;")).toThrow("unknown entity");
    expect(() => decodeEntities("a & b")).toThrow("bare");
  });

  it("refuses < inside an attribute value and text outside the root", () => {
    const lt = parseXmlDocument('<?xml version="1.0"?><a b="x < y"/>');
    expect(lt.ok ? "" : lt.error).toContain('contains "<"');
    const text = parseXmlDocument('<?xml version="1.0"?><a/>junk');
    expect(text.ok).toBe(false);
  });
});
