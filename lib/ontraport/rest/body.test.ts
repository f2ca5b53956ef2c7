import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runs } from "@/tools/testing/fc-runs";
import { saleTotalCents } from "../xml/payload";
import { sale } from "./fixtures";
import { buildProcessManualBody, taxName } from "./sale";

// The processManual body, pure: totals come from integer cents and never carry shipping or handling.

const cents = (n: unknown): number => Math.round(Number(n) * 100);

describe("buildProcessManualBody", () => {
  it("grandTotal is subtotal - discounts + tax; subTotal and line totals round-trip to the cent", () => {
    const line = fc.record({
      productName: fc.constantFrom("Widget", "Gadget", "Gizmo"),
      itemId: fc.constantFrom("W", "G", "Z"),
      quantity: fc.integer({ min: 1, max: 50 }),
      unitPriceCents: fc.integer({ min: 0, max: 10_000_000 }),
      discountPct: fc.integer({ min: 0, max: 100 }),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 2_000 }), (raw, bp) => {
        const lines = raw.map((l) => {
          const gross = l.unitPriceCents * l.quantity;
          const discountCents = Math.floor((gross * l.discountPct) / 100);
          return { productName: l.productName, itemId: l.itemId, quantity: l.quantity, unitPriceCents: l.unitPriceCents, discountCents, totalCents: gross - discountCents };
        });
        const s = sale("O-1", { lines });
        const body = buildProcessManualBody(s, { contactId: "12", productIds: { Widget: "1", Gadget: "2", Gizmo: "3" }, taxId: "4" }, { taxRateBasisPoints: bp });
        const offer = body.offer as Record<string, unknown>;
        expect(cents(offer.grandTotal)).toBe(saleTotalCents(s));
        expect(cents(offer.subTotal)).toBe(s.order.subtotalCents - s.order.discountCents);
        expect(offer.hasShipping).toBe(false);
        const products = offer.products as Array<Record<string, unknown>>;
        expect(products.map((p) => cents(p.total))).toEqual(lines.map((l) => l.totalCents));
        expect(products.every((p) => p.shipping === false)).toBe(true);
        const taxes = offer.taxes as Array<Record<string, unknown>>;
        if (s.order.taxCents > 0) expect(taxes).toEqual([{ id: 4, name: taxName(bp), rate: bp / 100, taxShipping: false, taxTotal: s.order.taxCents / 100 }]);
        else expect(taxes).toEqual([]);
        expect(JSON.stringify(body)).not.toMatch(/shipping":true|handling/i);
      }),
      { numRuns: runs(300) },
    );
  });

  it("names the tax by its rate and sends the order id as external_order_id, the paid time in ms", () => {
    expect(taxName(800)).toBe("Sales tax 8%");
    expect(taxName(825)).toBe("Sales tax 8.25%");
    const paidAt = new Date("2026-11-25T17:30:00.123Z");
    const body = buildProcessManualBody(sale("DEMO-0000042"), { contactId: "c-7", productIds: { Widget: "1", Gadget: "2" }, taxId: "3" }, { paidAt });
    expect(body).toMatchObject({ contact_id: "c-7", chargeNow: "chargeLog", invoice_template: -1, external_order_id: "DEMO-0000042", trans_date: paidAt.getTime() });
    expect(() => buildProcessManualBody(sale("X"), { contactId: "1", productIds: {}, taxId: "3" })).toThrow('no ONTRAPORT product id for "Widget"');
  });
});
