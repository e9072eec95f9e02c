import { requirePermission } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import { importCfdi, listCfdi, listOperationsWithoutCfdi } from "../../../server/services/cfdi/index";
import { cfdiListQuerySchema, NO_STORE, readCfdiUpload, zodErrorResponse } from "../../../server/services/cfdi/http";

export const dynamic = "force-dynamic";

/**
 * GET /api/cfdi?direction=issued|received&link=matched|unmatched&purpose=&rfc=&from=AAAA-MM-DD&to=AAAA-MM-DD&limit=
 * — the stored CFDI with volume, verification summary and linked operations (A30-CFDI-02/05), every profile.
 * With `link=unmatched` the answer also lists the operations still without CFDI (A30-CFDI-05).
 */
export async function GET(request: Request): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const query = cfdiListQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return zodErrorResponse(query.error);
  const db = getRuntime().db;
  const cfdi = await listCfdi(db, query.data);
  if (query.data.link !== "unmatched") return Response.json({ cfdi }, { headers: NO_STORE });
  const operationsWithoutCfdi = await listOperationsWithoutCfdi(db, { limit: query.data.limit });
  return Response.json({ cfdi, operationsWithoutCfdi }, { headers: NO_STORE });
}

/**
 * POST /api/cfdi — multipart/form-data with one or more `files` (XML, ≤ 5 MiB each; whole request ≤ 6 MiB):
 * each file is imported on its own (A30-CFDI-01…08) and answered with {fileName, ok, uuid, …} or
 * {fileName, ok: false, reason}. 201 when at least one was stored, 400 when none was (reasons per file).
 * Administrador and Supervisor ("Captura de CFDI", A30-ACC-03).
 */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("captureFiscalData");
  if (!guard.ok) return guard.response;
  const upload = await readCfdiUpload(request);
  if (!upload.ok) return Response.json({ error: upload.error }, { status: upload.status, headers: NO_STORE });
  const runtime = getRuntime();
  const actor = { userId: guard.userId, username: guard.session.user.username };
  const results = [];
  for (const file of upload.files) {
    if (file.bytes === null) {
      results.push({ fileName: file.fileName, ok: false as const, code: "refused", reason: file.reason! });
      continue;
    }
    const result = await importCfdi(runtime.db, actor, { fileName: file.fileName, xml: file.bytes }, runtime.clock.now());
    results.push(
      result.ok
        ? {
            fileName: file.fileName,
            ok: true as const,
            uuid: result.uuid,
            cfdiId: result.cfdiId,
            type: result.type,
            purpose: result.purpose,
            verification: { ok: result.verification.ok, failed: result.verification.checks.filter((c) => c.ok === false).map((c) => ({ id: c.id, detail: c.detail })) },
            links: result.links.map((l) => ({ operationId: l.operationId, operationNumber: l.operationNumber, installationKey: l.installationKey, volumeLinked: l.volumeLinked, unit: l.unit })),
            matching: result.matching,
            eventLogId: result.eventLogId,
          }
        : { fileName: file.fileName, ok: false as const, code: result.code, reason: result.reason },
    );
  }
  const stored = results.filter((r) => r.ok).length;
  return Response.json(
    stored > 0 ? { imported: stored, rejected: results.length - stored, results } : { error: "No se importó ningún CFDI", imported: 0, rejected: results.length, results },
    { status: stored > 0 ? 201 : 400, headers: NO_STORE },
  );
}
