import { z } from "zod";
import { requirePermission } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import { isValidDate } from "../../../server/domain/reconciliation/index";
import { zodMessages } from "../../../server/domain/operations/index";
import { ProcessLossError, listProcessLosses, processLossInputSchema, recordProcessLoss } from "../../../server/services/inventory/index";
import { readJson } from "../../../server/services/operations/http";

export const dynamic = "force-dynamic";

const querySchema = z
  .object({
    installation: z.string().trim().min(1).max(60).optional(),
    from: z.string().refine(isValidDate, "from: use AAAA-MM-DD").optional(),
    to: z.string().refine(isValidDate, "to: use AAAA-MM-DD").optional(),
  })
  .strict();

/** GET /api/process-losses?installation=&from=&to= — process losses (current versions), every profile (A30-REC-08). */
export async function GET(request: Request): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return Response.json({ error: "datos inválidos", messages: zodMessages(query.error) }, { status: 400 });
  const losses = await listProcessLosses(getRuntime().db, { installationKey: query.data.installation, from: query.data.from, to: query.data.to });
  return Response.json({ processLosses: losses }, { headers: { "Cache-Control": "no-store" } });
}

/** POST /api/process-losses — capture a process loss (A30-REC-08): Administrador, Supervisor (captureFiscalData). */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("captureFiscalData");
  if (!guard.ok) return guard.response;
  const body = await readJson(request);
  if (!body.ok) return body.response;
  const input = processLossInputSchema.safeParse(body.value);
  if (!input.success) return Response.json({ error: "datos inválidos", messages: zodMessages(input.error) }, { status: 400 });
  const runtime = getRuntime();
  try {
    const stored = await recordProcessLoss(runtime.db, input.data, { userId: guard.userId, username: guard.session.user.username }, runtime.clock.now());
    return Response.json({ processLoss: stored }, { status: 201 });
  } catch (error) {
    if (error instanceof ProcessLossError) {
      return Response.json({ error: error.message }, { status: error.code === "not_found" ? 404 : error.code === "conflict" ? 409 : 422 });
    }
    throw error;
  }
}
