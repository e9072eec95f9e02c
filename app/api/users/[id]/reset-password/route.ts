import { resetPasswordInputSchema } from "../../../../../server/domain/users/index";
import { requirePermission } from "../../../../../server/http/authorize";
import { getRuntime } from "../../../../../server/http/runtime";
import { resetPassword } from "../../../../../server/services/users/index";
import { adminActor, errorResponse, parseBody, parseUserId, readJsonBody, requestContext, respond } from "../../../../../server/services/users/http";

export const dynamic = "force-dynamic";

/**
 * POST /api/users/:id/reset-password → {temporaryPassword} (A30-ACC-05): a new temporary password,
 * shown once, to be changed at the next log-in; the user's sessions end.
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("manageUsers");
  if (!guard.ok) return guard.response;
  const id = parseUserId((await context.params).id);
  if (id === null) return errorResponse(400, "El id de usuario debe ser un número entero positivo.");
  // No fields are accepted (the Administrador cannot choose the password); an empty body is fine.
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const input = parseBody(resetPasswordInputSchema, body.body);
  if (!input.ok) return input.response;
  const runtime = getRuntime();
  const result = await resetPassword(runtime.db, adminActor(guard), id, requestContext(request), runtime.clock.now());
  return respond(result, (reset) => ({ user: reset.user, temporaryPassword: reset.temporaryPassword, sessionsEnded: reset.sessionsEnded, eventLogId: reset.eventLogId }));
}
