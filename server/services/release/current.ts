import type { ReleaseManifestState, ReleaseStatus } from "../../domain/release/index";

/**
 * The release check of the running process (A30-SEC-14), registered by server/start-server.ts
 * and read by /api/health and the UI footer. Kept on a global symbol, like server/http/runtime.ts:
 * Next.js bundles route handlers and server components into separate module instances.
 */
const RELEASE_KEY = Symbol.for("aforo.release");

type GlobalWithRelease = typeof globalThis & { [RELEASE_KEY]?: ReleaseStatus };

export function registerRelease(status: ReleaseStatus): void {
  (globalThis as GlobalWithRelease)[RELEASE_KEY] = status;
}

export function unregisterRelease(): void {
  delete (globalThis as GlobalWithRelease)[RELEASE_KEY];
}

/** null until the start-up check ran (e.g. `next dev` without the Aforo server). */
export function currentRelease(): ReleaseStatus | null {
  return (globalThis as GlobalWithRelease)[RELEASE_KEY] ?? null;
}

/** The `release` object of /api/health: "unchecked" (hash null) before the start-up check. */
export function releaseSummary(): { hash: string | null; manifest: ReleaseManifestState | "unchecked" } {
  const release = currentRelease();
  return release ? { hash: release.hash, manifest: release.manifest } : { hash: null, manifest: "unchecked" };
}
