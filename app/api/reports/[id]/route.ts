import { requirePermission } from "../../../../server/http/authorize";
import { getRuntime } from "../../../../server/http/runtime";
import { getReportDetail } from "../../../../server/services/sat-reports/downloads";
import { errorResponse, NO_STORE, parseReportId } from "../../../../server/services/sat-reports/http";

export const dynamic = "force-dynamic";

/** GET /api/reports/:id — one stored report with its human-readable preview data (A30-ACC-08: reports). */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("reports");
  if (!guard.ok) return guard.response;
  const id = parseReportId((await context.params).id);
  if (id === null) return errorResponse(400, "Identificador de reporte inválido");
  const report = await getReportDetail(getRuntime().db, id);
  if (!report) return errorResponse(404, "No existe el reporte");
  return Response.json({ report }, { headers: NO_STORE });
}
