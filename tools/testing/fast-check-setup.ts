import fc from "fast-check";

// Property tests run with a fixed seed so that a CI run is reproducible: the same inputs every
// time, and a red run is a real regression, not a dice roll. To look for new counterexamples,
// run `npm run test:fuzz` (FC_SEED=random, FC_RUNS_FACTOR=10); a failure prints its seed, and
// `FC_SEED=<seed> npx vitest run <file>` replays it.
const raw = process.env.FC_SEED ?? "20261125";
if (raw !== "random" && !Number.isInteger(Number(raw))) throw new Error(`FC_SEED must be an integer or "random", not ${JSON.stringify(raw)}`);
fc.configureGlobal(raw === "random" ? {} : { seed: Number(raw) });
