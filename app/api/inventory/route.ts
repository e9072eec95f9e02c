import { z } from "zod";
import { requirePermission } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import { isValidDate } from "../../../server/domain/reconciliation/index";
import { readInventory } from "../../../server/services/inventory/index";

export const dynamic = "force-dynamic";

const querySchema = z
  .object({
    installation: z.string().regex(/^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$/, "installation: clave de instalación inválida (p. ej. EDS-0001)").optional(),
    date: z.string().refine(isValidDate, "date: use AAAA-MM-DD con un día que exista").optional(),
  })
  .strict();

/**
 * GET /api/inventory?installation=KEY&date=YYYY-MM-DD — the daily inventory records (medido,
 * calculado, diferencia, %), daily accumulations and findings of a cut (A30-INV-01…06,
 * A30-REC-02, A30-INC-06); every profile may consult them. Without `date`, the current (open)
 * period with its preview.
 */
export async function GET(request: Request): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return Response.json({ error: z.prettifyError(query.error) }, { status: 400 });
  const runtime = getRuntime();
  const view = await readInventory(runtime.db, query.data.installation ?? null, query.data.date ?? null, runtime.clock.now());
  if (!view) return Response.json({ error: `instalación desconocida: ${query.data.installation ?? "(ninguna registrada)"}` }, { status: 404 });
  return Response.json(view, { headers: { "Cache-Control": "no-store" } });
}
