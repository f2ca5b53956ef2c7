import fs from "node:fs";
import path from "node:path";
import { runs } from "@/tools/testing/fc-runs";
import fc from "fast-check";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import {
  buildAffiliateXml,
  buildAutoOrderStatusXml,
  buildRefundXml,
  buildSaleXml,
  cleanXmlValue,
  describeSale,
  productNameFor,
  type AffiliateSnapshot,
  type AutoOrderStatusSnapshot,
  type ContactSnapshot,
  type RefundSnapshot,
  type SaleSnapshot,
} from "./payload";

const GOLDEN = path.join(__dirname, "golden");
const created = new Date("2026-11-25T17:00:00.123Z");

const ada: ContactSnapshot = {
  firstName: "Ada",
  lastName: "Lovelace",
  email: "ada@example.com",
  company: "Analytical Engines",
  address1: "12 St James's Sq",
  address2: "",
  city: "London",
  state: "LND",
  zip: "SW1Y 4LB",
  country: "GB",
  phone: "+44 20 0000 0000",
  affiliate: { id: 1001, approved: true },
};

const sale: SaleSnapshot = {
  transmissionId: "0b6f1c2e-8d1a-4c55-9a57-3d2f1e9b7a10",
  merchantId: "DEMO",
  created,
  order: {
    id: "DEMO-10042",
    date: new Date("2026-11-25T16:59:12Z"),
    currency: "USD",
    stage: "Shipping Department",
    paymentMethod: "Credit Card",
    theme: "DEFAULT",
    contact: ada,
    lines: [{ productName: "Red Shirt", itemId: "SHIRT-RED", quantity: 2, unitPriceCents: 1995, discountCents: 0, totalCents: 3990 }],
    subtotalCents: 3990,
    discountCents: 0,
    taxCents: 319,
  },
};

const refund: RefundSnapshot = {
  transmissionId: "1c6f1c2e-8d1a-4c55-9a57-3d2f1e9b7a11",
  merchantId: "DEMO",
  created,
  order: { id: "DEMO-10042", currency: "USD", contact: ada },
  refund: {
    code: "R-5521",
    date: new Date("2026-11-26T09:00:00Z"),
    full: false,
    reason: "Damaged",
    lines: [{ productName: "Red Shirt", itemId: "SHIRT-RED", quantity: 1, totalCents: 1995 }],
    merchandiseCents: 1995,
    taxCents: 160,
  },
};

const autoOrder: AutoOrderStatusSnapshot = {
  transmissionId: "2d6f1c2e-8d1a-4c55-9a57-3d2f1e9b7a12",
  merchantId: "DEMO",
  created,
  autoOrder: {
    code: "AO-7F3K2",
    originalOrderId: "DEMO-10042",
    status: "card declined",
    previousStatus: "active",
    date: new Date("2026-12-25T08:00:00Z"),
    nextAttempt: new Date("2026-12-28T08:00:00Z"),
    contact: { ...ada, affiliate: null },
    purchase: { productName: "Coffee Club", itemId: "CLUB-MONTHLY", quantity: 1, unitPriceCents: 2900, frequency: "Monthly" },
  },
};

const affiliate: AffiliateSnapshot = {
  transmissionId: "3e6f1c2e-8d1a-4c55-9a57-3d2f1e9b7a13",
  merchantId: "DEMO",
  created,
  affiliate: {
    id: 1001,
    contact: { ...ada, firstName: "Pat", lastName: "Partner", email: "pat@partners.test", company: "", address1: "", city: "", state: "", zip: "", country: "", phone: "" },
  },
};

function golden(name: string, xml: string) {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(file, xml);
  expect(xml).toBe(fs.readFileSync(file, "utf8"));
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => ["field", "purchase", "Group_Tag"].includes(name),
});

