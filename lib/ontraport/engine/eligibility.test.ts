import { describe, expect, it } from "vitest";
import { ORDER_STAGES } from "@/lib/db/schema";
import { changeVerdict, manualResendProblem, refundVerdict, saleVerdict, type ApiConfigFacts } from "./eligibility";

const enabledAt = new Date("2026-11-01T00:00:00Z");
const api: ApiConfigFacts = { method: "api", hasKey: true, enabledAt };
const paidAt = new Date("2026-11-20T00:00:00Z");

describe("eligibility", () => {
  it("sends a Sale only for paid stages with a processed payment", () => {
    for (const stage of ORDER_STAGES) {
      const v = saleVerdict(api, { stage, paymentStatus: "Processed", paidAt });
      expect(v.send, stage).toBe(stage === "Shipping Department" || stage === "Completed Order");
    }
    expect(saleVerdict(api, { stage: "Shipping Department", paymentStatus: "Authorized", paidAt }).send).toBe(false);
  });

  it("sends nothing when the integration is off, on the Pixel method or without a key", () => {
    const order = { stage: "Completed Order" as const, paymentStatus: "Processed" as const, paidAt };
    expect(saleVerdict(null, order).send).toBe(false);
    expect(saleVerdict({ ...api, method: "off" }, order).send).toBe(false);
    expect(saleVerdict({ ...api, method: "pixel" }, order).send).toBe(false);
    expect(saleVerdict({ ...api, hasKey: false }, order).send).toBe(false);
    expect(changeVerdict({ ...api, method: "pixel" }, paidAt).send).toBe(false);
    expect(refundVerdict({ ...api, method: "off" }, { saleExists: true }).send).toBe(false);
  });

  it("does not replay orders paid before the API was switched on", () => {
    const v = saleVerdict(api, { stage: "Completed Order", paymentStatus: "Processed", paidAt: new Date("2026-10-31T23:59:59Z") });
    expect(v).toMatchObject({ send: false, reason: expect.stringContaining("before") });
    expect(changeVerdict(api, new Date("2026-10-01T00:00:00Z")).send).toBe(false);
    expect(changeVerdict(api, paidAt).send).toBe(true);
  });

  it("sends a refund only after a Sale exists, and logs why otherwise", () => {
    expect(refundVerdict(api, { saleExists: true }).send).toBe(true);
    expect(refundVerdict(api, { saleExists: false })).toMatchObject({ send: false, log: true });
  });

  it("explains why a manual resend is refused", () => {
    expect(manualResendProblem(api, { stage: "Completed Order", paymentStatus: "Processed" })).toBeNull();
    expect(manualResendProblem(api, { stage: "Fraud Review", paymentStatus: "Authorized" })).toMatch(/Fraud Review/);
    expect(manualResendProblem({ ...api, method: "pixel" }, { stage: "Completed Order", paymentStatus: "Processed" })).toMatch(/API/);
  });
});
