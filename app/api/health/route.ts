import { getRuntime } from "../../../server/http/runtime";
import { releaseSummary } from "../../../server/services/release/current";

export const dynamic = "force-dynamic";

/**
 * GET /api/health (design.md §3): engine and TimescaleDB capabilities; 503 when the DB is down.
 * `release` is the start-up check of the program files (A30-SEC-14): the global SHA-256 and
 * whether it matched release-manifest.json ("verified" | "mismatch" | "absent"; "unchecked" before it ran).
 * `environment` is the mode (production | test | demo, AFORO_ENV, A30-SEC-12).
 */
export async function GET(): Promise<Response> {
  const runtime = getRuntime();
  const database = await runtime.isDatabaseUp();
  const timescaledb = { enabled: runtime.capabilities.enabled, license: runtime.capabilities.license };
  const release = releaseSummary();
  if (!database.ok) {
    return Response.json(
      { status: "error", version: runtime.version, environment: runtime.config.AFORO_ENV, db: runtime.db.engine, timescaledb, reason: database.reason, release },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
  return Response.json(
    { status: "ok", version: runtime.version, environment: runtime.config.AFORO_ENV, db: runtime.db.engine, timescaledb, release },
    { headers: { "Cache-Control": "no-store" } },
  );
}
