import { z } from "zod";

/**
 * The one environment module: every variable, parsed with zod. A missing or malformed variable stops
 * start-up with a message naming it; an empty string counts as unset. Secrets are never given
 * defaults here; `npm run demo` generates them into the data folder. The web server reads `env()`;
 * a standalone worker reads only its slice (`workerEnv()`), without the web server's secrets.
 */

/** Requests in flight per worker by default: 600 keep 500 stores at ONTRAPORT's 180 a minute with 300 ms answers. */
export const DEFAULT_WORKER_CONCURRENCY = 600;
/** ONTRAPORT's REST API v1. */
export const ONTRAPORT_REST_API = "https://api.ontraport.com/1";

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** postgres://… — when set, PostgreSQL through postgres.js; otherwise embedded PGlite in DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default("./.data"),
  /** "false" behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21). */
  DATABASE_PREPARE: z.enum(["true", "false"]).default("true"),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters (generate one with `openssl rand -base64 32`)"),
  /** 32 bytes, base64 or hex: encrypts stored ONTRAPORT API keys (AES-256-GCM). */
  CARTLINK_ENCRYPTION_KEY: z
    .string()
    .refine((v) => decodeKey(v) !== null, "CARTLINK_ENCRYPTION_KEY must be 32 bytes as 64 hex characters or base64"),
  /** Default ONTRAPORT notification endpoint (XML protocol); each merchant may override it. */
  ONTRAPORT_ENDPOINT: z.string().url().default("https://api.ontraport.com/cdata.php"),
  /** ONTRAPORT's REST API (the default protocol); only the operator may point it elsewhere (demo and tests: the simulator). */
  ONTRAPORT_REST_BASE_URL: z
    .string()
    .url()
    .default(ONTRAPORT_REST_API)
    .transform((v) => v.replace(/\/+$/, "")),
  /** Extra hosts (comma-separated) a merchant's https endpoint override may use, each with its sub-domains; ontraport.com is always allowed. */
  ONTRAPORT_ALLOWED_HOSTS: z.string().default(""),
  /** Exact origins (comma-separated, e.g. `http://127.0.0.1:4010`) allowed without the public-address check: the demo's simulator. */
  ONTRAPORT_ALLOWED_LOCAL_ORIGINS: z
    .string()
    .default("")
    .refine((v) => v.split(/[\s,]+/).filter(Boolean).every((o) => /^https?:\/\/[^/]+\/?$/.test(o)), "ONTRAPORT_ALLOWED_LOCAL_ORIGINS lists origins such as http://127.0.0.1:4010, comma-separated"),
  /** Run the delivery worker inside the web server (default with PGlite). */
  CARTLINK_EMBEDDED_WORKER: z.enum(["true", "false"]).optional(),
  /** Allow `localhost`/127.0.0.1 ONTRAPORT sub-domains and endpoints (demo and tests against the simulator). */
  CARTLINK_ALLOW_LOCAL_ONTRAPORT: z.enum(["true", "false"]).default("false"),
  /** Public base URL of this server (StoreFront links shown to support). */
  CARTLINK_PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  // The delivery worker: a pool of requests in flight, at most one per store by default.
  CARTLINK_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_WORKER_CONCURRENCY),
  CARTLINK_WORKER_PER_STORE: z.coerce.number().int().min(1).max(100).default(1),
  CARTLINK_WORKER_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  CARTLINK_WORKER_LEASE_MS: z.coerce.number().int().min(200).default(60_000),
  // Claim and recording statements side by side (1 and 1: fewest statements, best on a busy machine).
  CARTLINK_WORKER_CLAIM_LANES: z.coerce.number().int().min(1).max(8).default(1),
  CARTLINK_WORKER_RECORDINGS: z.coerce.number().int().min(1).max(8).default(1),
});

/**
 * Empty strings are unset (a `FOO=` line in an env file must not become an invalid value). Only the
 * schema's own variables are read: enumerating all of process.env on every delivery cost the worker
 * about a tenth of its CPU (egressPolicy() runs per request).
 */
function withoutEmpty(source: Record<string, string | undefined>, s: { shape: Record<string, unknown> } = schema): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of Object.keys(s.shape)) {
    const v = source[k];
    if (v !== undefined && v !== "") out[k] = v;
  }
  return out;
}

function issuesText(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`).join("; ");
}

export type Env = z.infer<typeof schema>;

export function decodeKey(value: string): Buffer | null {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, "hex");
  try {
    const b = Buffer.from(v, "base64");
    return b.length === 32 ? b : null;
  } catch {
    return null;
  }
}

const egressSchema = schema.pick({ ONTRAPORT_ALLOWED_HOSTS: true, ONTRAPORT_ALLOWED_LOCAL_ORIGINS: true });

/** Only the variables of the egress policy (the standalone worker does not have the web server's secrets). */
export function egressEnv(source: Record<string, string | undefined> = process.env): z.infer<typeof egressSchema> {
  const r = egressSchema.safeParse(withoutEmpty(source, egressSchema));
  if (!r.success) throw new Error(`cartlink cannot send: ${issuesText(r.error)}`);
  return r.data;
}

const workerSchema = schema.pick({
  DATABASE_URL: true,
  DATA_DIR: true,
  DATABASE_PREPARE: true,
  CARTLINK_ENCRYPTION_KEY: true,
  ONTRAPORT_ENDPOINT: true,
  ONTRAPORT_REST_BASE_URL: true,
  CARTLINK_WORKER_CONCURRENCY: true,
  CARTLINK_WORKER_PER_STORE: true,
  CARTLINK_WORKER_TIMEOUT_MS: true,
  CARTLINK_WORKER_LEASE_MS: true,
  CARTLINK_WORKER_CLAIM_LANES: true,
  CARTLINK_WORKER_RECORDINGS: true,
});
export type WorkerEnv = z.infer<typeof workerSchema>;

/** What a delivery worker needs (a standalone worker has none of the web server's secrets). */
export function workerEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  const r = workerSchema.safeParse(withoutEmpty(source, workerSchema));
  if (!r.success) throw new Error(`The worker cannot start: ${issuesText(r.error)}`);
  return r.data;
}

const restSchema = schema.pick({ ONTRAPORT_REST_BASE_URL: true });

/** The REST API's base URL for this server (Test connection runs where the web server's other secrets may be absent in tests). */
export function restBaseUrl(source: Record<string, string | undefined> = process.env): string {
  const r = restSchema.safeParse(withoutEmpty(source, restSchema));
  return r.success ? r.data.ONTRAPORT_REST_BASE_URL : ONTRAPORT_REST_API;
}

let cached: Env | undefined;

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = schema.safeParse(withoutEmpty(source));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new Error(`cartlink cannot start: the environment is not valid.\n${lines.join("\n")}`);
  }
  return result.data;
}

/** The parsed environment (cached). Throws a message naming each bad variable. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** For tests that change process.env. */
export function resetEnvCache(): void {
  cached = undefined;
}
