import { zodMessages } from "../../../../server/domain/operations/index";
import { requirePermission } from "../../../../server/http/authorize";
import { readJsonRequest } from "../../../../server/http/json-body";
import { getRuntime } from "../../../../server/http/runtime";
import { dictamenImportSchema, importDictamenFile, MAX_DICTAMEN_FILE_BYTES, qualityErrorResponse } from "../../../../server/services/quality/index";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" } as const;

/**
 * POST /api/dictamenes/import {"fileName": "DI-….json", "content": "<JSON text>", "installationKey"?, "lotKind"?, "tankKey"?, "operationIds"?}
 * — A32-11: validates the name and the content (the JSON shape of server/services/quality/schemas.ts), stores the
 * file as an attachment and the dictamen; every reason of a rejection in `messages`. Content ≤ 512 KiB.
 */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("captureFiscalData");
  if (!guard.ok) return guard.response;
  // The JSON envelope adds escapes: bound it generously before parsing, the content exactly after.
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > 4 * MAX_DICTAMEN_FILE_BYTES) return Response.json({ error: "El archivo excede 512 KiB" }, { status: 413, headers: NO_STORE });
  const body = await readJsonRequest(request, { empty: undefined });
  if (!body.ok) return body.response;
  const input = dictamenImportSchema.safeParse(body.value);
  if (!input.success) return Response.json({ error: "datos inválidos", messages: zodMessages(input.error) }, { status: 400, headers: NO_STORE });
  const runtime = getRuntime();
  try {
    const result = await importDictamenFile(runtime.db, input.data, { userId: guard.userId, username: guard.session.user.username }, runtime.clock.now());
    return Response.json(result, { status: 201, headers: NO_STORE });
  } catch (error) {
    return qualityErrorResponse(error);
  }
}
