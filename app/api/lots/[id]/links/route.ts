import { zodMessages } from "../../../../../server/domain/operations/index";
import { requirePermission } from "../../../../../server/http/authorize";
import { readJsonRequest } from "../../../../../server/http/json-body";
import { getRuntime } from "../../../../../server/http/runtime";
import { linkOperationsToLot, lotIdSchema, lotLinkSchema, qualityErrorResponse } from "../../../../../server/services/quality/index";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" } as const;

/**
 * POST /api/lots/:id/links {"operationIds": [...], "reason"?} — A30-TYP-10: each operation gets a new version
 * referencing the lot and its applicable quality record (one bitácora entry). Administrador, Supervisor.
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("captureFiscalData");
  if (!guard.ok) return guard.response;
  const id = lotIdSchema.safeParse((await context.params).id);
  if (!id.success) return Response.json({ error: "datos inválidos", messages: zodMessages(id.error) }, { status: 400, headers: NO_STORE });
  const body = await readJsonRequest(request, { empty: undefined });
  if (!body.ok) return body.response;
  const input = lotLinkSchema.safeParse(body.value);
  if (!input.success) return Response.json({ error: "datos inválidos", messages: zodMessages(input.error) }, { status: 400, headers: NO_STORE });
  const runtime = getRuntime();
  try {
    const result = await linkOperationsToLot(runtime.db, id.data, input.data, { userId: guard.userId, username: guard.session.user.username }, runtime.clock.now());
    return Response.json(result, { status: 201, headers: NO_STORE });
  } catch (error) {
    return qualityErrorResponse(error);
  }
}
