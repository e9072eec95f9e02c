import { createHash } from "node:crypto";
import { lstat, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  buildReleaseManifest,
  compareManifest,
  globalHash,
  parseReleaseManifest,
  type ReleaseManifest,
  type ReleaseStatus,
} from "../domain/release/index";

/**
 * The shipped files on disk (A30-SEC-14): hashing, writing release-manifest.json and checking the
 * running tree against it. Walks the file system, not git: the Docker image has no .git.
 */
export const RELEASE_MANIFEST_FILE = "release-manifest.json";

/** Folders whose whole content ships (the Next.js UI, the server, the database, the collectors). */
export const SHIPPED_DIRECTORIES = ["app", "server", "db", "collectors"] as const;

/** Single files at the root that ship (absent ones are skipped: .dockerignore leaves the Docker files out of the image). */
export const SHIPPED_FILES = [
  "package.json",
  "package-lock.json",
  "next.config.ts",
  "tsconfig.json",
  "drizzle.config.ts",
  "Dockerfile",
  "docker-compose.yml",
  "README.md",
] as const;

/** Generated or local content that never ships, wherever it appears. */
const SKIPPED_DIRECTORY_NAMES = new Set(["node_modules", ".next", ".git"]);
/** Root-relative folders that never ship (build output, local data, tests, CI scratch). */
const SKIPPED_PREFIXES = ["data/", "dist/", "test/", ".ci/.work/"];
const HASH_CONCURRENCY = 32;

function skipped(relative: string, isDirectory: boolean): boolean {
  const withSlash = isDirectory ? `${relative}/` : relative;
  if (SKIPPED_PREFIXES.some((prefix) => withSlash.startsWith(prefix))) return true;
  if (isDirectory) return SKIPPED_DIRECTORY_NAMES.has(path.posix.basename(relative));
  return relative.endsWith(".tsbuildinfo");
}

async function walk(root: string, relative: string, out: string[]): Promise<void> {
  const entries = await readdir(path.join(root, ...relative.split("/")), { withFileTypes: true });
  for (const entry of entries) {
    const child = `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!skipped(child, true)) await walk(root, child, out);
    } else if (entry.isFile() && !skipped(child, false)) {
      out.push(child);
    }
    // Symbolic links and special files are not program files: not followed, not listed.
  }
}

async function isRegularFile(file: string): Promise<boolean> {
  try {
    return (await lstat(file)).isFile();
  } catch {
    return false;
  }
}

async function isDirectory(file: string): Promise<boolean> {
  try {
    return (await lstat(file)).isDirectory();
  } catch {
    return false;
  }
}

/** Relative POSIX paths of the shipped files under `root`, in byte order. */
export async function listShippedPaths(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const directory of SHIPPED_DIRECTORIES) {
    if (await isDirectory(path.join(root, directory))) await walk(root, directory, out);
  }
  for (const file of SHIPPED_FILES) {
    if (await isRegularFile(path.join(root, file))) out.push(file);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function sha256File(file: string): Promise<string> {
  return createHash("sha256").update(await readFile(file)).digest("hex");
}

/** The shipped files with their SHA-256: path → hex digest (the manifest's `files`). */
export async function listShippedFiles(root: string): Promise<Record<string, string>> {
  const paths = await listShippedPaths(root);
  const hashes = new Array<string>(paths.length);
  for (let start = 0; start < paths.length; start += HASH_CONCURRENCY) {
    const batch = paths.slice(start, start + HASH_CONCURRENCY);
    const digests = await Promise.all(batch.map((file) => sha256File(path.join(root, ...file.split("/")))));
    digests.forEach((digest, i) => (hashes[start + i] = digest));
  }
  const files: Record<string, string> = {};
  paths.forEach((file, i) => (files[file] = hashes[i]!));
  return files;
}

/** Writes `<root>/release-manifest.json` atomically (temporary file, then rename). */
export async function writeReleaseManifest(root: string, version: string, now: Date): Promise<{ manifest: ReleaseManifest; file: string }> {
  const manifest = buildReleaseManifest(version, await listShippedFiles(root), now);
  const file = path.join(root, RELEASE_MANIFEST_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o644 });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { manifest, file };
}

export type ManifestReading = { state: "absent" } | { state: "invalid"; error: string } | { state: "ok"; manifest: ReleaseManifest };

export async function readReleaseManifest(root: string): Promise<ManifestReading> {
  let text: string;
  try {
    text = await readFile(path.join(root, RELEASE_MANIFEST_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { state: "absent" };
    return { state: "invalid", error: `no se pudo leer ${RELEASE_MANIFEST_FILE}: ${(error as Error).message}` };
  }
  const parsed = parseReleaseManifest(text);
  return parsed.ok ? { state: "ok", manifest: parsed.manifest } : { state: "invalid", error: parsed.error };
}

/**
 * The start-up check (A30-SEC-14): the files as they are now against release-manifest.json.
 * "verified" only when every file matches and the manifest is of the running version; a manifest
 * that cannot be read or was edited counts as "mismatch" (present but not proving anything).
 */
export async function checkRelease(root: string, version: string): Promise<ReleaseStatus> {
  const reading = await readReleaseManifest(root);
  const actual = await listShippedFiles(root);
  const actualHash = globalHash(actual);
  if (reading.state === "absent") return { version, hash: actualHash, manifest: "absent", changed: [], missing: [], added: [] };
  if (reading.state === "invalid") return { version, hash: actualHash, manifest: "mismatch", changed: [], missing: [], added: [], reason: reading.error };
  const comparison = compareManifest(reading.manifest, actual);
  const sameVersion = reading.manifest.version === version;
  const status = { version, changed: comparison.changed, missing: comparison.missing, added: comparison.added };
  if (comparison.ok && sameVersion) return { ...status, hash: reading.manifest.hash, manifest: "verified" };
  return {
    ...status,
    hash: actualHash,
    manifest: "mismatch",
    ...(sameVersion ? {} : { reason: `el manifiesto es de la versión ${reading.manifest.version}, se ejecuta la ${version}` }),
  };
}
