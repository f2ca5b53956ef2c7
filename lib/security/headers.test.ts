import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce, securityHeaders } from "./headers";

describe("security headers", () => {
  it("allows scripts only with the request's nonce, never unsafe-inline", () => {
    const csp = contentSecurityPolicy({ nonce: "abc", pathname: "/orders" });
    const script = csp.split("; ").find((d) => d.startsWith("script-src"))!;
    expect(script).toBe("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("img-src 'self' data: blob:");
  });
  it("starts StoreFront policies from default-src 'self' too, leaving images to the per-theme policy", () => {
    const csp = contentSecurityPolicy({ nonce: "abc", pathname: "/store/DEMO/DEFAULT/receipt/x" });
    expect(csp.split("; ")[0]).toBe("default-src 'self'");
    expect(csp).toContain("img-src * data:");
    expect(csp).toContain("'nonce-abc'");
  });
  it("sends HSTS only over HTTPS and no referrer from StoreFront pages", () => {
    expect(securityHeaders({ nonce: "n", pathname: "/", https: false })["Strict-Transport-Security"]).toBeUndefined();
    expect(securityHeaders({ nonce: "n", pathname: "/", https: true })["Strict-Transport-Security"]).toMatch(/max-age=\d+/);
    expect(securityHeaders({ nonce: "n", pathname: "/store/DEMO/DEFAULT", https: false })["Referrer-Policy"]).toBe("no-referrer");
    expect(securityHeaders({ nonce: "n", pathname: "/orders", https: false })["X-Content-Type-Options"]).toBe("nosniff");
  });
  it("makes a fresh unpredictable nonce each time", () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(newNonce()).not.toBe(a);
  });
});
