import { requirePermission } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import { getDashboard } from "../../../server/services/dashboard/get-dashboard";

export const dynamic = "force-dynamic";

/** GET /api/installations: installations, tanks and their latest readings (every profile may view, A30-ACC-03). */
export async function GET(): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const runtime = getRuntime();
  const installations = await getDashboard({ db: runtime.db, now: runtime.clock.now() });
  return Response.json({ installations }, { headers: { "Cache-Control": "no-store" } });
}
