import { z } from "zod";
import { requirePermission } from "../../../../server/http/authorize";
import { getRuntime } from "../../../../server/http/runtime";
import { changeSetting } from "../../../../server/services/settings/index";
import { readJsonRequest } from "../../../../server/http/json-body";

export const dynamic = "force-dynamic";

const bodySchema = z.object({
  value: z.unknown().refine((v) => v !== undefined, { error: "falta el valor (value)" }),
  installationKey: z.string().trim().min(1).max(64).nullish(),
});

/**
 * PUT /api/settings/:key {"value": …, "installationKey"?: "EDS-0001"} — changes one parameter
 * (permission `configure`: Administrador/Supervisor, A30-ACC-03). 400 with a Spanish message when
 * invalid (e.g. a 72 h limit above 72), 404 for an unknown key; the change and its bitácora entry
 * with before/after values are one transaction (A30-LOG-10).
 */
export async function PUT(request: Request, context: { params: Promise<{ key: string }> }): Promise<Response> {
  const guard = await requirePermission("configure");
  if (!guard.ok) return guard.response;
  const { key } = await context.params;
  const noStore = { "Cache-Control": "no-store" };
  const read = await readJsonRequest(request, { headers: noStore });
  if (!read.ok) return read.response;
  const body = bodySchema.safeParse(read.value);
  if (!body.success) return Response.json({ error: body.error.issues.map((i) => i.message).join("; ") }, { status: 400, headers: noStore });
  const runtime = getRuntime();
  const result = await changeSetting(
    runtime.db,
    { id: guard.userId, username: guard.session.user.username, role: guard.session.user.role },
    decodeURIComponent(key),
    body.data.value,
    runtime.clock.now(),
    { installationKey: body.data.installationKey ?? null },
  );
  if (!result.ok) return Response.json({ error: result.error }, { status: result.status, headers: noStore });
  return Response.json({ change: result.value }, { headers: noStore });
}
