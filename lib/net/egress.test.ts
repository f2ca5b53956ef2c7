import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { checkDestination, egressPolicy, isPublicAddress, NOT_ALLOWED, type EgressPolicy, type Resolver } from "./egress";
import { deliver } from "@/lib/ontraport/xml/deliver";
import { probeKey } from "@/lib/ontraport/config/test-connection";

// No packet leaves this machine: names resolve through injected resolvers, a refusal is checked
// before any connection, and the only server that is ever connected to listens on 127.0.0.1.

const PUBLIC_V4 = "8.8.8.8";
const noDns: Resolver = async (host) => {
  throw new Error(`unexpected lookup of ${host}`);
};
const resolveTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
const policy = (p: Partial<EgressPolicy> = {}): EgressPolicy => ({ allowedHosts: [], allowedLocalOrigins: [], resolver: noDns, ...p });

/** A local server that counts connections: a refusal must leave it at zero. */
let server: http.Server;
let connections = 0;
let port = 0;
beforeAll(async () => {
  server = http.createServer((_req, res) => res.writeHead(200, { "content-type": "application/xml" }).end("<result><status>Success</status></result>"));
  server.on("connection", () => connections++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("addresses", () => {
  it.each([
    "127.0.0.1", "127.255.0.1", "10.0.0.5", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.254",
    "0.0.0.0", "224.0.0.1", "239.1.1.1", "255.255.255.255", "198.18.0.1", "192.0.2.1",
    "::", "::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.5", "::ffff:169.254.169.254", "::127.0.0.1",
    "fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0", "fec0::1", "ff02::1", "64:ff9b::7f00:1", "2002:7f00:1::1", "2001:db8::1", "100::1",
    "not-an-ip", "",
  ])("%s is not public", (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });
  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2a00:1450:4001::1"])("%s is public", (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });
});

describe("destinations", () => {
  it.each([
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.5/",
    "https://[::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://127.0.0.1.nip.io/",
    "https://2130706433:3000/",
    "https://0x7f.1/",
    "https://017700000001/",
    "https://127.1/",
    "http://api.ontraport.com/cdata.php",
    "https://ontraport.com.evil.example/",
    "https://evilontraport.com/",
    "https://user:pw@api.ontraport.com/",
    "ftp://api.ontraport.com/",
    "not a url",
  ])("%s is refused without a lookup", async (url) => {
    const r = await checkDestination(url, policy());
    expect(r).toMatchObject({ ok: false, reason: NOT_ALLOWED });
  });

  it("an ontraport.com name that resolves to a loopback, private or mixed set of addresses is refused", async () => {
    for (const addrs of [["127.0.0.1"], ["10.1.2.3"], ["::1"], ["::ffff:127.0.0.1"], [PUBLIC_V4, "169.254.169.254"], []]) {
      const r = await checkDestination("https://api.ontraport.com/cdata.php", policy({ resolver: resolveTo(...addrs) }));
      expect(r.ok, addrs.join()).toBe(false);
    }
    expect(await checkDestination("https://api.ontraport.com/cdata.php", policy({ resolver: resolveTo(PUBLIC_V4) }))).toMatchObject({ ok: true, pinned: { address: PUBLIC_V4 } });
  });

  it("an operator-allowed host is allowed with its sub-domains, only over https and only to public addresses", async () => {
    const p = egressPolicy({ resolver: resolveTo(PUBLIC_V4) }, { ONTRAPORT_ALLOWED_HOSTS: "crm.example.net, nip.io" });
    expect((await checkDestination("https://crm.example.net/x", p)).ok).toBe(true);
    expect((await checkDestination("https://eu.crm.example.net/x", p)).ok).toBe(true);
    expect((await checkDestination("http://crm.example.net/x", p)).ok).toBe(false);
    expect((await checkDestination("https://example.net/x", p)).ok).toBe(false);
    expect((await checkDestination("https://127.0.0.1.nip.io/", { ...p, resolver: resolveTo("127.0.0.1") })).ok).toBe(false);
  });

  it("a local origin is allowed only exactly as listed", async () => {
    const p = egressPolicy({ resolver: noDns }, { ONTRAPORT_ALLOWED_LOCAL_ORIGINS: `http://127.0.0.1:${port}` });
    expect((await checkDestination(`http://127.0.0.1:${port}/cdata.php`, p)).ok).toBe(true);
    expect((await checkDestination(`http://127.0.0.1:${port + 1}/`, p)).ok).toBe(false);
    expect((await checkDestination(`http://localhost:${port}/`, p)).ok).toBe(false);
    expect((await checkDestination(`https://127.0.0.1:${port}/`, p)).ok).toBe(false);
  });
});

describe("deliver and Test connection check before they connect", () => {
  const request = (endpoint: string) => ({ endpoint, apiKey: "secret-key-123456", reqType: "sale" as const, xml: "<x/>", timeoutMs: 2000 });

  it("a name that resolved to a public address at save but to 127.0.0.1 at send time is refused and never connected to", async () => {
    let calls = 0;
    const rebinding: Resolver = async () => [{ address: calls++ === 0 ? PUBLIC_V4 : "127.0.0.1", family: 4 }];
    const p = policy({ resolver: rebinding });
    const endpoint = `https://api.ontraport.com:${port}/cdata.php`;
    expect((await checkDestination(endpoint, p)).ok).toBe(true); // at save
    const before = connections;
    const r = await deliver(request(endpoint), { policy: p });
    expect(r).toMatchObject({ statusCode: null, body: "", refused: true });
    expect(r.error).toContain("not allowed");
    expect(connections).toBe(before);
  });

  it("an endpoint stored while its local origin was allowed is refused once it is not", async () => {
    const endpoint = `http://127.0.0.1:${port}/`;
    const ok = await deliver(request(endpoint), { policy: policy({ allowedLocalOrigins: [`http://127.0.0.1:${port}`] }) });
    expect(ok).toMatchObject({ statusCode: 200 });
    const before = connections;
    const refused = await deliver(request(endpoint), { policy: policy() });
    expect(refused).toMatchObject({ statusCode: null, refused: true });
    expect(connections).toBe(before);
  });

  it("deliver reads the policy from the environment: the default endpoint's origin and listed local origins", async () => {
    const saved = { ...process.env };
    try {
      delete process.env.ONTRAPORT_ENDPOINT;
      process.env.ONTRAPORT_ALLOWED_LOCAL_ORIGINS = "";
      expect(await deliver(request(`http://127.0.0.1:${port}/`))).toMatchObject({ refused: true });
      process.env.ONTRAPORT_ENDPOINT = `http://127.0.0.1:${port}/`;
      expect(await deliver(request(`http://127.0.0.1:${port}/`))).toMatchObject({ statusCode: 200 });
    } finally {
      process.env = saved;
    }
  });

  it("Test connection is no port scanner: a refused endpoint says 'not allowed' and nothing about what is there", async () => {
    const before = connections;
    for (const endpoint of [`https://127.0.0.1:${port}/`, "https://127.0.0.1:1/", "https://169.254.169.254/", `https://2130706433:${port}/`]) {
      const r = await probeKey({ endpoint, key: "secret-key-123456", policy: policy() });
      expect(r).toMatchObject({ result: "unreachable", code: null });
      expect(r.message).toContain("not allowed");
      expect(r.message).not.toMatch(/ECONN|SSL|EHOST/);
    }
    expect(connections).toBe(before);
  });

  it("an allowed endpoint that does not answer is reported without the network error's code", async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = http.createServer();
      s.listen(0, "127.0.0.1", () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await probeKey({ endpoint: `http://127.0.0.1:${closed}/`, key: "secret-key-123456", policy: policy({ allowedLocalOrigins: [`http://127.0.0.1:${closed}`] }) });
    expect(r).toMatchObject({ result: "unreachable", code: null });
    expect(r.message).not.toMatch(/ECONN/);
  });
});
