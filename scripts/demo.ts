/**
 * `npm run demo`: the whole product on one machine with no server to install and no ONTRAPORT account.
 * Prepares the embedded database with demo data, builds the app if needed, starts the bundled
 * ONTRAPORT simulator and the web server, and prints the URL and the logins.
 *
 * Flags (the e2e suite uses them): --data-dir DIR  --port N  --sim-port N  --no-build  --quiet
 *   --protocol rest|xml  how a new demo store delivers (default rest: ONTRAPORT's REST API, simulated)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadOrCreateSecrets } from "@/lib/runtime/secrets";
import { prepareDemoDatabase } from "@/lib/runtime/demo-setup";
import { DEMO_LOGINS } from "@/lib/demo/seed";

const { values: args } = parseArgs({
  options: {
    "data-dir": { type: "string" },
    port: { type: "string" },
    "sim-port": { type: "string" },
    "no-build": { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
    protocol: { type: "string" },
  },
});

const root = process.cwd();
const dataDir = path.resolve(args["data-dir"] ?? process.env.DATA_DIR ?? ".data");
const port = Number(args.port ?? process.env.PORT ?? 3000);
const simPort = Number(args["sim-port"] ?? process.env.SIM_PORT ?? 4010);
const log = (msg: string) => {
  if (!args.quiet) console.log(msg);
};

function newestMtime(dir: string): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return newest;
}

function needsBuild(): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  const sources = ["app", "components", "lib", "proxy.ts", "next.config.ts", "package-lock.json"].map((p) => {
    const full = path.join(root, p);
    if (!fs.existsSync(full)) return 0;
    return fs.statSync(full).isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
  });
  return Math.max(...sources) > built;
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

const children: ChildProcess[] = [];
function stopAll(code: number): never {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  process.exit(code);
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

async function main() {
  fs.mkdirSync(dataDir, { recursive: true });
  const secrets = loadOrCreateSecrets(dataDir);
  const simUrl = `http://127.0.0.1:${simPort}`;
  const runtimeEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...secrets,
    DATA_DIR: dataDir,
    NODE_ENV: "production",
    AUTH_TRUST_HOST: "true",
    ONTRAPORT_ENDPOINT: process.env.ONTRAPORT_ENDPOINT ?? `${simUrl}/`,
    CARTLINK_ALLOW_LOCAL_ONTRAPORT: "true",
    // The simulator is the one local origin requests may go to (lib/net/egress).
    ONTRAPORT_ALLOWED_LOCAL_ORIGINS: [process.env.ONTRAPORT_ALLOWED_LOCAL_ORIGINS, simUrl].filter(Boolean).join(","),
    CARTLINK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    // ONTRAPORT's REST API, simulated: only the server's environment may point it elsewhere.
    ONTRAPORT_REST_BASE_URL: process.env.ONTRAPORT_REST_BASE_URL ?? `${simUrl}/1`,
    CARTLINK_DEMO_PROTOCOL: args.protocol === "xml" ? "xml" : "rest",
    SIM_URL: simUrl,
  };
  Object.assign(process.env, runtimeEnv);

  log(`Preparing the ${process.env.DATABASE_URL ? "PostgreSQL" : "embedded"} database in ${process.env.DATABASE_URL ? "DATABASE_URL" : dataDir} ...`);
  const seeded = await prepareDemoDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir, simUrl });
  log(seeded ? "Demo data created." : "Existing data kept.");

  if (!args["no-build"] && needsBuild()) {
    log("Building the app (first run or changed sources) ...");
    const r = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], { stdio: args.quiet ? "ignore" : "inherit", env: { ...runtimeEnv, NODE_ENV: "production" } });
    if (r.status !== 0) stopAll(r.status ?? 1);
  }

  if (fs.existsSync(path.join(root, "scripts/sim.ts"))) {
    const sim = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "scripts/sim.ts"), "--port", String(simPort), "--key", "demo-ontraport-key", "--rest-account", "demo-app:demo-ontraport-key"], {
      stdio: ["ignore", args.quiet ? "ignore" : "inherit", "inherit"],
      env: runtimeEnv,
    });
    children.push(sim);
    sim.on("exit", (code) => {
      if (code) console.error(`The ONTRAPORT simulator stopped (exit ${code}).`);
    });
  }

  const web = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    stdio: ["ignore", args.quiet ? "ignore" : "inherit", "inherit"],
    env: runtimeEnv,
  });
  children.push(web);
  web.on("exit", (code) => stopAll(code ?? 0));

  await waitFor(`http://127.0.0.1:${port}/login`, 60_000);
  const url = `http://127.0.0.1:${port}`;
  console.log(
    [
      "",
      `cartlink is running at ${url}`,
      `  StoreFront:  ${url}/store/DEMO/DEFAULT`,
      `  ONTRAPORT simulator: ${simUrl} (stands in for ONTRAPORT: App ID demo-app, key demo-ontraport-key; see ${simUrl}/__sim/rest/requests)`,
      "  Logins:",
      ...DEMO_LOGINS.map((l) => `    ${l.role.padEnd(8)} ${l.email.padEnd(20)} ${l.password}   (${l.merchantId})`),
      "Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  stopAll(1);
});
