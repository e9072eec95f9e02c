import { zodMessages } from "../../../../../server/domain/operations/index";
import { requirePermission } from "../../../../../server/http/authorize";
import { readJsonRequest } from "../../../../../server/http/json-body";
import { getRuntime } from "../../../../../server/http/runtime";
import { linkPedimentoOperation, pedimentoErrorResponse, pedimentoIdSchema, pedimentoLinkSchema } from "../../../../../server/services/pedimentos/index";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" } as const;

/**
 * POST /api/pedimentos/:id/links {"action": "link"|"unlink", "operationId", "volume"?} — links a reception
 * (a delivery for an export) to the pedimento, or unlinks it (A30-PED-07); answers with the linked-volume summary.
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("captureFiscalData");
  if (!guard.ok) return guard.response;
  const id = pedimentoIdSchema.safeParse((await context.params).id);
  if (!id.success) return Response.json({ error: "datos inválidos", messages: zodMessages(id.error) }, { status: 400, headers: NO_STORE });
  const body = await readJsonRequest(request, { empty: undefined });
  if (!body.ok) return body.response;
  const input = pedimentoLinkSchema.safeParse(body.value);
  if (!input.success) return Response.json({ error: "datos inválidos", messages: zodMessages(input.error) }, { status: 400, headers: NO_STORE });
  const runtime = getRuntime();
  try {
    const result = await linkPedimentoOperation(runtime.db, id.data, input.data, { userId: guard.userId, username: guard.session.user.username }, runtime.clock.now());
    return Response.json(result, { status: 201, headers: NO_STORE });
  } catch (error) {
    return pedimentoErrorResponse(error);
  }
}
