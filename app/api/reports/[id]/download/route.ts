import { requirePermission } from "../../../../../server/http/authorize";
import { getRuntime } from "../../../../../server/http/runtime";
import { isReportFile, readReportFile, recordDownload } from "../../../../../server/services/sat-reports/downloads";
import { errorResponse, parseReportId, reportActor } from "../../../../../server/services/sat-reports/http";

export const dynamic = "force-dynamic";

/**
 * GET /api/reports/:id/download?file=json|zip|sig — the exact stored bytes as an attachment; the
 * file name comes from the stored row, never from the request (any other `file` → 400). Each
 * download is one bitácora entry "descarga de reporte" (issue #6 item 9). Permission: reports.
 */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("reports");
  if (!guard.ok) return guard.response;
  const id = parseReportId((await context.params).id);
  if (id === null) return errorResponse(400, "Identificador de reporte inválido");
  const file = new URL(request.url).searchParams.get("file");
  if (!isReportFile(file)) return errorResponse(400, "Archivo inválido: use file=json, file=zip o file=sig");
  const runtime = getRuntime();
  const result = await readReportFile(runtime.db, id, file);
  if (!result.ok) return errorResponse(result.status, result.error);
  await recordDownload(runtime.db, reportActor(guard), id, file, runtime.clock.now());
  const { bytes, fileName, mediaType } = result.value;
  return new Response(new Uint8Array(bytes), {
    status: 200,
    headers: {
      "Content-Type": mediaType,
      "Content-Length": String(bytes.byteLength),
      // Stored names are [A-Za-z0-9_.-] (SAT file-name rules); quoted anyway.
      "Content-Disposition": `attachment; filename="${fileName.replace(/[^A-Za-z0-9_.-]/g, "_")}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
