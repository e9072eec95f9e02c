import { changeOwnPasswordInputSchema } from "../../../../server/domain/users/index";
import { requirePermission } from "../../../../server/http/authorize";
import { getRuntime } from "../../../../server/http/runtime";
import { changeOwnPassword } from "../../../../server/services/users/index";
import { parseBody, readJsonBody, requestContext, respond } from "../../../../server/services/users/http";

export const dynamic = "force-dynamic";

/**
 * POST /api/account/password {"currentPassword", "newPassword", "confirmation"} — every profile,
 * also while a change is pending (A30-ACC-05 first log-in / reset, A30-SEC-08 expiry): rules of
 * A30-SEC-05 and no reuse of any earlier password; 400 {error, violations?} when refused. The
 * other sessions of the user end; this one stays open.
 */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("ownAccount", { allowPendingPasswordChange: true });
  if (!guard.ok) return guard.response;
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const input = parseBody(changeOwnPasswordInputSchema, body.body);
  if (!input.ok) return input.response;
  const runtime = getRuntime();
  const result = await changeOwnPassword(
    runtime.db,
    { userId: guard.userId, sessionId: guard.session.user.sessionId ?? null },
    input.data,
    requestContext(request),
    runtime.clock.now(),
  );
  return respond(result, (changed) => ({ ok: true, ...changed }));
}
