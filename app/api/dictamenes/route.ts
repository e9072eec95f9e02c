import { zodMessages } from "../../../server/domain/operations/index";
import { requirePermission } from "../../../server/http/authorize";
import { readJsonRequest } from "../../../server/http/json-body";
import { getRuntime } from "../../../server/http/runtime";
import {
  createDictamen,
  dictamenInputSchema,
  instrumentQualitySchema,
  listDictamenes,
  listLots,
  listPendingOperations,
  qualityErrorResponse,
  qualityListQuerySchema,
  recordInstrumentQuality,
} from "../../../server/services/quality/index";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" } as const;

/**
 * GET /api/dictamenes?view=dictamenes|lots|pending&installation=&type=&limit= — dictámenes (current versions),
 * lots with their quality source (A32-09), or the operations "pendientes de tipo de producto" (A30-TYP-10). Every profile.
 */
export async function GET(request: Request): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const query = qualityListQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return Response.json({ error: "datos inválidos", messages: zodMessages(query.error) }, { status: 400, headers: NO_STORE });
  const db = getRuntime().db;
  const { view = "dictamenes", installation, type, limit } = query.data;
  if (view === "lots") return Response.json({ lots: await listLots(db, { installationKey: installation, limit }) }, { headers: NO_STORE });
  if (view === "pending") return Response.json(await listPendingOperations(db, { installationKey: installation, type, limit }), { headers: NO_STORE });
  return Response.json({ dictamenes: await listDictamenes(db, { installationKey: installation, limit }) }, { headers: NO_STORE });
}

/**
 * POST /api/dictamenes — a dictamen (A32-01…08; lot number and folio mandatory) or, with
 * `"source": "online_instrument"`, the lot's data from an online analyzer (A30-TYP-01 b), A32-12; no
 * laboratory RFC). Administrador, Supervisor (captureFiscalData).
 */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("captureFiscalData");
  if (!guard.ok) return guard.response;
  const body = await readJsonRequest(request, { empty: undefined });
  if (!body.ok) return body.response;
  const actor = { userId: guard.userId, username: guard.session.user.username };
  const runtime = getRuntime();
  const instrument = typeof body.value === "object" && body.value !== null && (body.value as { source?: unknown }).source === "online_instrument";
  try {
    if (instrument) {
      const input = instrumentQualitySchema.safeParse(body.value);
      if (!input.success) return Response.json({ error: "datos inválidos", messages: zodMessages(input.error) }, { status: 400, headers: NO_STORE });
      return Response.json(await recordInstrumentQuality(runtime.db, input.data, actor, runtime.clock.now()), { status: 201, headers: NO_STORE });
    }
    const input = dictamenInputSchema.safeParse(body.value);
    if (!input.success) return Response.json({ error: "datos inválidos", messages: zodMessages(input.error) }, { status: 400, headers: NO_STORE });
    return Response.json(await createDictamen(runtime.db, input.data, actor, runtime.clock.now()), { status: 201, headers: NO_STORE });
  } catch (error) {
    return qualityErrorResponse(error);
  }
}
