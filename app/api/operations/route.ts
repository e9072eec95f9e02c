import { requirePermission } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import { manualOperationSchema } from "../../../server/domain/operations/index";
import { getOperation, listOperations, listUndocumentedReceptions, registerManualOperation } from "../../../server/services/operations/index";
import { actionErrorResponse, badRequest, operationJson, operationListQuerySchema, readJson } from "../../../server/services/operations/http";

export const dynamic = "force-dynamic";

/**
 * GET /api/operations?installation=&from=&to=&type=&status=incomplete&documentation=missing — current versions, every
 * profile (A30-REC-03, A30-REC-07); `status=incomplete` is the "registros incompletos" view, `documentation=missing`
 * the "sin documentación" list (A30-REC-05).
 */
export async function GET(request: Request): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const query = operationListQuerySchema.safeParse(params);
  if (!query.success) return badRequest(query.error);
  const { installation, documentation, ...rest } = query.data;
  const runtime = getRuntime();
  if (documentation === "missing") {
    // A30-REC-05: receptions older than 72 h without transport means or CFDI link ("sin documentación").
    const undocumented = await listUndocumentedReceptions(runtime.db, runtime.clock.now(), { installationKey: installation, limit: rest.limit });
    return Response.json(
      { operations: undocumented.map((u) => ({ ...operationJson(u.operation), missingDocumentation: u.missing })) },
      { headers: { "Cache-Control": "no-store" } },
    );
  }
  const operations = await listOperations(runtime.db, { installationKey: installation, ...rest });
  return Response.json({ operations: operations.map(operationJson) }, { headers: { "Cache-Control": "no-store" } });
}

/** POST /api/operations — manual operation (A30-REC-07): Administrador, Supervisor, Operador. */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("captureManualOperations");
  if (!guard.ok) return guard.response;
  const body = await readJson(request);
  if (!body.ok) return body.response;
  const input = manualOperationSchema.safeParse(body.value);
  if (!input.success) return badRequest(input.error);
  const runtime = getRuntime();
  try {
    const stored = await registerManualOperation(runtime.db, input.data, { userId: guard.userId, username: guard.session.user.username }, runtime.clock.now());
    const operation = await getOperation(runtime.db, stored.id);
    return Response.json({ operation: operation ? operationJson(operation) : null, eventLogId: stored.eventLogId }, { status: 201 });
  } catch (error) {
    return actionErrorResponse(error);
  }
}
