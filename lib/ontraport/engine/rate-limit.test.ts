import { runs } from "@/tools/testing/fc-runs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { available, bucketFor } from "./rate-limit";

describe("rate limit bucket", () => {
  it("has a small burst and refills a little under the limit", () => {
    expect(bucketFor(180)).toEqual({ burst: 3, perSecond: 175 / 60 });
    expect(bucketFor(1).burst).toBe(1);
  });

  it("never lets a greedy sender put more than the limit into any rolling minute", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 50, maxLength: 400 }), (limit, steps) => {
        const shape = bucketFor(limit);
        let tokens = shape.burst;
        let refilled = 0;
        let t = 0;
        const sent: number[] = [];
        for (const step of steps) {
          t += step;
          const avail = available(shape, tokens, new Date(refilled), new Date(t));
          const granted = Math.floor(avail);
          tokens = avail - granted;
          refilled = t;
          for (let i = 0; i < granted; i++) sent.push(t);
        }
        for (let i = 0, j = 0; i < sent.length; i++) {
          while (sent[i]! - sent[j]! >= 60_000) j++;
          expect(i - j + 1).toBeLessThanOrEqual(limit);
        }
      }),
      { numRuns: runs(200) },
    );
  });
});
