import { requirePermission } from "../../../../server/http/authorize";
import { getRuntime } from "../../../../server/http/runtime";
import { getCfdiDetail } from "../../../../server/services/cfdi/index";
import { cfdiIdSchema, NO_STORE, zodErrorResponse } from "../../../../server/services/cfdi/http";

export const dynamic = "force-dynamic";

/**
 * GET /api/cfdi/:id — one CFDI: concepts with volume (A30-CFDI-02), related documents and the REP that pay it
 * (A30-CFDI-04), the verification report (A30-CFDI-07), links with their history and the operations that could
 * be linked (A30-CFDI-05). Every profile.
 */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const id = cfdiIdSchema.safeParse((await context.params).id);
  if (!id.success) return zodErrorResponse(id.error);
  const detail = await getCfdiDetail(getRuntime().db, id.data);
  if (!detail) return Response.json({ error: `CFDI inexistente: ${id.data}` }, { status: 404, headers: NO_STORE });
  return Response.json({ cfdi: detail }, { headers: NO_STORE });
}
