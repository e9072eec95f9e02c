import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages run from node_modules, never bundled (native/WASM code, worker threads).
  serverExternalPackages: ["@electric-sql/pglite", "pg", "node-opcua", "pino", "drizzle-orm", "socket.io"],
  poweredByHeader: false,
  // `forbidden()` answers a page a profile may not use with a real 403 (A30-ACC-06).
  experimental: { authInterrupts: true },
  reactStrictMode: true,
  // The whole tree (server, collectors, tests) is type-checked by `npm run typecheck`, which
  // `npm run test:full` runs; the demo build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
