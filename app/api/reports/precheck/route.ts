import { requirePermission } from "../../../../server/http/authorize";
import { getRuntime } from "../../../../server/http/runtime";
import { errorResponse, NO_STORE } from "../../../../server/services/sat-reports/http";
import { monthlyPrecheck, PrecheckError } from "../../../../server/services/sat-reports/precheck";

export const dynamic = "force-dynamic";

/**
 * GET /api/reports/precheck?installation=KEY&month=AAAA-MM — A30-RPT-06: what is missing or open
 * before the month is reported (missing cuts, operations without RFC, quality data or CFDI,
 * imports without pedimento, open findings and alarms). Read-only: whoever may consult reports.
 */
export async function GET(request: Request): Promise<Response> {
  const guard = await requirePermission("reports");
  if (!guard.ok) return guard.response;
  const params = new URL(request.url).searchParams;
  const installation = params.get("installation") ?? "";
  const month = params.get("month") ?? "";
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/.test(installation)) return errorResponse(400, "Clave de instalación inválida");
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return errorResponse(400, "El mes debe ser AAAA-MM");
  const runtime = getRuntime();
  try {
    return Response.json(await monthlyPrecheck(runtime.db, installation, month, runtime.clock.now()), { headers: NO_STORE });
  } catch (error) {
    if (error instanceof PrecheckError) return errorResponse(error.status, error.message);
    throw error;
  }
}
