import { getRuntime } from "../../../server/http/runtime";

export const dynamic = "force-dynamic";

/** GET /api/health (design.md §3): engine and TimescaleDB capabilities; 503 when the DB is down. */
export async function GET(): Promise<Response> {
  const runtime = getRuntime();
  const database = await runtime.isDatabaseUp();
  const timescaledb = { enabled: runtime.capabilities.enabled, license: runtime.capabilities.license };
  if (!database.ok) {
    return Response.json(
      { status: "error", version: runtime.version, db: runtime.db.engine, timescaledb, reason: database.reason },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
  return Response.json(
    { status: "ok", version: runtime.version, db: runtime.db.engine, timescaledb },
    { headers: { "Cache-Control": "no-store" } },
  );
}
