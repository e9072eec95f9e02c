import { z } from "zod";
import { appendEventLog } from "../../../db/repositories/event-log";
import type { AlarmDetailView, AlarmGroupView, AlarmView } from "../../contracts/alarms";
import { roleHasPermission } from "../../contracts/permissions";
import { ALARM_STATES, groupAlarmFloods, type AlarmType } from "../../domain/alarms/index";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { fail, type AlarmServiceContext, type ServiceResult } from "./context";
import { loadAlarmDetail, loadAlarmViews } from "./views";

/**
 * Consulting the alarm register (A30-ALM-09): every profile may, filtered by date, type,
 * component and state; each consultation is itself a bitácora event "revisión de registro de
 * alarmas" (A30-LOG-01 category 5) naming the user.
 */

const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const alarmFilterSchema = z.object({
  from: dateOrDateTime.optional(),
  to: dateOrDateTime.optional(),
  type: z.coerce.number().int().min(1).max(12).optional(),
  component: z.string().trim().min(1).max(64).optional(),
  installation: z.string().trim().min(1).max(64).optional(),
  /** An ISA state, or `active` (needs attention: not closed, not shelved) / `open` (not closed). */
  state: z.enum([...ALARM_STATES, "active", "open"]).optional(),
  limit: z.coerce.number().int().min(1).max(2000).default(500),
});

export type AlarmFilters = z.infer<typeof alarmFilterSchema>;

/** Dates without time are whole local days (America/Mexico_City): `to` includes its day. */
function boundary(value: string, end: boolean): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = new Date(`${value}T00:00:00-06:00`);
    return end ? new Date(start.getTime() + 86_400_000) : start;
  }
  return new Date(value);
}

export interface AlarmRegisterPage {
  alarms: AlarmView[];
  groups: AlarmGroupView[];
  filters: AlarmFilters;
  eventLogId: number;
}

export async function consultAlarmRegister(ctx: AlarmServiceContext, rawFilters: unknown): Promise<ServiceResult<AlarmRegisterPage>> {
  const { actor, now } = ctx;
  if (!roleHasPermission(actor.role, "view")) return fail(403, "sin permiso para consultar el registro de alarmas");
  const parsed = alarmFilterSchema.safeParse(rawFilters ?? {});
  if (!parsed.success) return fail(400, parsed.error.issues.map((i) => `${i.path.join(".") || "filtro"}: ${i.message}`).join("; "));
  const filters = parsed.data;
  const from = filters.from ? boundary(filters.from, false) : undefined;
  const to = filters.to ? boundary(filters.to, true) : undefined;
  if (from && to && from.getTime() >= to.getTime()) return fail(400, "el rango de fechas está invertido: 'from' debe ser anterior a 'to'");
  const viewed = await loadAlarmViews(
    ctx.db,
    {
      from,
      to,
      types: filters.type ? [filters.type] : undefined,
      component: filters.component,
      installationKey: filters.installation,
      openOnly: filters.state === "active" || filters.state === "open" || (filters.state !== undefined && filters.state !== "normal"),
      limit: filters.limit,
    },
    now,
  );
  const alarms = viewed.filter((a) =>
    filters.state === undefined ? true : filters.state === "active" ? a.state.needsAttention : filters.state === "open" ? a.state.key !== "normal" : a.state.key === filters.state,
  );
  const groups = groupAlarmFloods(
    alarms.map((view) => ({ id: view.id, type: view.type as AlarmType, component: view.component, time: new Date(view.registeredAt), details: view.details, view })),
  ).map(
    (g): AlarmGroupView => ({
      key: g.key,
      count: g.count,
      firstTime: g.firstTime.toISOString(),
      lastTime: g.lastTime.toISOString(),
      latest: g.latest.view,
      alarmIds: g.alarms.map((a) => a.id),
    }),
  );
  const described = Object.entries(filters)
    .filter(([k, v]) => v !== undefined && k !== "limit")
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ");
  const entry = await ctx.db.transaction((tx) =>
    appendEventLog(tx, {
      time: now,
      userId: actor.id,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `Revisión de registro de alarmas por ${actor.username}${described ? ` (${described})` : ""}: ${alarms.length} alarmas`.slice(0, 250),
      details: { register: "alarms", filters, results: alarms.length },
    }),
  );
  return { ok: true, value: { alarms, groups, filters, eventLogId: entry.id } };
}

/** One alarm with its actions and linked cause/action/follow-up entries (A30-LOG-09); a consultation too. */
export async function consultAlarm(ctx: AlarmServiceContext, id: number): Promise<ServiceResult<AlarmDetailView>> {
  const { actor, now } = ctx;
  if (!roleHasPermission(actor.role, "view")) return fail(403, "sin permiso para consultar el registro de alarmas");
  const detail = await loadAlarmDetail(ctx.db, id, now);
  if (!detail) return fail(404, `no existe la alarma ${id}`);
  await ctx.db.transaction((tx) =>
    appendEventLog(tx, {
      time: now,
      userId: actor.id,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `Revisión de registro de alarmas por ${actor.username}: alarma ${id}`,
      details: { register: "alarms", alarmId: id },
    }),
  );
  return { ok: true, value: detail };
}
