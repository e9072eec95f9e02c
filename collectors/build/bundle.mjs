#!/usr/bin/env node
/**
 * Bundles the collector with esbuild (pinned devDependency) — `npm run build:collector`:
 *
 *   dist/collector.mjs        entry collectors/cli.ts (`node dist/collector.mjs collect --config FILE`)
 *   dist/migrations/          copy of db/migrations (db/client.ts finds them next to the bundle)
 *
 * Why: under tsx the collector starts at ≈ 165 MB resident (the TypeScript loader, esbuild's
 * service, every module compiled at run time) and reached 221 MB at 10 000 tags, above the
 * 200 MB target. The bundle runs on plain `node`, loads only the client half of node-opcua
 * (`node-opcua` is resolved to collectors/build/node-opcua-client.ts) and tree-shakes zod,
 * drizzle and our own modules (BENCHMARKS.md, «RSS del colector»).
 *
 * Left external (loaded from node_modules at run time): `pg` and PGlite (native/wasm assets
 * found relative to their own files), pino (worker-thread transports) and the node-opcua-*
 * packages (CommonJS reading files next to their sources).
 *
 * `bundleCollector({ entryPoints, outdir })` is also used by the benchmarks to run their
 * collector child from a bundle built with exactly these options.
 */
import { cpSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SHIM = path.join(REPO, "collectors/build/node-opcua-client.ts");
export const EXTERNAL = ["pg", "pg-native", "@electric-sql/pglite", "@electric-sql/pglite/*", "pino", "node-opcua-*"];

/** `node-opcua` → the client-only re-export (see node-opcua-client.ts). */
const clientOnlyOpcua = {
  name: "node-opcua-client-only",
  setup(build) {
    build.onResolve({ filter: /^node-opcua$/ }, () => ({ path: SHIM }));
  },
};

/**
 * @param {{ entryPoints?: Record<string, string>, outdir?: string, copyMigrations?: boolean, metafile?: boolean }} [options]
 */
export async function bundleCollector(options = {}) {
  const outdir = options.outdir ?? path.join(REPO, "dist");
  const entryPoints = options.entryPoints ?? { collector: path.join(REPO, "collectors/cli.ts") };
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints,
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    // `await import("./runtime")` stays lazy: bad input is answered before node-opcua loads (it
    // prints a warning at import).
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    platform: "node",
    format: "esm",
    target: "node20",
    external: EXTERNAL,
    plugins: [clientOnlyOpcua],
    // Bundled CommonJS (e.g. pg-copy-streams' helpers) may call require() on node built-ins.
    banner: { js: 'import { createRequire as __aforoCreateRequire } from "node:module"; const require = __aforoCreateRequire(import.meta.url);' },
    sourcemap: "linked",
    legalComments: "none",
    metafile: options.metafile ?? false,
    logLevel: "warning",
  });
  if (options.copyMigrations ?? true) {
    const target = path.join(outdir, "migrations");
    rmSync(target, { recursive: true, force: true });
    cpSync(path.join(REPO, "db/migrations"), target, { recursive: true });
  }
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const result = await bundleCollector({ metafile: true });
  const outputs = Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith(".mjs"))
    .map(([file, output]) => ({ file: path.relative(REPO, path.resolve(REPO, file)), bytes: output.bytes, modules: Object.keys(output.inputs).length }));
  process.stdout.write(`${JSON.stringify({ ok: true, outputs, ms: Date.now() - started })}\n`);
}
