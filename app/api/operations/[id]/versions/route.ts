import { requirePermission } from "../../../../../server/http/authorize";
import { getRuntime } from "../../../../../server/http/runtime";
import { listOperationVersions } from "../../../../../server/services/operations/index";
import { badRequest, operationIdSchema, operationJson } from "../../../../../server/services/operations/http";

export const dynamic = "force-dynamic";

interface Change {
  field: string;
  before: string | number | null;
  after: string | number | null;
}

/**
 * GET /api/operations/:id/versions — every version of the record (v1, v2 …) with, for each
 * correction, the changed fields before/after, the user, the reason and its bitácora entry
 * (A30-LOG-10, A30-STO-02). Every profile may consult it.
 */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const id = operationIdSchema.safeParse((await context.params).id);
  if (!id.success) return badRequest(id.error);
  const db = getRuntime().db;
  const versions = await listOperationVersions(db, id.data);
  if (versions.length === 0) return Response.json({ error: `Operación inexistente: ${id.data}` }, { status: 404 });
  const entryIds = versions.map((v) => v.eventLogId).filter((v): v is number => v !== null);
  const entries = entryIds.length
    ? await db.query<{ id: string | number; details: unknown; username: string }>("select id, details, username from event_log where id = any($1::bigint[])", [entryIds])
    : [];
  const byId = new Map(entries.map((e) => [Number(e.id), { details: (typeof e.details === "string" ? JSON.parse(e.details) : e.details) as { changes?: Change[] } | null, username: e.username }]));
  return Response.json(
    {
      versions: versions.map((v) => ({
        ...operationJson(v),
        eventLogId: v.eventLogId,
        changes: v.version > 1 && v.eventLogId !== null ? (byId.get(v.eventLogId)?.details?.changes ?? []) : [],
      })),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
