import { createUserInputSchema } from "../../../server/domain/users/index";
import { requirePermission } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import { createUser, listUsers } from "../../../server/services/users/index";
import { adminActor, NO_STORE, parseBody, readJsonBody, requestContext, respond } from "../../../server/services/users/http";

export const dynamic = "force-dynamic";

/** GET /api/users — every account, without password hashes (A30-ACC-04: Administrador only). */
export async function GET(): Promise<Response> {
  const guard = await requirePermission("manageUsers");
  if (!guard.ok) return guard.response;
  const runtime = getRuntime();
  return Response.json({ users: await listUsers(runtime.db) }, { headers: NO_STORE });
}

/**
 * POST /api/users {"username", "displayName", "role"} → 201 {user, temporaryPassword} (A30-ACC-04/05):
 * a profile other than the four → 400 (A30-ACC-02); the temporary password is shown once and must
 * be changed at the first log-in; bitácora "Alta de usuario" without it.
 */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("manageUsers");
  if (!guard.ok) return guard.response;
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const input = parseBody(createUserInputSchema, body.body);
  if (!input.ok) return input.response;
  const runtime = getRuntime();
  const result = await createUser(runtime.db, adminActor(guard), input.data, requestContext(request), runtime.clock.now());
  return respond(result, (created) => ({ user: created.user, temporaryPassword: created.temporaryPassword, eventLogId: created.eventLogId }), 201);
}
