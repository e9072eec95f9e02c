import { zodMessages } from "../../../server/domain/operations/index";
import { requirePermission } from "../../../server/http/authorize";
import { readJsonRequest } from "../../../server/http/json-body";
import { getRuntime } from "../../../server/http/runtime";
import { createPedimento, createPedimentoSchema, listPedimentos, pedimentoErrorResponse, pedimentoListQuerySchema } from "../../../server/services/pedimentos/index";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" } as const;

/** GET /api/pedimentos?installation=&limit= — current versions with their linked receptions and "vinculado x / y L" (A30-PED-07), every profile. */
export async function GET(request: Request): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const query = pedimentoListQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return Response.json({ error: "datos inválidos", messages: zodMessages(query.error) }, { status: 400, headers: NO_STORE });
  const pedimentos = await listPedimentos(getRuntime().db, { installationKey: query.data.installation, limit: query.data.limit });
  return Response.json({ pedimentos }, { headers: NO_STORE });
}

/** POST /api/pedimentos — capture (A30-PED-02…05): Administrador, Supervisor (captureFiscalData, A30-ACC-03). */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("captureFiscalData");
  if (!guard.ok) return guard.response;
  const body = await readJsonRequest(request, { empty: undefined });
  if (!body.ok) return body.response;
  const input = createPedimentoSchema.safeParse(body.value);
  if (!input.success) return Response.json({ error: "datos inválidos", messages: zodMessages(input.error) }, { status: 400, headers: NO_STORE });
  const runtime = getRuntime();
  try {
    const result = await createPedimento(runtime.db, input.data, { userId: guard.userId, username: guard.session.user.username }, runtime.clock.now());
    return Response.json(result, { status: 201, headers: NO_STORE });
  } catch (error) {
    return pedimentoErrorResponse(error);
  }
}
