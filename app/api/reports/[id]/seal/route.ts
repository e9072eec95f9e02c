import { requirePermission } from "../../../../../server/http/authorize";
import { readJsonRequest } from "../../../../../server/http/json-body";
import { getRuntime } from "../../../../../server/http/runtime";
import { csdEncryptionKey } from "../../../../../server/services/csd/http";
import { errorResponse, NO_STORE, parseReportId, reportActor } from "../../../../../server/services/sat-reports/http";
import { ReportSealError, sealReport } from "../../../../../server/services/sat-reports/seal";

export const dynamic = "force-dynamic";

const SEAL_STATUS = { not_found: 404, no_package: 409, no_csd: 409, not_sealable: 409 } as const;

/**
 * POST /api/reports/:id/seal (empty body) — seals a stored unsealed report with the active CSD
 * (A30-RPT-03), e.g. after installing the CSD. Administrador, Supervisor (captureFiscalData).
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("captureFiscalData");
  if (!guard.ok) return guard.response;
  const id = parseReportId((await context.params).id);
  if (id === null) return errorResponse(400, "Identificador de reporte inválido");
  const body = await readJsonRequest(request, { empty: {} });
  if (!body.ok) return body.response;
  if (typeof body.value !== "object" || body.value === null || Array.isArray(body.value) || Object.keys(body.value).length > 0) {
    return errorResponse(400, "El sellado no lleva datos");
  }
  const runtime = getRuntime();
  try {
    const sealed = await sealReport(runtime.db, id, runtime.clock.now(), csdEncryptionKey(runtime), reportActor(guard));
    return Response.json({ reportId: sealed.reportId, noCertificado: sealed.noCertificado, isTest: sealed.isTest, eventLogId: sealed.eventLogId }, { headers: NO_STORE });
  } catch (error) {
    if (error instanceof ReportSealError) return errorResponse(SEAL_STATUS[error.code], error.message, { code: error.code });
    throw error;
  }
}
