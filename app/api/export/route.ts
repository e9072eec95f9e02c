import { z } from "zod";
import { requirePermission } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import { exportQuerySchema, exportStoredRecords } from "../../../server/services/export/records";

export const dynamic = "force-dynamic";

/**
 * GET /api/export?conjunto=operaciones&desde=AAAA-MM-DD&hasta=AAAA-MM-DD&formato=json|xml —
 * a stored record set as a download (Anexo 30, 30.6.1.3 II c); "view stored information": every
 * profile, the Auditor Fiscal included. The file name is made by the server.
 */
export async function GET(request: Request): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const query = exportQuerySchema.safeParse(params);
  if (!query.success) return Response.json({ error: z.prettifyError(query.error) }, { status: 400, headers: { "Cache-Control": "no-store" } });
  const runtime = getRuntime();
  const result = await exportStoredRecords(runtime.db, query.data, runtime.clock.now());
  if (!result.ok) return Response.json({ error: result.error }, { status: result.status, headers: { "Cache-Control": "no-store" } });
  return new Response(result.body, {
    headers: {
      "Content-Type": result.contentType,
      "Content-Disposition": `attachment; filename="${result.fileName}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "X-Aforo-Registros": String(result.rows),
    },
  });
}
