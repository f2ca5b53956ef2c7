import { describe, expect, it } from "vitest";
import { buyerTags, factsFromJson, factsToJson, type RestFacts } from "./facts";
import { sale as saleFixture } from "./fixtures";

describe("REST facts as stored JSON", () => {
  it("a Sale's facts come back with their dates, tags and paid time", () => {
    const sale = saleFixture("DEMO-0000001");
    const facts: RestFacts = { kind: "sale", sale, tags: ["Apparel"], paidAt: new Date("2026-11-30T10:00:00Z") };
    const back = factsFromJson(JSON.parse(JSON.stringify(factsToJson(facts))));
    expect(back).toEqual(facts);
    if (back.kind !== "sale") throw new Error("kind");
    expect(back.sale.order.date).toBeInstanceOf(Date);
    expect(back.sale.order.date.getTime()).toBe(sale.order.date.getTime());
  });

  it("refuses what it did not write", () => {
    expect(() => factsFromJson(null)).toThrow(/no object/);
    expect(() => factsFromJson({ kind: "nope" })).toThrow(/unknown kind/);
    expect(() => factsFromJson({ kind: "sale", sale: { created: "x", order: { date: "not a date" } } })).toThrow(/invalid date/);
  });

  it("buyer tags: items' comma-separated tags then the store-wide tag, once each ignoring case, blanks dropped", () => {
    expect(buyerTags(["Shirts, Red things", null, "shirts,  ,Course"], " Customer ")).toEqual(["Shirts", "Red things", "Course", "Customer"]);
    expect(buyerTags([], "")).toEqual([]);
  });
});
