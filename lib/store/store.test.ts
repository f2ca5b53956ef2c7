import { describe, expect, it } from "vitest";
import { luhnValid, simulatePayment, TEST_CARDS } from "./payments";
import { priceCart } from "./pricing";
import { addToCart, parseCart, serializeCart, setQuantity } from "./cart";
import { affiliateFromParams, parseAffiliateCookie, serializeAffiliate } from "./affiliate";

describe("simulated payments", () => {
  const base = { hasPreorder: false, hasRecurring: false };
  it("maps every test card and method to its stage", () => {
    expect(simulatePayment({ ...base, choice: "card", cardNumber: "4111 1111 1111 1111" })).toMatchObject({ ok: true, stage: "Shipping Department", paymentStatus: "Processed", cardLast4: "1111" });
    expect(simulatePayment({ ...base, choice: "card", cardNumber: TEST_CARDS.declined })).toMatchObject({ ok: false, field: "cardNumber" });
    expect(simulatePayment({ ...base, choice: "card", cardNumber: TEST_CARDS.fraudReview })).toMatchObject({ ok: true, stage: "Fraud Review", paymentStatus: "Authorized" });
    expect(simulatePayment({ ...base, choice: "echeck" })).toMatchObject({ ok: true, stage: "Pending Clearance", paymentMethod: "eCheck" });
    expect(simulatePayment({ ...base, choice: "purchase_order" })).toMatchObject({ ok: true, stage: "Accounts Receivable", paymentStatus: "Unprocessed" });
    expect(simulatePayment({ ...base, choice: "quote" })).toMatchObject({ ok: true, stage: "Quote Request", paymentMethod: "Quote Request" });
    expect(simulatePayment({ ...base, hasPreorder: true, choice: "card", cardNumber: TEST_CARDS.approved })).toMatchObject({ ok: true, stage: "Pre-ordered" });
  });
  it("refuses invalid numbers and non-card subscriptions", () => {
    expect(simulatePayment({ ...base, choice: "card", cardNumber: "4111 1111 1111 1112" })).toMatchObject({ ok: false, field: "cardNumber" });
    expect(simulatePayment({ ...base, hasRecurring: true, choice: "echeck" })).toMatchObject({ ok: false, field: "paymentChoice" });
    expect(luhnValid("4000000000000259")).toBe(true);
    expect(luhnValid("abc")).toBe(false);
  });
});

describe("pricing", () => {
  it("taxes 8% after discount rounded half up, flat $5.00 shipping", () => {
    expect(priceCart([{ unitPriceCents: 1995, quantity: 2 }, { unitPriceCents: 1250, quantity: 1 }])).toEqual({ subtotalCents: 5240, discountCents: 0, taxCents: 419, shippingHandlingCents: 500, totalCents: 6159 });
    // 0.5 cent rounds up: 8% of 1.25 is 0.1 → 10 cents; 8% of 0.0625... use 6.25 → 0.5 → 1 cent
    expect(priceCart([{ unitPriceCents: 625, quantity: 1 }]).taxCents).toBe(50);
    expect(priceCart([{ unitPriceCents: 1, quantity: 7 }]).taxCents).toBe(1); // 0.56 → 1
    expect(priceCart([]).totalCents).toBe(0);
  });
});

describe("cart cookie", () => {
  it("round-trips, merges and ignores garbage", () => {
    let c = addToCart([], "A");
    c = addToCart(c, "A", 2);
    c = addToCart(c, "B");
    expect(parseCart(serializeCart(c))).toEqual([{ itemId: "A", quantity: 3 }, { itemId: "B", quantity: 1 }]);
    expect(setQuantity(c, "A", 0)).toEqual([{ itemId: "B", quantity: 1 }]);
    expect(setQuantity(c, "A", 500)[0]!.quantity).toBe(99);
    expect(parseCart("not json")).toEqual([]);
    expect(parseCart('[["A",-3],["B","x"],{"a":1}]')).toEqual([]);
  });
});

describe("affiliate links", () => {
  it("reads aff or orid with sid and keeps the cookie format strict", () => {
    expect(affiliateFromParams({ aff: "1001" })).toEqual({ affiliateId: 1001, subId: null });
    expect(affiliateFromParams({ orid: "1002", sid: "spring" })).toEqual({ affiliateId: 1002, subId: "spring" });
    expect(affiliateFromParams({ aff: "1001<script>" })).toBeNull();
    expect(affiliateFromParams({ aff: "1001", sid: "a b" })).toEqual({ affiliateId: 1001, subId: null });
    expect(parseAffiliateCookie(serializeAffiliate({ affiliateId: 7, subId: "x" }))).toEqual({ affiliateId: 7, subId: "x" });
    expect(parseAffiliateCookie("7~bad value")).toBeNull();
    expect(parseAffiliateCookie("7%7Ex")).toEqual({ affiliateId: 7, subId: "x" });
  });
});
