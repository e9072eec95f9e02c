import { completeReviewInputSchema } from "../../../server/domain/users/index";
import { requirePermission } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import { completeAccessReview, readAccessReview } from "../../../server/services/users/index";
import { adminActor, NO_STORE, parseBody, readJsonBody, requestContext, respond } from "../../../server/services/users/http";

export const dynamic = "force-dynamic";

/** GET /api/access-review — the access-review report and whether a review is due (A30-SEC-04). */
export async function GET(): Promise<Response> {
  const guard = await requirePermission("manageUsers");
  if (!guard.ok) return guard.response;
  const runtime = getRuntime();
  return Response.json(await readAccessReview(runtime.db, runtime.clock.now()), { headers: NO_STORE });
}

/** POST /api/access-review {"notes"?} — records a completed review: snapshot + one bitácora entry; the reminder clears. */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("manageUsers");
  if (!guard.ok) return guard.response;
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const input = parseBody(completeReviewInputSchema, body.body);
  if (!input.ok) return input.response;
  const runtime = getRuntime();
  const result = await completeAccessReview(runtime.db, adminActor(guard), input.data, requestContext(request), runtime.clock.now());
  return respond(result, (done) => done, 201);
}
