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
  // Security headers (CSP with nonce, frame-ancestors, nosniff, HSTS…) are set for every response
  // by the custom server's front layer (server/http/front.ts), not here.
};

export default nextConfig;
