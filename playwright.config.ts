import { defineConfig, devices } from "@playwright/test";
import path from "node:path";

/**
 * End-to-end tests in Debian's Chromium (/usr/bin/chromium; never a downloaded browser) against the
 * real app started by `scripts/demo.ts` on a throw-away embedded database, with the bundled
 * ONTRAPORT simulator. The app must be built first (`npm run build`; scripts/test-all.sh does it).
 */
const port = Number(process.env.E2E_PORT ?? 3100);
const simPort = Number(process.env.E2E_SIM_PORT ?? 4110);
const dataDir = path.resolve(process.env.E2E_DATA_DIR ?? `e2e/.artifacts/data-${port}`);
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "e2e",
  testMatch: /.*\.(spec|setup)\.ts$/,
  outputDir: "test-results",
  fullyParallel: false,
  // One worker: specs share one app and database, and some change merchant-wide settings.
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PW_JSON_OUTPUT ? [["list"], ["json", { outputFile: process.env.PW_JSON_OUTPUT }]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    { name: "setup", testMatch: /.*\.setup\.ts$/ },
    { name: "chromium", testMatch: /.*\.spec\.ts$/, use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 860 } }, dependencies: ["setup"] },
  ],
  webServer: {
    command: `rm -rf "${dataDir}" && node node_modules/tsx/dist/cli.mjs scripts/demo.ts --data-dir "${dataDir}" --port ${port} --sim-port ${simPort} --no-build --quiet --protocol ${process.env.E2E_DEMO_PROTOCOL ?? "xml"}`,
    url: `${baseURL}/login`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { E2E: "true" },
  },
});

export const SIM_URL = `http://127.0.0.1:${simPort}`;
