import { requirePermission } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import { getDiagnosticsView } from "../../../server/services/diagnostics/read-status";

export const dynamic = "force-dynamic";

/** GET /api/diagnostics: every diagnosed component with class, state OK/fallo, reason and last check time (A30-DIAG-01; every profile). */
export async function GET(): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const view = await getDiagnosticsView(getRuntime().db);
  return Response.json(view, { headers: { "Cache-Control": "no-store" } });
}
