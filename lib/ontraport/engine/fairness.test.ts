import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { allowLocalOrigin } from "@/lib/net/egress";
import { testBackends } from "@/tools/testing/db";
import { useSimHarness } from "@/tools/testing/engine";
import { apiMerchant, placeOrder, resolveTestKey } from "@/tools/testing/ontraport";
import { OutboxWorker } from "./worker";

// A store whose ONTRAPORT never answers holds one request slot of the pool, never the others': the
// other stores' Sales go out while its request is still waiting for an answer. Real HTTP: the hanging
// store's endpoint is a local server that accepts requests and never answers, and counts them.

interface HangingServer {
  url: string;
  /** Requests open now (each on its own connection: the sender's socket is destroyed on timeout). */
  readonly open: number;
  /** The most open at once. */
  readonly mostOpen: number;
  /** Requests received in all. */
  readonly received: number;
  close(): Promise<void>;
}

async function hangingServer(): Promise<HangingServer> {
  const sockets = new Set<Socket>();
  const inFlight = new Set<http.IncomingMessage>();
  let mostOpen = 0;
  let received = 0;
  const server = http.createServer((req) => {
    received += 1;
    inFlight.add(req);
    mostOpen = Math.max(mostOpen, inFlight.size);
    req.resume();
    req.socket.on("close", () => inFlight.delete(req));
    // Never answered.
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get open() {
      return inFlight.size;
    },
    get mostOpen() {
      return mostOpen;
    },
    get received() {
      return received;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testBackends())("a store that never answers, on %s", (kind) => {
  const s = useSimHarness(kind, { keys: ["fair-key"], allowOrigin: true });
  let hang: HangingServer;
  let worker: OutboxWorker | null = null;
  const others = ["FAIR-B", "FAIR-C", "FAIR-D"];

  beforeEach(async () => {
    hang = await hangingServer();
    allowLocalOrigin(hang.url);
    await apiMerchant(s.t.db, "FAIR-A", { key: "fair-key", endpointUrl: hang.url });
    for (const m of others) await apiMerchant(s.t.db, m, { key: "fair-key" });
  });
  afterEach(async () => {
    await worker?.stop();
    worker = null;
    await hang.close();
  });

  /** The hanging store's Sales first (it always has more waiting), then, once its first request hangs, the others'. */
  async function run(concurrency: number | undefined) {
    // The timeout is short for the test, but long enough for the other stores' Sales on a busy machine.
    worker = new OutboxWorker({ db: s.t.db, endpoint: s.sim.endpoint, resolveKey: resolveTestKey, timeoutMs: 4000, leaseMs: 8000, pollMs: 200, concurrency });
    for (let i = 0; i < 4; i++) await placeOrder(s.t.db, "FAIR-A");
    await worker.start();
    for (let i = 0; i < 100 && hang.received === 0; i++) await sleep(20);
    expect(hang.received).toBe(1);
    const hangingSince = Date.now();
    const orderIds: string[] = [];
    for (let i = 0; i < 3; i++) for (const m of others) orderIds.push(await placeOrder(s.t.db, m));
    let delivered = 0;
    for (let i = 0; i < 350; i++) {
      delivered = (await s.client.notifications({ reqType: "sale", outcome: "delivered" })).length;
      if (delivered >= orderIds.length) break;
      await sleep(10);
    }
    const elapsed = Date.now() - hangingSince;
    // Still outstanding when the others were through: the first hanging request, never answered.
    const stillOpen = hang.open;
    const receivedWhileOthers = hang.received;
    console.log(`[${kind}] concurrency ${concurrency ?? "default"}: ${delivered} Sales of 3 other stores delivered ${elapsed} ms after the hanging store's request went out (${stillOpen} open, ${receivedWhileOthers} received there)`);
    expect(delivered).toBe(orderIds.length);
    for (const id of orderIds) expect(await s.client.notifications({ orderId: id, outcome: "delivered" }), `order ${id}`).toHaveLength(1);
    expect(stillOpen).toBe(1);
    expect(receivedWhileOthers).toBe(1);
    // Run past the timeout: the hanging store's next requests go out one at a time, never two at once.
    for (let i = 0; i < 400 && hang.received < 2; i++) await sleep(20);
    await sleep(300);
    expect(hang.received).toBeGreaterThanOrEqual(2);
    expect(hang.mostOpen).toBe(1);
  }

  it("delivers the other stores' Sales while its request is still outstanding, with one request of it in flight at most", { timeout: 30_000 }, async () => {
    await run(undefined);
  });

  it("with room for two requests in all, the hanging store holds one and the others share the other", { timeout: 30_000 }, async () => {
    await run(2);
  });
});
