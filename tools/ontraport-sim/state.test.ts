import { describe, expect, it } from "vitest";
import { BoundedSet, Ring, SimState, keyFingerprint, normalizeFault } from "./state";

describe("Ring", () => {
  it("keeps the newest `capacity` items, oldest first", () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 7; i++) r.push(i);
    expect(r.length).toBe(3);
    expect(r.toArray()).toEqual([5, 6, 7]);
    expect(r.toArray((n) => n % 2 === 1)).toEqual([5, 7]);
    r.clear();
    expect(r.toArray()).toEqual([]);
    r.push(9);
    expect(r.toArray()).toEqual([9]);
  });
});

describe("BoundedSet", () => {
  it("forgets its oldest members", () => {
    const s = new BoundedSet(2);
    s.add("a");
    s.add("b");
    s.add("c");
    expect(s.has("a")).toBe(false);
    expect(s.has("b") && s.has("c")).toBe(true);
  });
});

describe("keyFingerprint", () => {
  it("is the first 12 hex digits of sha256", () => {
    // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    expect(keyFingerprint("abc")).toBe("ba7816bf8f01");
  });
});

describe("normalizeFault", () => {
  it("defaults count to 1 and reqTypes to the four notifications", () => {
    expect(normalizeFault({ status: 500 })).toEqual({
      count: 1,
      status: 500,
      reqTypes: ["sale", "refund", "auto_order_status", "affiliate"],
    });
  });

  it.each([
    [{ count: 0, status: 500 }, "count must be a positive integer"],
    [{ count: 1 }, "a fault needs one of"],
    [{ count: 1, status: 99 }, "status must be"],
    [{ count: 1, status: 500, drop: true }, "exclude each other"],
    [{ count: 1, delayMs: -1 }, "delayMs must be"],
    [{ count: 1, drop: "yes" }, "drop must be true or false"],
    [{ count: 1, status: 500, reqTypes: [] }, "reqTypes must be"],
    [{ count: 1, status: 500, colour: "red" }, 'unknown fault field "colour"'],
    [[], "fault must be a JSON object"],
  ])("refuses %j", (input, message) => {
    expect(() => normalizeFault(input)).toThrow(message);
  });
});

describe("SimState faults", () => {
  it("hands out faults in order, decrementing counts, only to matching reqTypes", () => {
    const s = new SimState({ keys: [], maxNotifications: 10, maxPixels: 10, maxTransmissionIds: 10 });
    s.addFault(normalizeFault({ count: 2, status: 500 }));
    s.addFault(normalizeFault({ count: 1, drop: true, reqTypes: ["key"] }));
    expect(s.takeFault("key")).toEqual({ drop: true });
    expect(s.takeFault("key")).toBeUndefined();
    expect(s.pendingFaults()).toMatchObject([{ count: 2, status: 500 }]);
    expect(s.takeFault("sale")).toEqual({ status: 500 });
    expect(s.takeFault("refund")).toEqual({ status: 500 });
    expect(s.takeFault("sale")).toBeUndefined();
  });

  it("reset keeps keys unless asked", () => {
    const s = new SimState({ keys: ["a"], maxNotifications: 10, maxPixels: 10, maxTransmissionIds: 10 });
    s.setKey("a", "stale");
    s.setKey("b", "valid");
    s.reset();
    expect(s.keyState("a")).toBe("stale");
    expect(s.keyState("b")).toBe("valid");
    s.reset({ keys: true });
    expect(s.keyState("a")).toBe("valid");
    expect(s.keyState("b")).toBeUndefined();
  });
});
