import { requirePermission } from "../../../../../server/http/authorize";
import { readJsonRequest } from "../../../../../server/http/json-body";
import { getRuntime } from "../../../../../server/http/runtime";
import { linkCfdi, unlinkCfdi } from "../../../../../server/services/cfdi/index";
import { cfdiErrorResponse, cfdiIdSchema, cfdiLinkSchema, NO_STORE, zodErrorResponse } from "../../../../../server/services/cfdi/http";

export const dynamic = "force-dynamic";

/**
 * POST /api/cfdi/:id/links {"operationId", "action": "link"|"unlink", "reason"?, "volume"?} — manual link of the
 * CFDI to an operation (volume defaults to what is still unlinked on both sides) or unlink with its reason
 * (mandatory); each is a bitácora event (A30-CFDI-05, A30-LOG-10). 201 link, 200 unlink; 400/404/409 with the reason.
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("captureFiscalData");
  if (!guard.ok) return guard.response;
  const id = cfdiIdSchema.safeParse((await context.params).id);
  if (!id.success) return zodErrorResponse(id.error);
  const body = await readJsonRequest(request, { empty: undefined });
  if (!body.ok) return body.response;
  const input = cfdiLinkSchema.safeParse(body.value);
  if (!input.success) return zodErrorResponse(input.error);
  const runtime = getRuntime();
  const actor = { userId: guard.userId, username: guard.session.user.username };
  try {
    const { operationId, action, reason, volume } = input.data;
    const result =
      action === "link"
        ? await linkCfdi(runtime.db, actor, { cfdiId: id.data, operationId, volume }, runtime.clock.now())
        : await unlinkCfdi(runtime.db, actor, { cfdiId: id.data, operationId, reason: reason ?? "" }, runtime.clock.now());
    return Response.json({ link: result }, { status: action === "link" ? 201 : 200, headers: NO_STORE });
  } catch (error) {
    return cfdiErrorResponse(error);
  }
}
