import { z } from "zod";
import { requirePermission } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import { addUserEntry, consultEventLog, EntryTargetNotFound, eventLogQuerySchema, newEntrySchema } from "../../../server/services/event-log/index";
import { readJsonRequest } from "../../../server/http/json-body";

export const dynamic = "force-dynamic";

/**
 * GET /api/bitacora — the bitácora with filters `from`, `to` (AAAA-MM-DD or ISO-8601), `category`
 * (1–7 or `otro`), `user`, `q` (text), `page`, `pageSize` (≤ 200). Every profile may consult it;
 * each consultation is itself an entry "Revisión de bitácora" (A30-LOG-03, A30-LOG-04).
 */
export async function GET(request: Request): Promise<Response> {
  const guard = await requirePermission("viewEventLog");
  if (!guard.ok) return guard.response;
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const query = eventLogQuerySchema.safeParse(params);
  if (!query.success) return Response.json({ error: z.prettifyError(query.error) }, { status: 400 });
  const runtime = getRuntime();
  const page = await consultEventLog(runtime.db, { userId: guard.userId, username: guard.session.user.username }, query.data, runtime.clock.now());
  return Response.json(page, { headers: { "Cache-Control": "no-store" } });
}

/**
 * POST /api/bitacora — a user's entry: `{"category":"otro"|1…6,"description":…,"component"?,"link"?}`
 * (A30-LOG-02, A30-LOG-09) or a verification visit `{"kind":"verification","date","authority",
 * "name","rfc","folio","scope"}` (A30-LOG-11). Administrador, Supervisor, Operador → 201;
 * Auditor Fiscal → 403.
 */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("writeEventLog");
  if (!guard.ok) return guard.response;
  const read = await readJsonRequest(request, { empty: undefined, invalidMessage: "el cuerpo debe ser JSON" });
  if (!read.ok) return read.response;
  const input = newEntrySchema.safeParse(read.value);
  if (!input.success) return Response.json({ error: z.prettifyError(input.error) }, { status: 400 });
  const runtime = getRuntime();
  try {
    const entry = await addUserEntry(runtime.db, { userId: guard.userId, username: guard.session.user.username }, input.data, runtime.clock.now());
    return Response.json(entry, { status: 201 });
  } catch (error) {
    if (error instanceof EntryTargetNotFound) return Response.json({ error: error.message }, { status: 404 });
    throw error;
  }
}
