import { z } from "zod";
import { installationIdByKey, raiseAlarm } from "../../../db/repositories/alarms";
import { appendEventLog } from "../../../db/repositories/event-log";
import type { AlarmView } from "../../contracts/alarms";
import { roleHasPermission } from "../../contracts/permissions";
import { ALARM_TYPE_INFO, type AlarmType } from "../../domain/alarms/index";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { fail, truncate, type AlarmServiceContext, type ServiceResult } from "./context";
import { loadAlarmView } from "./views";

/**
 * A30-ALM-06: when the equipment cannot detect a fault, Administrador, Supervisor and Operador
 * register it manually; this writes the bitácora entry (naming the user) and the alarm with
 * `origin = manual` and the user, in one transaction. Types 2 (inconsistencies: found by the
 * rules), 10 (rejected log-ins: detected by the log-in) and 12 (system-generated) are not manual.
 */
export const MANUAL_ALARM_TYPES = [1, 3, 4, 5, 6, 7, 8, 9, 11] as const;

export const manualAlarmSchema = z.object({
  type: z.coerce
    .number()
    .int()
    .refine((t) => (MANUAL_ALARM_TYPES as readonly number[]).includes(t), { message: `tipo de alarma manual inválido: use uno de ${MANUAL_ALARM_TYPES.join(", ")}` }),
  component: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9:_.\-]{1,63}$/, "componente inválido: use la clave del registro (p. ej. SMD-DISP-0003, UCC, RED, CANAL:<enlace>)"),
  description: z.string().trim().min(5, "la descripción debe tener al menos 5 caracteres").max(250, "la descripción admite a lo más 250 caracteres"),
  installationKey: z.string().trim().min(1).max(64).optional(),
  occurredAt: z.iso.datetime({ offset: true, message: "occurredAt debe ser fecha y hora ISO 8601 con zona (p. ej. 2026-11-01T10:00:00-06:00)" }).optional(),
  severity: z.enum(["low", "medium", "high", "critical"]).default("high"),
});

export type ManualAlarmInput = z.input<typeof manualAlarmSchema>;

export async function registerManualAlarm(ctx: AlarmServiceContext, input: unknown): Promise<ServiceResult<AlarmView>> {
  const { actor, now } = ctx;
  if (!roleHasPermission(actor.role, "writeEventLog")) return fail(403, "el perfil Auditor Fiscal no puede registrar alarmas");
  const parsed = manualAlarmSchema.safeParse(input);
  if (!parsed.success) return fail(400, parsed.error.issues.map((i) => `${i.path.join(".") || "cuerpo"}: ${i.message}`).join("; "));
  const data = parsed.data;
  const occurredAt = data.occurredAt ? new Date(data.occurredAt) : now;
  if (occurredAt.getTime() > now.getTime()) return fail(400, "occurredAt no puede estar en el futuro");
  const type = data.type as AlarmType;
  const result = await ctx.db.transaction(async (tx): Promise<ServiceResult<number>> => {
    const installationId = data.installationKey ? await installationIdByKey(tx, data.installationKey) : null;
    if (data.installationKey && installationId === null) return fail(400, `instalación desconocida: ${data.installationKey}`);
    const label = ALARM_TYPE_INFO[type].label;
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.id,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      // The alarm event's SAT TipoEvento (12–21) — the entry is the manual record of that event.
      eventType: ALARM_TYPE_INFO[type].satEventCode ?? EVENT_CATEGORY.dailyOperations,
      description: truncate(`Registro manual de alarma (${label}) por ${actor.username} en ${data.component}: ${data.description}`),
      component: data.component,
      installationId,
      details: { manualAlarm: true, type, occurredAt: occurredAt.toISOString() },
    });
    const raised = await raiseAlarm(tx, {
      time: now,
      occurredAt,
      installationId,
      component: data.component,
      type,
      severity: data.severity,
      description: truncate(data.description),
      origin: "manual",
      raisedBy: actor.id,
      eventLogId: entry.id,
      details: { registeredBy: actor.username },
    });
    return { ok: true, value: raised.id };
  });
  if (!result.ok) return result;
  return { ok: true, value: (await loadAlarmView(ctx.db, result.value, now))! };
}
