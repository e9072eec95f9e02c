import { requirePermission } from "../../../../../server/http/authorize";
import { getRuntime } from "../../../../../server/http/runtime";
import { operationCorrectionSchema } from "../../../../../server/domain/operations/index";
import { correctOperation, getOperation } from "../../../../../server/services/operations/index";
import { actionErrorResponse, badRequest, operationIdSchema, operationJson, readJson } from "../../../../../server/services/operations/http";

export const dynamic = "force-dynamic";

/** POST /api/operations/:id/correct — a new version with the changes and a bitácora entry with before/after (A30-LOG-10, A30-REC-05). */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("captureManualOperations");
  if (!guard.ok) return guard.response;
  const id = operationIdSchema.safeParse((await context.params).id);
  if (!id.success) return badRequest(id.error);
  const body = await readJson(request);
  if (!body.ok) return body.response;
  const input = operationCorrectionSchema.safeParse(body.value);
  if (!input.success) return badRequest(input.error);
  const runtime = getRuntime();
  try {
    const result = await correctOperation(runtime.db, id.data, input.data, { userId: guard.userId, username: guard.session.user.username }, runtime.clock.now());
    const operation = await getOperation(runtime.db, result.id);
    return Response.json({ operation: operation ? operationJson(operation) : null, changes: result.changes, eventLogId: result.eventLogId }, { status: 201 });
  } catch (error) {
    return actionErrorResponse(error);
  }
}
