import { zodMessages } from "../../../server/domain/operations/index";
import { requirePermission } from "../../../server/http/authorize";
import { readJsonRequest } from "../../../server/http/json-body";
import { getRuntime } from "../../../server/http/runtime";
import { csdEncryptionKey } from "../../../server/services/csd/http";
import { listReports } from "../../../server/services/sat-reports/downloads";
import { GenerateReportError, generateReport, generateReportSchema } from "../../../server/services/sat-reports/generate";
import { errorResponse, NO_STORE, reportActor } from "../../../server/services/sat-reports/http";

export const dynamic = "force-dynamic";

/** GET /api/reports?installation= — stored SAT reports, every version (A30-ACC-03 "Consulta e impresión de informes": reports). */
export async function GET(request: Request): Promise<Response> {
  const guard = await requirePermission("reports");
  if (!guard.ok) return guard.response;
  const installation = new URL(request.url).searchParams.get("installation");
  if (installation !== null && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/.test(installation)) return errorResponse(400, "Clave de instalación inválida");
  const reports = await listReports(getRuntime().db, installation ? { installationKey: installation } : {});
  return Response.json({ reports }, { headers: NO_STORE });
}

/**
 * POST /api/reports {kind: "daily", installationKey, date} | {kind: "monthly", installationKey, month}
 * — builds, validates and stores a new version, stores its ZIP and seals it with the active CSD
 * (A30-RPT-01…04). 201 {report}; with no usable CSD the report is stored unsealed and `warning`
 * says why. Generating stores a fiscal record: Administrador and Supervisor (captureFiscalData).
 */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("captureFiscalData");
  if (!guard.ok) return guard.response;
  const body = await readJsonRequest(request, { empty: undefined });
  if (!body.ok) return body.response;
  const input = generateReportSchema.safeParse(body.value);
  if (!input.success) return Response.json({ error: "datos inválidos", messages: zodMessages(input.error) }, { status: 400, headers: NO_STORE });
  const runtime = getRuntime();
  try {
    const report = await generateReport(runtime.db, input.data, reportActor(guard), runtime.clock.now(), csdEncryptionKey(runtime));
    return Response.json({ report, warning: report.warning }, { status: 201, headers: NO_STORE });
  } catch (error) {
    if (error instanceof GenerateReportError) return errorResponse(error.status, error.message, { messages: error.messages.length ? error.messages : [error.message] });
    throw error;
  }
}
