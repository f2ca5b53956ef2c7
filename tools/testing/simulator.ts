import { afterAll, beforeAll, beforeEach } from "vitest";
import { SimClient } from "@/tools/ontraport-sim/client";
import { startSimulator, type RunningSimulator, type SimulatorOptions } from "@/tools/ontraport-sim/server";

// The simulator's test set-up, written once: started for the file (or describe block), reset before each test.

export interface SimulatorHarness {
  sim: RunningSimulator;
  /** The simulator's control client (reset, faults, records). */
  client: SimClient;
}

/**
 * Starts the bundled ONTRAPORT simulator with `options` before the tests and closes it after; before
 * each test, `beforeReset` runs (e.g. puts a test clock back) and the simulator is reset to its start.
 * Read the fields inside tests and hooks.
 */
export function withSimulator(options: SimulatorOptions, opts: { beforeReset?: () => void } = {}): SimulatorHarness {
  const h = {} as SimulatorHarness;
  beforeAll(async () => {
    h.sim = await startSimulator(options);
    h.client = new SimClient(h.sim.url);
  });
  afterAll(async () => {
    await h.sim.close();
  });
  beforeEach(async () => {
    opts.beforeReset?.();
    await h.client.reset({ all: true });
  });
  return h;
}
