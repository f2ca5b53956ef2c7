import type { AffiliateSnapshot, AutoOrderStatusSnapshot, ContactSnapshot, RefundSnapshot, SaleSnapshot } from "../xml/payload";

// Snapshots for the REST tests (the same types the XML builders take).

export function contact(over: Partial<ContactSnapshot> = {}): ContactSnapshot {
  return {
    firstName: "Ann",
    lastName: "Lee",
    email: "ann@example.com",
    company: "ACME",
    address1: "1 Main St",
    address2: "",
    city: "Austin",
    state: "TX",
    zip: "78701",
    country: "US",
    phone: "5125550100",
    affiliate: null,
    ...over,
  };
}

const header = { transmissionId: "00000000-0000-4000-8000-000000000001", merchantId: "DEMO", created: new Date("2026-11-25T17:00:00Z") };

/**
 * Widget x 2 at 10.00 and Gadget x 1 at 5.00, 8% tax: subtotal 25.00, tax 2.00. The store's order
 * total also holds 5.00 shipping and handling (32.00); ONTRAPORT gets 27.00.
 */
export function sale(orderId: string, over: { contact?: ContactSnapshot; date?: Date; lines?: SaleSnapshot["order"]["lines"] } = {}): SaleSnapshot {
  const lines = over.lines ?? [
    { productName: "Widget", itemId: "WID-1", quantity: 2, unitPriceCents: 1000, discountCents: 0, totalCents: 2000 },
    { productName: "Gadget", itemId: "GAD-1", quantity: 1, unitPriceCents: 500, discountCents: 0, totalCents: 500 },
  ];
  const subtotalCents = lines.reduce((s, l) => s + l.unitPriceCents * l.quantity, 0);
  const discountCents = lines.reduce((s, l) => s + l.discountCents, 0);
  return {
    ...header,
    order: {
      id: orderId,
      date: over.date ?? new Date("2026-11-25T16:59:12Z"),
      currency: "USD",
      stage: "Shipping Department",
      paymentMethod: "Credit Card",
      theme: "DEFAULT",
      contact: over.contact ?? contact(),
      lines,
      subtotalCents,
      discountCents,
      taxCents: Math.round(((subtotalCents - discountCents) * 8) / 100),
    },
  };
}

export function refund(orderId: string, kind: "full" | "partial" | "adjustment", code = "R-1"): RefundSnapshot {
  const lines =
    kind === "adjustment"
      ? []
      : kind === "full"
        ? [
            { productName: "Widget", itemId: "WID-1", quantity: 2, totalCents: 2000 },
            { productName: "Gadget", itemId: "GAD-1", quantity: 1, totalCents: 500 },
          ]
        : [{ productName: "Gadget", itemId: "GAD-1", quantity: 1, totalCents: 500 }];
  const merchandiseCents = kind === "full" ? 2500 : kind === "partial" ? 500 : 300;
  return {
    ...header,
    order: { id: orderId, currency: "USD", contact: contact() },
    refund: { code, date: new Date("2026-11-26T10:00:00Z"), full: kind === "full", reason: kind === "adjustment" ? "Scratched box" : "Changed mind", lines, merchandiseCents, taxCents: Math.round(merchandiseCents * 0.08) },
  };
}

export function autoOrderStatus(status: string, previousStatus: string | null): AutoOrderStatusSnapshot {
  return {
    ...header,
    autoOrder: {
      code: "AO-1",
      originalOrderId: "DEMO-1",
      status,
      previousStatus,
      date: new Date("2026-12-25T10:00:00Z"),
      nextAttempt: null,
      contact: contact(),
      purchase: { productName: "Coffee Club", itemId: "COF-1", quantity: 1, unitPriceCents: 2000, frequency: "Monthly" },
    },
  };
}

export function affiliateSignup(id: number, approved: boolean): AffiliateSnapshot {
  return {
    ...header,
    affiliate: { id, contact: contact({ firstName: "Pat", lastName: "Partner", email: "pat@example.com", company: "", address1: "", city: "", state: "", zip: "", country: "", phone: "", affiliate: { id, approved } }) },
  };
}
