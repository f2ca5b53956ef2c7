import { describe, expect, it } from "vitest";
import { runs } from "@/tools/testing/fc-runs";
import fc from "fast-check";
import { isDnsHostName, normalizeSubdomain, pixelUrlExample } from "./subdomain";

const prod = { allowLocal: false };
const dev = { allowLocal: true };

describe("normalizeSubdomain", () => {
  it.each([
    ["ontraport.ontraport.com", "ontraport.ontraport.com"],
    ["  Ontraport.Ontraport.COM  ", "ontraport.ontraport.com"],
    ["https://ontraport.ontraport.com/p?order_id=1&email=a%40b.c", "ontraport.ontraport.com"],
    ["http://shop.ontraport.net/", "shop.ontraport.net"],
    ["HTTPS://my-brand.ontraport.com:443/p", "my-brand.ontraport.com"],
    ["ontraport.ontraport.com/p?x=1", "ontraport.ontraport.com"],
    ["xn--bcher-kva.example.", "xn--bcher-kva.example"],
  ])("keeps only the host of %j", (input, host) => {
    expect(normalizeSubdomain(input, prod)).toEqual({ ok: true, host });
  });

  it.each([
    "",
    "   ",
    "https://",
    "http://",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,hi",
    "ontraport ontraport.com",
    'ontraport.com"onerror="x',
    "ontraport.com'",
    "<script>.com",
    "ontraport.com>",
    "127.0.0.1",
    "10.0.0.1",
    "https://192.168.1.1/p",
    "[::1]",
    "https://[::1]:8080/",
    "localhost",
    "localhost:4010",
    "ontraport",
    "-bad.example.com",
    "bad-.example.com",
    "under_score.example.com",
    "a..b.com",
    "user@ontraport.com",
    "https://user:pw@ontraport.com/",
    "ontraport.com:8080",
    "ftp://ontraport.com/",
    `${"a".repeat(64)}.com`,
    "tab\there.com",
  ])("refuses %j with a message", (input) => {
    const r = normalizeSubdomain(input, prod);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(10);
  });

  it("accepts localhost and 127.0.0.1 with an optional port only when local hosts are allowed", () => {
    expect(normalizeSubdomain("localhost", dev)).toEqual({ ok: true, host: "localhost" });
    expect(normalizeSubdomain("http://127.0.0.1:4010/p?order_id=1", dev)).toEqual({ ok: true, host: "127.0.0.1:4010" });
    expect(normalizeSubdomain("localhost:4010", dev)).toEqual({ ok: true, host: "localhost:4010" });
    expect(normalizeSubdomain("10.0.0.1", dev).ok).toBe(false);
    expect(normalizeSubdomain("javascript:alert(1)", dev).ok).toBe(false);
    expect(normalizeSubdomain("localhost:99999", dev).ok).toBe(false);
  });

  it("never lets through anything that could break out of an img src attribute", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const r = normalizeSubdomain(s, dev);
        if (r.ok) {
          expect(r.host).toMatch(/^[a-z0-9.-]+(?::[0-9]{1,5})?$/);
          expect(isDnsHostName(r.host) || /^(localhost|127\.0\.0\.1)(:[0-9]+)?$/.test(r.host)).toBe(true);
        }
      }),
      { numRuns: runs(2000) },
    );
  });

  it("shows the pixel URL with https, or http for the local simulator", () => {
    expect(pixelUrlExample("ontraport.ontraport.com")).toBe("https://ontraport.ontraport.com/p?order_id=…");
    expect(pixelUrlExample("127.0.0.1:4010")).toBe("http://127.0.0.1:4010/p?order_id=…");
  });
});
