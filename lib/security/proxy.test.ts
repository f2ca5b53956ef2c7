import { beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";

describe("proxy", () => {
  let proxy: (req: NextRequest, ctx: unknown) => Promise<Response>;
  beforeAll(async () => {
    process.env.AUTH_SECRET ??= "x".repeat(40);
    ({ proxy } = (await import("@/proxy")) as unknown as { proxy: typeof proxy });
  });

  it("answers 413 with a short message for a body over 1 MB, before anything reads it", async () => {
    const big = new NextRequest("http://127.0.0.1:3000/store/DEMO/DEFAULT/checkout", { method: "POST", headers: { "content-length": String(1024 * 1024 + 1), "content-type": "multipart/form-data; boundary=x" } });
    const res = await proxy(big, {});
    expect(res.status).toBe(413);
    const text = await res.text();
    expect(text).toMatch(/too large/);
    expect(text.length).toBeLessThan(200);
    const api = await proxy(new NextRequest("http://127.0.0.1:3000/api/ontraport/items", { method: "POST", headers: { "content-length": "5000000" } }), {});
    expect(api.status).toBe(413);
  });

  it("sends default-src 'self' on StoreFront pages too", async () => {
    const res = await proxy(new NextRequest("http://127.0.0.1:3000/store/DEMO/DEFAULT"), {});
    expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'self'/);
  });
});