type Parsed = Record<string, unknown>;
function fieldsOf(contact: Parsed): Record<string, string> {
  const out: Record<string, string> = {};
  for (const g of contact.Group_Tag as Parsed[]) for (const f of g.field as Parsed[]) out[f["@_name"] as string] = (f["#text"] as string | undefined) ?? "";
  return out;
}

describe("notification XML", () => {
  it("matches the golden sale", () => golden("sale.xml", buildSaleXml(sale)));
  it("matches the golden refund", () => golden("refund.xml", buildRefundXml(refund)));
  it("matches the golden auto order status", () => golden("auto_order_status.xml", buildAutoOrderStatusXml(autoOrder)));
  it("matches the golden affiliate", () => golden("affiliate.xml", buildAffiliateXml(affiliate)));

  it("never carries shipping or handling, and totals subtotal - discount + tax", () => {
    const xml = buildSaleXml({ ...sale, order: { ...sale.order, discountCents: 500 } });
    expect(xml).not.toMatch(/<\/?\w*(shipping|handling)|\s\w*(shipping|handling)\w*=/i);
    expect(xml).toContain("<total>38.09</total>");
  });

  it("describes a sale in words", () => {
    expect(describeSale(sale)).toBe("Sale DEMO-10042, 2 items, $43.09");
  });

  it("maps the product name from oapProductid, else the item ID", () => {
    expect(productNameFor("SHIRT-RED", { oapProductid: "Red Shirt" })).toBe("Red Shirt");
    expect(productNameFor("MUG", { oapProductid: "  " })).toBe("MUG");
    expect(productNameFor("MUG", {})).toBe("MUG");
  });

  it("strips characters XML 1.0 forbids", () => {
    expect(cleanXmlValue("a\u0000b\u0008c\uFFFEd\uD800e\u{1F600}")).toBe("abcde\u{1F600}");
    expect(cleanXmlValue(" line1\r\nline2\t ")).toBe("line1  line2");
  });

  it("parses back to the same cleaned values, whatever the customer typed", () => {
    fc.assert(
      fc.property(
        fc.record({
          firstName: fc.string({ unit: "binary" }),
          lastName: fc.constantFrom("<", "&", "]]>", "\"'", "😀", "\u0000", "a\r\nb").chain((s) => fc.string().map((x) => s + x)),
          company: fc.string({ unit: "grapheme" }),
          city: fc.string({ unit: "binary-ascii" }),
          productName: fc.string({ unit: "binary" }),
          reason: fc.string({ unit: "binary" }),
        }),
        (v) => {
          const contact = { ...ada, firstName: v.firstName, lastName: v.lastName, company: v.company, city: v.city };
          const s: SaleSnapshot = { ...sale, order: { ...sale.order, contact, lines: [{ ...sale.order.lines[0]!, productName: v.productName }] } };
          const xml = buildSaleXml(s);
          expect(XMLValidator.validate(xml)).toBe(true);
          const doc = parser.parse(xml) as Parsed;
          const order = (doc.notification as Parsed).order as Parsed;
          const f = fieldsOf(order.contact as Parsed);
          expect(f["First Name"]).toBe(cleanXmlValue(v.firstName));
          expect(f["Last Name"]).toBe(cleanXmlValue(v.lastName));
          expect(f.Company).toBe(cleanXmlValue(v.company));
          expect(f.City).toBe(cleanXmlValue(v.city));
          const p = ((order.purchases as Parsed).purchase as Parsed[])[0]!;
          expect(p["@_product_name"]).toBe(cleanXmlValue(v.productName));

          const r = buildRefundXml({ ...refund, refund: { ...refund.refund, reason: v.reason } });
          expect(XMLValidator.validate(r)).toBe(true);
          const rd = parser.parse(r) as Parsed;
          expect((((rd.notification as Parsed).order as Parsed).refund as Parsed)["@_reason"]).toBe(cleanXmlValue(v.reason));
        },
      ),
      { numRuns: runs(300) },
    );
  });
});
