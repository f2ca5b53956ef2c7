import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its WASM and data files from its own package folder; bundling it breaks that.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "bcryptjs"],
  poweredByHeader: false,
  // A separate build folder lets the e2e suite build next to a running dev server.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // StoreFront pages: the header-only CSP directives. Their img-src is narrowed per theme by a CSP
  // <meta> in app/store/[merchant]/[theme]/layout.tsx (only pages know the theme's ONTRAPORT host).
  async headers() {
    return [
      {
        source: "/store/:path*",
        headers: [
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'" },
          { key: "Referrer-Policy", value: "no-referrer" },
        ],
      },
    ];
  },
};

export default nextConfig;
