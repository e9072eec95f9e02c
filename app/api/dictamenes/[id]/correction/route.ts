import { zodMessages } from "../../../../../server/domain/operations/index";
import { requirePermission } from "../../../../../server/http/authorize";
import { readJsonRequest } from "../../../../../server/http/json-body";
import { getRuntime } from "../../../../../server/http/runtime";
import { correctDictamen, dictamenCorrectionSchema, lotIdSchema, qualityErrorResponse } from "../../../../../server/services/quality/index";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" } as const;

/**
 * POST /api/dictamenes/:id/correction {"dictamen": {…the corrected dictamen…}, "reason"} — A30-STO-02:
 * the dictamen is never changed; its correction is the next version (the lot's operations move to
 * the new quality record), with the reason in the bitácora. Administrador, Supervisor. 201; 400;
 * 404; 409 when the dictamen was already corrected or the folio belongs to another dictamen.
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("captureFiscalData");
  if (!guard.ok) return guard.response;
  const id = lotIdSchema.safeParse((await context.params).id);
  if (!id.success) return Response.json({ error: "datos inválidos", messages: ["id de dictamen inválido"] }, { status: 400, headers: NO_STORE });
  const body = await readJsonRequest(request, { empty: undefined });
  if (!body.ok) return body.response;
  const input = dictamenCorrectionSchema.safeParse(body.value);
  if (!input.success) return Response.json({ error: "datos inválidos", messages: zodMessages(input.error) }, { status: 400, headers: NO_STORE });
  const runtime = getRuntime();
  try {
    const result = await correctDictamen(runtime.db, id.data, input.data.dictamen, input.data.reason, { userId: guard.userId, username: guard.session.user.username }, runtime.clock.now());
    return Response.json(result, { status: 201, headers: NO_STORE });
  } catch (error) {
    return qualityErrorResponse(error);
  }
}
