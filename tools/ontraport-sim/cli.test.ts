import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SimClient } from "./client";
import { SAMPLE_SALE } from "./samples";
import { postNotification } from "./test-helpers";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(tsx, ["scripts/sim.ts", ...args], {
    cwd: root,
    env: { ...process.env, SIM_HOST: "", SIM_PORT: "", SIM_RATE_LIMIT: "", SIM_KEYS: "", SIM_LATENCY_MS: "", SIM_JITTER_MS: "", SIM_REST_ACCOUNTS: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    void exited.then(([code]) => reject(new Error(`sim exited ${code}: ${err}`)));
  });
  firstLine.catch(() => undefined); // tests that expect an exit never read it
  return { child, firstLine, exited, output: () => ({ out, err }) };
}

describe("npm run sim (scripts/sim.ts)", () => {
  it("prints its URL, takes keys from flags and env, and exits cleanly on SIGTERM", async () => {
    const p = run(["--port", "0", "--rate-limit", "7", "--key", "flag-key"], { SIM_KEYS: "env-a, env-b" });
    const line = await p.firstLine;
    expect(line).toMatch(/^ontraport-sim listening on http:\/\/127\.0\.0\.1:\d+\/ \(3 keys, 7 requests\/min per key\)$/);
    const url = /(http:\/\/\S+)\//.exec(line)?.[1] ?? "";
    expect((await new SimClient(url).config()).rateLimit).toBe(7);
    for (const key of ["flag-key", "env-a", "env-b"]) {
      expect((await postNotification(url, { key, reqType: "sale", data: SAMPLE_SALE })).status).toBe(200);
    }
    p.child.kill("SIGTERM");
    const [code] = await p.exited;
    expect(code).toBe(0);
  });

  it("exits cleanly on SIGINT, with the port from SIM_PORT", async () => {
    const p = run([], { SIM_PORT: "0" });
    expect(await p.firstLine).toContain("(0 keys, 180 requests/min per key)");
    p.child.kill("SIGINT");
    expect((await p.exited)[0]).toBe(0);
  });

  it("takes the latency from --latency-ms and SIM_JITTER_MS", async () => {
    const p = run(["--port", "0", "--latency-ms", "40"], { SIM_JITTER_MS: "10" });
    const line = await p.firstLine;
    expect(line).toContain("(0 keys, 180 requests/min per key, latency 40 ± 10 ms)");
    const url = /(http:\/\/\S+)\//.exec(line)?.[1] ?? "";
    expect((await new SimClient(url).latency()).global).toEqual({ baseMs: 40, jitterMs: 10, hang: false });
    p.child.kill("SIGTERM");
    expect((await p.exited)[0]).toBe(0);
    const bad = run(["--jitter-ms", "-3"]);
    expect((await bad.exited)[0]).toBe(2);
  });

  it("registers REST accounts from --rest-account and SIM_REST_ACCOUNTS", async () => {
    const p = run(["--port", "0", "--rest-account", "app-1:key:with:colons"], { SIM_REST_ACCOUNTS: "app-2:k2, app-3:k3" });
    const line = await p.firstLine;
    expect(line).toContain(", 3 REST accounts)");
    const url = /(http:\/\/\S+)\//.exec(line)?.[1] ?? "";
    expect((await new SimClient(url).restAccounts()).map((a) => [a.appId, a.state])).toEqual([
      ["app-2", "valid"],
      ["app-3", "valid"],
      ["app-1", "valid"],
    ]);
    const res = await fetch(`${url}/1/objects?objectID=0&range=1`, { headers: { "Api-Appid": "app-1", "Api-Key": "key:with:colons" } });
    expect(res.status).toBe(200);
    p.child.kill("SIGTERM");
    expect((await p.exited)[0]).toBe(0);
    const bad = run(["--rest-account", "no-colon"]);
    expect((await bad.exited)[0]).toBe(2);
    expect(bad.output().err).toContain("--rest-account takes APPID:KEY");
  });

  it("refuses a bad flag with a usage message", async () => {
    const p = run(["--port", "http"]);
    const [code] = await p.exited;
    expect(code).toBe(2);
    expect(p.output().err).toContain('--port must be a whole number, got "http"');
    const q = run(["--colour", "red"]);
    expect((await q.exited)[0]).toBe(2);
    expect(q.output().err).toContain("usage: npm run sim");
  });
});
