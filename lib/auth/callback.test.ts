import { describe, expect, it } from "vitest";
import { safeCallback } from "./callback";

describe("safeCallback", () => {
  it("keeps same-site paths and strips hosts so sign-in never redirects off-site", () => {
    expect(safeCallback("/orders?stage=Fraud%20Review")).toBe("/orders?stage=Fraud%20Review");
    expect(safeCallback("http://localhost:3000/items")).toBe("/items");
    expect(safeCallback("https://evil.example/steal")).toBe("/steal");
    expect(safeCallback("//evil.example")).toBe("/");
    expect(safeCallback("/login")).toBe("/");
    expect(safeCallback(undefined)).toBe("/");
  });
});
