import { runs } from "@/tools/testing/fc-runs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseForm } from "./server";

describe("parseForm", () => {
  it("agrees with URLSearchParams.get on key, reqType and data", () => {
    const field = fc.constantFrom("key", "reqType", "data", "appid", "", "k%65y", "data+");
    const value = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.constantFrom("%", "%zz", "%E2%82", "a+b", "=", "&"));
    const raw = fc.string({ unit: fc.constantFrom("a", "=", "&", "%", "+", "2", "B", "k", "e", "y", "%3D", "%26") });
    const body = fc.oneof(
      fc.array(fc.tuple(field, value)).map((pairs) => new URLSearchParams(pairs).toString()),
      fc.array(fc.tuple(field, raw)).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&")),
      raw,
    );
    fc.assert(
      fc.property(body, (b) => {
        const ours = parseForm(b);
        const ref = new URLSearchParams(b);
        for (const name of ["key", "reqType", "data"] as const) {
          expect(ours[name] ?? null).toBe(ref.get(name));
        }
      }),
      { numRuns: runs(2000) },
    );
  });

  it("decodes a notification form", () => {
    const xml = '<?xml version="1.0"?><a b="x & y">é + 100%</a>';
    expect(parseForm(new URLSearchParams({ key: "k 1", reqType: "sale", data: xml }).toString())).toEqual({
      key: "k 1",
      reqType: "sale",
      data: xml,
    });
  });
});
