import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimClient, SimClientError } from "./client";
import { SAMPLE_AUTO_ORDER_STATUS, SAMPLE_SALE } from "./samples";
import { startSimulator, type RunningSimulator } from "./server";
import { keyFingerprint } from "./state";
import { httpRequest, postNotification } from "./test-helpers";

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
});

afterAll(async () => {
  await sim.close();
});

describe("SimClient", () => {
  it("drives the control API end to end", async () => {
    const c = new SimClient(`${sim.url}/`); // a trailing slash is fine
    expect(c.baseUrl).toBe(sim.url);
    expect(c.endpoint).toBe(sim.endpoint);
    await c.reset({ all: true });

    expect(await c.setKey("k-1")).toEqual({ fingerprint: keyFingerprint("k-1"), state: "valid" });
    expect(await c.keys()).toEqual([{ fingerprint: keyFingerprint("k-1"), state: "valid" }]);
    expect(await c.setConfig({ rateLimit: 50 })).toEqual({ rateLimit: 50, windowMs: 60_000 });
    expect(await c.config()).toEqual({ rateLimit: 50, windowMs: 60_000 });

    const pending = await c.faults({ count: 1, status: 500 });
    expect(pending).toEqual([{ count: 1, status: 500, reqTypes: ["sale", "refund", "auto_order_status", "affiliate"] }]);
    expect(await c.pendingFaults()).toEqual(pending);

    const send = (reqType: string, data: string, transmissionId: string) =>
      postNotification(sim.url, { key: "k-1", reqType, data, transmissionId });
    expect((await send("sale", SAMPLE_SALE, "t 1")).status).toBe(500);
    expect((await send("sale", SAMPLE_SALE, "t 1")).status).toBe(200);
    expect((await send("auto_order_status", SAMPLE_AUTO_ORDER_STATUS, "t&2")).status).toBe(200);

    const all = await c.notifications();
    expect(all.map((n) => n.outcome)).toEqual(["fault", "delivered", "delivered"]);
    expect((await c.notifications({ transmissionId: "t&2" })).map((n) => n.reqType)).toEqual(["auto_order_status"]);
    expect((await c.notifications({ reqType: "sale", outcome: "delivered" })).map((n) => n.transmissionId)).toEqual(["t 1"]);
    expect((await c.notifications({ orderId: "DEMO-10042" })).length).toBe(3);

    await httpRequest(`${sim.url}/p?order_id=A%20B&email=x%40y.z`, "GET");
    expect((await c.pixels({ orderId: "A B" }))[0]?.query).toEqual({ order_id: "A B", email: "x@y.z" });

    expect(await c.stats()).toMatchObject({ received: 3, delivered: 2, faulted: 1, pixels: 1 });

    await c.faults({ count: 3, drop: true });
    expect(await c.clearFaults()).toEqual([]);
    await c.reset();
    expect(await c.stats()).toMatchObject({ received: 0, pixels: 0 });
    expect(await c.notifications()).toEqual([]);
    expect(await c.pixels()).toEqual([]);
  });

  it("throws SimClientError with the status and the simulator's message", async () => {
    const c = new SimClient(sim.url);
    const err = await c.faults({ count: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimClientError);
    expect(err).toMatchObject({ status: 400, message: expect.stringContaining("POST /__sim/faults: a fault needs one of") });
    await expect(c.setConfig({ rateLimit: -1 })).rejects.toMatchObject({ status: 400 });
  });

  it("reports a server that is not there", async () => {
    const other = await startSimulator({ port: 0 });
    const url = other.url;
    await other.close();
    await expect(new SimClient(url).stats()).rejects.toThrow();
  });
});
