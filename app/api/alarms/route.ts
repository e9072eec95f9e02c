import { requirePermission } from "../../../server/http/authorize";
import { consultAlarmRegister, registerManualAlarm } from "../../../server/services/alarms/index";
import { alarmContext, readJson, respond } from "./_http";

export const dynamic = "force-dynamic";

/**
 * GET /api/alarms?from&to&type&component&installation&state&limit — the alarm register (A30-ALM-09),
 * every profile; each consultation is a bitácora entry "revisión de registro de alarmas".
 * Each alarm carries the six fields of A30-ALM-02 plus its state; `groups` are the display rows
 * with flood counters (A30-ALM-07).
 */
export async function GET(request: Request): Promise<Response> {
  const guard = await requirePermission("view");
  if (!guard.ok) return guard.response;
  const params = Object.fromEntries(new URL(request.url).searchParams.entries());
  const result = await consultAlarmRegister(alarmContext(guard), params);
  return respond(result, (page) => ({ alarms: page.alarms, groups: page.groups, filters: page.filters }));
}

/** POST /api/alarms — manual registration of a fault the equipment cannot detect (A30-ALM-06). */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("writeEventLog");
  if (!guard.ok) return guard.response;
  const body = await readJson(request);
  if (!body.ok) return body.response;
  const result = await registerManualAlarm(alarmContext(guard), body.body);
  return respond(result, (alarm) => ({ alarm }), 201);
}
