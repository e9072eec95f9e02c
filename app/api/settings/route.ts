import { requirePermission } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import { readSettings } from "../../../server/services/settings/index";

export const dynamic = "force-dynamic";

/** GET /api/settings: every volumetric-control parameter and each installation's cut hour and zone (every profile: `view`). */
export async function GET(): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const runtime = getRuntime();
  return Response.json(await readSettings(runtime.db, runtime.clock.now()), { headers: { "Cache-Control": "no-store" } });
}
