import { requirePermission } from "../../../../../server/http/authorize";
import { readJsonRequest } from "../../../../../server/http/json-body";
import { getRuntime } from "../../../../../server/http/runtime";
import { changeCfdiStatus, cfdiStatusSchema } from "../../../../../server/services/cfdi/index";
import { cfdiErrorResponse, cfdiIdSchema, NO_STORE, zodErrorResponse } from "../../../../../server/services/cfdi/http";

export const dynamic = "force-dynamic";

/**
 * POST /api/cfdi/:id/status {"status", "code"?, "reason"} — records the CFDI's status from the
 * PAC's or SAT's answer (A30-CFDI-06): «cancelado» is final and takes the CFDI out of the totals;
 * a refused cancellation keeps the PAC code with its text. One bitácora entry. Administrador and
 * Supervisor (captureFiscalData). 200; 400 invalid; 404; 409 already cancelled / same status.
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("captureFiscalData");
  if (!guard.ok) return guard.response;
  const id = cfdiIdSchema.safeParse((await context.params).id);
  if (!id.success) return zodErrorResponse(id.error);
  const body = await readJsonRequest(request, { empty: undefined });
  if (!body.ok) return body.response;
  const input = cfdiStatusSchema.safeParse(body.value);
  if (!input.success) return zodErrorResponse(input.error);
  const runtime = getRuntime();
  try {
    const result = await changeCfdiStatus(runtime.db, { userId: guard.userId, username: guard.session.user.username }, id.data, input.data, runtime.clock.now());
    return Response.json({ status: result }, { headers: NO_STORE });
  } catch (error) {
    return cfdiErrorResponse(error);
  }
}
