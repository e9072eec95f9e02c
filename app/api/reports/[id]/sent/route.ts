import { z } from "zod";
import { zodMessages } from "../../../../../server/domain/operations/index";
import { requirePermission } from "../../../../../server/http/authorize";
import { readJsonRequest } from "../../../../../server/http/json-body";
import { getRuntime } from "../../../../../server/http/runtime";
import { markSent } from "../../../../../server/services/sat-reports/downloads";
import { errorResponse, NO_STORE, parseReportId, reportActor } from "../../../../../server/services/sat-reports/http";

export const dynamic = "force-dynamic";

const sentSchema = z.object({ note: z.string().trim().max(500, "La nota admite hasta 500 caracteres").optional() }).strict();

/**
 * POST /api/reports/:id/sent {note?} — records in the bitácora that the package was delivered to
 * SAT ("envío al SAT", issue #6 item 9). Administrador, Supervisor (captureFiscalData).
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("captureFiscalData");
  if (!guard.ok) return guard.response;
  const id = parseReportId((await context.params).id);
  if (id === null) return errorResponse(400, "Identificador de reporte inválido");
  const body = await readJsonRequest(request, { empty: {} });
  if (!body.ok) return body.response;
  const input = sentSchema.safeParse(body.value);
  if (!input.success) return Response.json({ error: "datos inválidos", messages: zodMessages(input.error) }, { status: 400, headers: NO_STORE });
  const runtime = getRuntime();
  const eventLogId = await markSent(runtime.db, reportActor(guard), id, runtime.clock.now(), input.data.note || undefined);
  if (eventLogId === null) return errorResponse(404, "No existe el reporte");
  return Response.json({ eventLogId }, { status: 201, headers: NO_STORE });
}
