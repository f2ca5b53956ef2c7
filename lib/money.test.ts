import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatDecimal, formatMoney, mulDivRoundHalfUp, parseMoney } from "./money";

describe("money", () => {
  it("formats two decimal places, never float noise", () => {
    expect(formatDecimal(1990)).toBe("19.90");
    expect(formatDecimal(5)).toBe("0.05");
    expect(formatDecimal(-125)).toBe("-1.25");
    expect(formatMoney(104309)).toBe("$1,043.09");
  });
  it("parses what merchants type and refuses the rest", () => {
    expect(parseMoney("19.9")).toBe(1990);
    expect(parseMoney("$1,019.90")).toBe(101990);
    expect(parseMoney("-1")).toBeNull();
    expect(parseMoney("1.999")).toBeNull();
    expect(parseMoney("abc")).toBeNull();
  });
  it("round-trips any amount", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999 }), (c) => parseMoney(formatDecimal(c)) === c));
  });
  it("rounds proportional tax half up (the protocol's example)", () => {
    expect(mulDivRoundHalfUp(319, 1995, 3990)).toBe(160);
  });
});
