import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its WASM and data files from its own package folder; bundling it breaks that.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "bcryptjs"],
  poweredByHeader: false,
  // A separate build folder lets the e2e suite build next to a running dev server.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // Security headers (CSP with a per-request nonce, frame-ancestors, Referrer-Policy, ...) are set in
  // proxy.ts from lib/security/headers.ts; StoreFront pages narrow img-src with a per-theme CSP <meta>.
};

export default nextConfig;
