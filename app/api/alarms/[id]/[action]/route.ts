import { z } from "zod";
import { requirePermission } from "../../../../../server/http/authorize";
import { addAlarmFollowUp, applyAlarmAction, type UserAlarmAction } from "../../../../../server/services/alarms/index";
import { alarmContext, parseAlarmId, readJson, respond } from "../../_http";

export const dynamic = "force-dynamic";

/**
 * POST /api/alarms/:id/acknowledge|attend|shelve|unshelve|follow-up (A30-ALM-10): Administrador,
 * Supervisor and Operador (`handleAlarms`); the Auditor Fiscal gets 403 and nothing changes.
 */
const text = (field: string, max = 500) =>
  z.string({ message: `${field}: se espera texto` }).trim().min(3, `${field}: al menos 3 caracteres`).max(max, `${field}: a lo más ${max} caracteres`);

const bodies = {
  acknowledge: z.object({ comment: z.string().trim().max(500, "comment: a lo más 500 caracteres").optional() }),
  attend: z.object({ cause: text("cause"), correctiveAction: text("correctiveAction"), followUp: z.string().trim().max(500).optional() }),
  shelve: z
    .object({
      durationMinutes: z.coerce.number().int("durationMinutes: minutos enteros").min(1, "durationMinutes: al menos 1 minuto").optional(),
      until: z.iso.datetime({ offset: true, message: "until: fecha y hora ISO 8601 con zona" }).optional(),
      reason: text("reason"),
    })
    .refine((b) => (b.durationMinutes === undefined) !== (b.until === undefined), { message: "indique durationMinutes o until (uno de los dos): la supresión debe ser acotada" }),
  unshelve: z.object({ reason: z.string().trim().max(500).optional() }),
  "follow-up": z.object({ text: text("text") }),
} as const;

type ActionName = keyof typeof bodies;

export async function POST(request: Request, { params }: { params: Promise<{ id: string; action: string }> }): Promise<Response> {
  const { id: rawId, action } = await params;
  if (!(action in bodies)) return Response.json({ error: `acción desconocida: ${action} (use acknowledge, attend, shelve, unshelve o follow-up)` }, { status: 404 });
  const guard = await requirePermission("handleAlarms");
  if (!guard.ok) return guard.response;
  const id = parseAlarmId(rawId);
  if (id === null) return Response.json({ error: "número de alarma inválido" }, { status: 400 });
  const json = await readJson(request);
  if (!json.ok) return json.response;
  const parsed = bodies[action as ActionName].safeParse(json.body);
  if (!parsed.success) return Response.json({ error: parsed.error.issues.map((i) => i.message).join("; ") }, { status: 400 });
  const ctx = alarmContext(guard);
  const data = parsed.data as Record<string, unknown>;
  if (action === "follow-up") return respond(await addAlarmFollowUp(ctx, id, String(data.text)), (value) => value, 201);
  let requestAction: UserAlarmAction;
  switch (action as Exclude<ActionName, "follow-up">) {
    case "acknowledge":
      requestAction = { action: "acknowledge", comment: (data.comment as string | undefined) ?? null };
      break;
    case "attend":
      requestAction = { action: "attend", cause: data.cause as string, correctiveAction: data.correctiveAction as string, followUp: (data.followUp as string | undefined) ?? null };
      break;
    case "shelve": {
      const until = data.until ? new Date(data.until as string) : new Date(ctx.now.getTime() + (data.durationMinutes as number) * 60_000);
      requestAction = { action: "shelve", until, reason: data.reason as string };
      break;
    }
    case "unshelve":
      requestAction = { action: "unshelve", reason: (data.reason as string | undefined) ?? null };
      break;
  }
  return respond(await applyAlarmAction(ctx, id, requestAction), (alarm) => ({ alarm }));
}
