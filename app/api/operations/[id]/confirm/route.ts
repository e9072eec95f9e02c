import { z } from "zod";
import { requirePermission } from "../../../../../server/http/authorize";
import { getRuntime } from "../../../../../server/http/runtime";
import { confirmOperation } from "../../../../../server/services/operations/index";
import { actionErrorResponse, badRequest, operationIdSchema, readJson } from "../../../../../server/services/operations/http";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ note: z.string().trim().max(1000).optional() }).optional();

/** POST /api/operations/:id/confirm — review of a record, written to the bitácora. */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("captureManualOperations");
  if (!guard.ok) return guard.response;
  const id = operationIdSchema.safeParse((await context.params).id);
  if (!id.success) return badRequest(id.error);
  const text = await request.text();
  let raw: unknown = undefined;
  if (text.trim()) {
    const body = await readJson(new Request(request.url, { method: "POST", body: text }));
    if (!body.ok) return body.response;
    raw = body.value;
  }
  const body = bodySchema.safeParse(raw);
  if (!body.success) return badRequest(body.error);
  const runtime = getRuntime();
  try {
    const result = await confirmOperation(runtime.db, id.data, { userId: guard.userId, username: guard.session.user.username }, body.data?.note ?? null, runtime.clock.now());
    return Response.json(result, { status: 201 });
  } catch (error) {
    return actionErrorResponse(error);
  }
}
