import { requirePermission } from "../../../../server/http/authorize";
import { consultAlarm } from "../../../../server/services/alarms/index";
import { alarmContext, parseAlarmId, respond } from "../_http";

export const dynamic = "force-dynamic";

/** GET /api/alarms/:id — one alarm with its actions and linked cause/action/follow-up entries in order (A30-LOG-09). */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const id = parseAlarmId((await params).id);
  if (id === null) return Response.json({ error: "número de alarma inválido" }, { status: 400 });
  return respond(await consultAlarm(alarmContext(guard), id), (alarm) => ({ alarm }));
}
