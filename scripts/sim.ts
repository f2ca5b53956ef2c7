/**
 * `npm run sim`: run the ONTRAPORT simulator standalone (see tools/ontraport-sim/README.md).
 *
 *   npm run sim -- --port 4010 --rate-limit 180 --key demo-key --key other-key
 *   SIM_HOST=127.0.0.1 SIM_PORT=4010 SIM_RATE_LIMIT=180 SIM_KEYS=demo-key,other-key npm run sim
 *
 * Flags win over the environment; keys from both are added together.
 */
import { parseArgs } from "node:util";
import { MAX_LATENCY_MS } from "../tools/ontraport-sim/latency";
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_RATE_LIMIT, startSimulator } from "../tools/ontraport-sim/server";

const USAGE = `usage: npm run sim -- [--host 127.0.0.1] [--port 4010] [--rate-limit 180] [--key KEY]...
                        [--latency-ms 0] [--jitter-ms 0] [--rest-account APPID:KEY]...
environment: SIM_HOST, SIM_PORT, SIM_RATE_LIMIT, SIM_KEYS (comma separated), SIM_LATENCY_MS, SIM_JITTER_MS,
             SIM_REST_ACCOUNTS (comma separated APPID:KEY)`;

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function intOption(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  if (!/^\d+$/.test(raw.trim())) fail(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw.trim());
  if (n < min || n > max) fail(`${name} must be from ${min} to ${max}, got ${n}`);
  return n;
}

async function main(): Promise<void> {
  let values: {
    host?: string;
    port?: string;
    "rate-limit"?: string;
    key?: string[];
    "latency-ms"?: string;
    "jitter-ms"?: string;
    "rest-account"?: string[];
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: "string" },
        port: { type: "string" },
        "rate-limit": { type: "string" },
        key: { type: "string", multiple: true },
        "latency-ms": { type: "string" },
        "jitter-ms": { type: "string" },
        "rest-account": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const env = process.env;
  const host = values.host ?? (env.SIM_HOST?.trim() || DEFAULT_HOST);
  const port = intOption(values.port !== undefined ? "--port" : "SIM_PORT", values.port ?? env.SIM_PORT, DEFAULT_PORT, 0, 65535);
  const rateLimit = intOption(
    values["rate-limit"] !== undefined ? "--rate-limit" : "SIM_RATE_LIMIT",
    values["rate-limit"] ?? env.SIM_RATE_LIMIT,
    DEFAULT_RATE_LIMIT,
    1,
    Number.MAX_SAFE_INTEGER,
  );
  const latencyMs = intOption(
    values["latency-ms"] !== undefined ? "--latency-ms" : "SIM_LATENCY_MS",
    values["latency-ms"] ?? env.SIM_LATENCY_MS,
    0,
    0,
    MAX_LATENCY_MS,
  );
  const jitterMs = intOption(
    values["jitter-ms"] !== undefined ? "--jitter-ms" : "SIM_JITTER_MS",
    values["jitter-ms"] ?? env.SIM_JITTER_MS,
    0,
    0,
    MAX_LATENCY_MS,
  );
  const restAccounts = new Map<string, string>();
  const addAccount = (name: string, raw: string): void => {
    const pair = raw.trim();
    if (pair === "") return;
    const colon = pair.indexOf(":");
    if (colon <= 0 || colon === pair.length - 1) fail(`${name} takes APPID:KEY, got "${pair}"`);
    restAccounts.set(pair.slice(0, colon), pair.slice(colon + 1));
  };
  for (const a of (env.SIM_REST_ACCOUNTS ?? "").split(",")) addAccount("SIM_REST_ACCOUNTS", a);
  for (const a of values["rest-account"] ?? []) addAccount("--rest-account", a);
  const keys = new Set<string>();
  for (const k of (env.SIM_KEYS ?? "").split(",")) if (k.trim() !== "") keys.add(k.trim());
  for (const k of values.key ?? []) if (k !== "") keys.add(k);

  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator({
      host,
      port,
      rateLimit,
      keys,
      latencyMs,
      jitterMs,
      restAccounts: [...restAccounts].map(([appId, key]) => ({ appId, key })),
    });
  } catch (e) {
    const code = typeof e === "object" && e !== null && "code" in e ? String(e.code) : "";
    const msg = code === "EADDRINUSE" ? `${host}:${port} is already in use` : e instanceof Error ? e.message : String(e);
    process.stderr.write(`sim: cannot listen: ${msg}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `ontraport-sim listening on ${sim.endpoint} (${keys.size} key${keys.size === 1 ? "" : "s"}, ${rateLimit} requests/min per key${
      restAccounts.size > 0 ? `, ${restAccounts.size} REST account${restAccounts.size === 1 ? "" : "s"}` : ""
    }${
      latencyMs > 0 || jitterMs > 0 ? `, latency ${latencyMs} ± ${jitterMs} ms` : ""
    })\n`,
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 2000);
    force.unref();
    void sim.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
