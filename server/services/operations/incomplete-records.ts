import { z } from "zod";
import type { Database, SqlExecutor } from "../../../db/client";
import { clearAlarm, findOpenAlarmBySourceKey, raiseAlarm } from "../../../db/repositories/alarms";
import { appendAdministrationEntry, appendEventLog } from "../../../db/repositories/event-log";
import { listCurrentOperations, type OperationRow } from "../../../db/repositories/operations";
import { ALARM_TYPE, ALARM_TYPE_INFO } from "../../domain/alarms/index";
import { EVENT_CATEGORY } from "../../domain/event-log/index";

/**
 * A30-REC-03 / A30-ALM-08: records still "incompleto" (e.g. no counterparty RFC) after a grace
 * period raise ONE type-4 alarm each ("Registros incompletos o duplicados"), with a bitácora
 * entry; the correction that completes the record clears it (see `clearIncompleteRecordAlarm`,
 * called inside the correction's transaction). A30-REC-05: receptions older than 72 h without
 * transport means or CFDI link form the "sin documentación" list.
 */

export const INCOMPLETE_GRACE_SETTING = "operations.incomplete_grace_hours";
export const DEFAULT_INCOMPLETE_GRACE_HOURS = 24;
export const UNDOCUMENTED_AFTER_HOURS = 72;

export const graceHoursSchema = z
  .number({ error: "El periodo de gracia debe ser un número de horas" })
  .positive("El periodo de gracia debe ser mayor que cero horas")
  .max(720, "El periodo de gracia no puede exceder 720 horas (30 días)");

/** The configured grace period (app_settings); a missing or invalid value falls back to 24 h. */
export async function readIncompleteGraceHours(db: SqlExecutor): Promise<{ hours: number; valid: boolean }> {
  const [row] = await db.query<{ value: unknown }>("select value from app_settings where key = $1", [INCOMPLETE_GRACE_SETTING]);
  if (!row) return { hours: DEFAULT_INCOMPLETE_GRACE_HOURS, valid: true };
  const raw = typeof row.value === "string" ? safeJson(row.value) : row.value;
  const parsed = graceHoursSchema.safeParse(raw);
  return parsed.success ? { hours: parsed.data, valid: true } : { hours: DEFAULT_INCOMPLETE_GRACE_HOURS, valid: false };
}

