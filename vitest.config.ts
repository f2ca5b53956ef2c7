import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("./", import.meta.url)),
      // `server-only` throws outside React Server Components; tests are server code.
      "server-only": fileURLToPath(new URL("./tools/testing/server-only-stub.ts", import.meta.url)),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts", "tools/**/*.test.ts"],
    exclude: ["e2e/**", "node_modules/**"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Three files at a time, whatever the core count (vitest's default is one fewer than the cores: one
    // on a 2-core machine). Many files spend most of their time waiting (real timeouts, worker processes,
    // slow simulator answers): 746 s one at a time, about half side by side on 2 cores.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS ?? 3),
    setupFiles: ["tools/testing/fast-check-setup.ts"],
    // next-auth imports "next/server" without an extension, which Node's ESM resolver refuses: let Vite resolve it.
    server: { deps: { inline: ["next-auth"] } },
  },
});
