import { describe, expect, it } from "vitest";
import { receivedByOntraport } from "./received";

const sale = `<?xml version="1.0" encoding="UTF-8"?><notification type="sale"><merchant id="DEMO"/><order id="DEMO-1"><subtotal>39.90</subtotal><tax>3.19</tax><total>43.09</total></order></notification>`;
const refund = `<?xml version="1.0" encoding="UTF-8"?><notification type="refund"><order id="DEMO-1"><refund id="R-1"><tax>1.60</tax><amount>21.55</amount></refund></order></notification>`;

describe("receivedByOntraport", () => {
  it("reads the sale total and sums refund amounts from delivered payloads", () => {
    expect(receivedByOntraport([{ type: "sale", payload: sale }, { type: "refund", payload: refund }, { type: "refund", payload: refund }])).toEqual({ saleCents: 4309, refundedCents: 4310 });
  });
  it("takes the newest sale first and survives broken payloads", () => {
    const newer = sale.replace("43.09", "50.00");
    expect(receivedByOntraport([{ type: "sale", payload: newer }, { type: "sale", payload: sale }, { type: "refund", payload: "<<<" }])).toEqual({ saleCents: 5000, refundedCents: 0 });
    expect(receivedByOntraport([])).toEqual({ saleCents: null, refundedCents: 0 });
  });
});