/** Sets the grace period (validated) and records the change with before/after (A30-LOG-10). */
export async function saveIncompleteGraceHours(db: Database, hours: unknown, actor: { userId: number; username: string }, now: Date): Promise<number> {
  const value = graceHoursSchema.parse(hours);
  return db.transaction(async (tx) => {
    const before = await readIncompleteGraceHours(tx);
    await tx.query(
      `insert into app_settings (key, value, updated_at, updated_by) values ($1, $2::jsonb, $3, $4)
       on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [INCOMPLETE_GRACE_SETTING, JSON.stringify(value), now.toISOString(), actor.userId],
    );
    await appendAdministrationEntry(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      description: `Periodo de gracia de registros incompletos: ${before.hours} h → ${value} h (${actor.username})`,
      details: { setting: INCOMPLETE_GRACE_SETTING, before: before.hours, after: value },
    });
    return value;
  });
}

export const incompleteAlarmKey = (installationId: number, number: number) => `registro-incompleto:operation:${installationId}:${number}`;

export interface IncompleteRunSummary {
  graceHours: number;
  alarmsRaised: number;
}

/** The job: one type-4 alarm per record incomplete for longer than the grace period (no open alarm yet). */
export async function raiseIncompleteRecordAlarms(db: Database, now: Date): Promise<IncompleteRunSummary> {
  const { hours } = await readIncompleteGraceHours(db);
  const due = await db.query<{ id: string | number; installation_id: number; number: string | number; type: string; component: string; reasons: unknown; first_at: Date | string }>(
    `select o.id, o.installation_id, o.number, o.type, coalesce(h.key, k.key, i.key) as component, o.incomplete_reasons as reasons,
            (select min(f.created_at) from operations f where f.installation_id = o.installation_id and f.number = o.number) as first_at
       from operations o join installations i on i.id = o.installation_id left join tanks k on k.id = o.tank_id left join hoses h on h.id = o.hose_id
      where o.status = 'incomplete'
        and not exists (select 1 from operations n where n.supersedes_id = o.id)
        and (select min(f.created_at) from operations f where f.installation_id = o.installation_id and f.number = o.number) <= $1::timestamptz
        and not exists (
          select 1 from alarms a where a.source_key = 'registro-incompleto:operation:' || o.installation_id || ':' || o.number
             and not exists (select 1 from alarm_actions x where x.alarm_id = a.id and x.action = 'clear'))
      order by o.installation_id, o.number`,
    [new Date(now.getTime() - hours * 3_600_000).toISOString()],
  );
  let alarmsRaised = 0;
  for (const r of due) {
    const reasons = (typeof r.reasons === "string" ? safeJson(r.reasons) : r.reasons) as string[] | null;
    const kind = r.type === "reception" ? "recepción" : "entrega";
    const description = `Registro incompleto: la ${kind} número ${r.number} sigue incompleta después de ${hours} h (${(reasons ?? []).join("; ") || "faltan datos obligatorios"})`;
    const raised = await db.transaction(async (tx) => {
      const key = incompleteAlarmKey(Number(r.installation_id), Number(r.number));
      if (await findOpenAlarmBySourceKey(tx, key)) return false;
      const entry = await appendEventLog(tx, {
        time: now,
        username: "sistema",
        category: EVENT_CATEGORY.dailyOperations,
        eventType: ALARM_TYPE_INFO[ALARM_TYPE.incompleteOrDuplicateRecords].satEventCode!,
        description: description.slice(0, 1000),
        component: r.component,
        installationId: Number(r.installation_id),
        details: { requirement: "A30-REC-03", operationId: Number(r.id), number: Number(r.number), reasons, graceHours: hours },
      });
      await raiseAlarm(tx, {
        time: now,
        occurredAt: new Date(new Date(r.first_at).getTime() + hours * 3_600_000),
        installationId: Number(r.installation_id),
        component: r.component,
        type: ALARM_TYPE.incompleteOrDuplicateRecords,
        severity: "medium",
        description: description.slice(0, 500),
        sourceKey: key,
        eventLogId: entry.id,
        details: { requirement: "A30-REC-03", operationId: Number(r.id), number: Number(r.number), reasons },
      });
      return true;
    });
    if (raised) alarmsRaised += 1;
  }
  return { graceHours: hours, alarmsRaised };
}

/** Inside a correction's transaction: a record that became complete clears its open incomplete alarm. */
export async function clearIncompleteRecordAlarm(tx: SqlExecutor, installationId: number, number: number, eventLogId: number, now: Date): Promise<number | null> {
  const open = await findOpenAlarmBySourceKey(tx, incompleteAlarmKey(installationId, number));
  if (!open) return null;
  await clearAlarm(tx, open.id, now, `Registro número ${number} completado por corrección`, eventLogId);
  return open.id;
}

export function incompleteRecordsJob(db: Database) {
  return { name: "registros incompletos", everyMs: 15 * 60_000, runAtStart: true, run: (now: Date) => raiseIncompleteRecordAlarms(db, now) };
}

// ── A30-REC-05 "sin documentación" ─────────────────────────────────────────────────────────

export interface UndocumentedReception {
  operation: OperationRow;
  missing: Array<"transporte" | "cfdi">;
}

/** Receptions (current versions) ended more than 72 h ago without transport means or an active CFDI link. */
export async function listUndocumentedReceptions(db: SqlExecutor, now: Date, filter: { installationKey?: string; limit?: number } = {}): Promise<UndocumentedReception[]> {
  const cutoff = new Date(now.getTime() - UNDOCUMENTED_AFTER_HOURS * 3_600_000);
  const receptions = await listCurrentOperations(db, { installationKey: filter.installationKey, type: "reception", to: cutoff, limit: filter.limit ?? 500 });
  if (receptions.length === 0) return [];
  const linked = await db.query<{ installation_id: number; number: string | number }>(
    `select distinct o.installation_id, o.number from cfdi_operation_links l join operations o on o.id = l.operation_id
      where l.unlinked_at is null and (o.installation_id, o.number) in (select installation_id, number from operations where id = any($1::bigint[]))`,
    [receptions.map((r) => r.id)],
  );
  const withCfdi = new Set(linked.map((l) => `${l.installation_id}:${Number(l.number)}`));
  return receptions.flatMap((op) => {
    const missing: Array<"transporte" | "cfdi"> = [];
    if (!op.transportMeansKey) missing.push("transporte");
    if (!withCfdi.has(`${op.installationId}:${op.number}`)) missing.push("cfdi");
    return missing.length > 0 ? [{ operation: op, missing }] : [];
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
