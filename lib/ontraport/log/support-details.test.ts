import { describe, expect, it } from "vitest";
import { supportDetails, type SupportDetailsInput } from "./support-details";

const input: SupportDetailsInput = {
  merchant: { id: "DEMO", name: "Demo Outfitters" },
  method: "api",
  keyFingerprint: "3f9a0c1d2e4b",
  publicUrl: "https://shop.example.com/",
  transmission: {
    id: "0b6f1c2e-8d1a-4c55-9a57-3d2f1e9b7a10",
    type: "sale",
    status: "paused",
    description: "Sale DEMO-0000042, 2 items, $43.09",
    trigger: "automatic",
    createdAt: "2026-11-25T17:00:00.000Z",
    deliveredAt: null,
    nextAttemptAt: "2026-11-25T17:05:00.000Z",
    orderId: "DEMO-0000042",
    email: "ada@example.com",
    lastStatusCode: 403,
    lastError: "Key stale (key=demo-ontraport-key)",
    lastResponseBody: "<error>Invalid AppId / Key Combination</error>",
    payload: '<?xml version="1.0"?><notification type="sale"><order id="DEMO-0000042"/></notification>',
    attemptsList: [{ attemptNo: 1, startedAt: "2026-11-25T17:00:01.000Z", durationMs: 41, statusCode: 403, error: "stale key" }],
  },
  order: { id: "DEMO-0000042", themeCode: "HOLIDAY", email: "ada@example.com" },
};

describe("supportDetails", () => {
  const text = supportDetails(input);

  it("lists what ONTRAPORT support asks for", () => {
    expect(text).toContain("Example contact: ada@example.com");
    expect(text).toContain("Order: DEMO-0000042");
    expect(text).toContain("Order form (StoreFront) URL: https://shop.example.com/store/DEMO/HOLIDAY");
    expect(text).toContain("Integration method: API Integration");
    expect(text).toContain("Response code: 403");
    expect(text).toContain("API key fingerprint: 3f9a0c1d2e4b");
    expect(text).toContain("Status: Paused");
    expect(text).toContain('  <order id="DEMO-0000042"/>');
    expect(text).toContain("#1 2026-11-25T17:00:01.000Z  403  41 ms  stale key");
  });

  it("never carries a key", () => {
    expect(text).not.toContain("demo-ontraport-key");
    expect(text).toContain("key=[redacted]");
  });

  it("says so when the entry is not about an order", () => {
    const t = supportDetails({ ...input, order: null, transmission: { ...input.transmission, orderId: null, email: null, type: "fetch_items" } });
    expect(t).toContain("Order: (not about an order)");
    expect(t).toContain("Example contact: (none on this entry)");
  });

  it("says a Conversion Pixel was rendered on the receipt, with its URL, not delivered with attempts", () => {
    const url = "https://x.ontraport.test/p?order_id=DEMO-0000042";
    const t = supportDetails({
      ...input,
      method: "pixel",
      transmission: { ...input.transmission, type: "conversion_pixel", status: "delivered", deliveredAt: "2026-11-25T17:00:00.000Z", lastStatusCode: null, lastError: null, lastResponseBody: null, payload: url, attemptsList: [] },
    });
    expect(t).toContain("Status: Rendered on the receipt");
    expect(t).not.toContain("Status: Delivered");
    expect(t).toContain(`Pixel URL\n${url}`);
    expect(t).not.toContain("Attempts (");
  });
});

describe("supportDetails over REST", () => {
  const text = supportDetails({
    ...input,
    protocol: "rest",
    appId: "2_12345_AbCdEf",
    transmission: {
      ...input.transmission,
      status: "delivered",
      protocol: "rest",
      invoiceId: "981",
      attemptsList: [
        {
          attemptNo: 1,
          startedAt: "2026-11-25T17:00:01.000Z",
          durationMs: 410,
          statusCode: 200,
          error: null,
          requestPayload: "ONTRAPORT REST API: 2 calls\n1. POST /1/Contacts/saveorupdate -> 200 (120 ms)\n2. POST /1/transaction/processManual -> 200 (290 ms)",
        },
      ],
    },
  });

  it("names the protocol, the App ID, the invoice id and the calls instead of XML, with the key's fingerprint only", () => {
    expect(text).toContain("Integration method: API Integration over the ONTRAPORT REST API");
    expect(text).toContain("App ID: 2_12345_AbCdEf");
    expect(text).toContain("ONTRAPORT transaction (invoice) id: 981");
    expect(text).toContain("2. POST /1/transaction/processManual -> 200");
    expect(text).toContain("API key fingerprint: 3f9a0c1d2e4b");
    expect(text).not.toContain("<notification");
  });
});
