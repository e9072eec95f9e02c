import { requirePermission } from "../../../../../server/http/authorize";
import { getRuntime } from "../../../../../server/http/runtime";
import { errorResponse, NO_STORE, parseReportId } from "../../../../../server/services/sat-reports/http";
import { verifyStoredReport } from "../../../../../server/services/sat-reports/seal";

export const dynamic = "force-dynamic";

/**
 * GET /api/reports/:id/verify — read-only check of a stored report (A30-RPT-03, issue #6 item 10):
 * SHA-256 of the stored ZIP and of its JSON against the recorded hashes, and the detached CMS
 * signature against the CSD certificate. A GET (nothing is written), so no READ_ONLY_MUTATIONS entry.
 */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("reports");
  if (!guard.ok) return guard.response;
  const id = parseReportId((await context.params).id);
  if (id === null) return errorResponse(400, "Identificador de reporte inválido");
  const verification = await verifyStoredReport(getRuntime().db, id);
  if (!verification) return errorResponse(404, "No existe el reporte");
  return Response.json({ verification }, { headers: NO_STORE });
}
