import { updateUserInputSchema } from "../../../../server/domain/users/index";
import { requirePermission } from "../../../../server/http/authorize";
import { getRuntime } from "../../../../server/http/runtime";
import { getUser, updateUser } from "../../../../server/services/users/index";
import { adminActor, errorResponse, NO_STORE, parseBody, parseUserId, readJsonBody, requestContext, respond } from "../../../../server/services/users/http";

export const dynamic = "force-dynamic";

const BAD_ID = "El id de usuario debe ser un número entero positivo.";

/** GET /api/users/:id — one account (A30-ACC-04). 400 for a malformed id, 404 when unknown. */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("manageUsers");
  if (!guard.ok) return guard.response;
  const id = parseUserId((await context.params).id);
  if (id === null) return errorResponse(400, BAD_ID);
  const user = await getUser(getRuntime().db, id);
  if (!user) return errorResponse(404, `No existe el usuario con id ${id}.`);
  return Response.json({ user }, { headers: NO_STORE });
}

/**
 * PATCH /api/users/:id {"displayName"?, "active"?, "role"?, "reason"?, "canViewSecurityLog"?}
 * (A30-ACC-04, A30-SEC-03): a profile change without a reason → 400; demoting or deactivating the
 * last active Administrador → 409; deactivation and profile changes end the user's sessions.
 */
export async function PATCH(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("manageUsers");
  if (!guard.ok) return guard.response;
  const id = parseUserId((await context.params).id);
  if (id === null) return errorResponse(400, BAD_ID);
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const input = parseBody(updateUserInputSchema, body.body);
  if (!input.ok) return input.response;
  const runtime = getRuntime();
  const result = await updateUser(runtime.db, adminActor(guard), id, input.data, requestContext(request), runtime.clock.now());
  return respond(result, (updated) => updated);
}
