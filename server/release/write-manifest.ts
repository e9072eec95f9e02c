import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { systemClock } from "../platform/clock";
import { RELEASE_MANIFEST_FILE, writeReleaseManifest } from "../platform/release";
import { AFORO_VERSION } from "../platform/version";

/**
 * `npm run release:manifest [-- --root DIR]` (A30-SEC-14, A30-SEC-11): hashes every shipped file
 * and writes release-manifest.json at the root; prints
 * `{"version","hash","files":N,"out":"release-manifest.json"}`. The Docker image runs it after the
 * build, so the running server can verify its own files at start-up.
 */
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface WriteManifestOutput {
  version: string;
  hash: string;
  files: number;
  out: string;
}

export async function runWriteManifest(root: string, version: string, now: Date): Promise<WriteManifestOutput> {
  const { manifest, file } = await writeReleaseManifest(root, version, now);
  // Relative to the working directory (npm runs it at the root: "release-manifest.json"), absolute elsewhere.
  const relative = path.relative(process.cwd(), file);
  const out = relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
  return { version: manifest.version, hash: manifest.hash, files: Object.keys(manifest.files).length, out };
}

async function main(argv: string[]): Promise<number> {
  let root = PROJECT_ROOT;
  try {
    const { values } = parseArgs({ args: argv, options: { root: { type: "string" } }, strict: true });
    if (values.root) root = path.resolve(values.root);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: (error as Error).message, usage: "npm run release:manifest [-- --root CARPETA]" })}\n`);
    return 2;
  }
  try {
    process.stdout.write(`${JSON.stringify(await runWriteManifest(root, AFORO_VERSION, systemClock.now()))}\n`);
    return 0;
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: `no se pudo escribir ${RELEASE_MANIFEST_FILE}: ${(error as Error).message}` })}\n`);
    return 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
