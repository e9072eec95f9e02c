import type { Database, SqlExecutor } from "../../../db/client";
import { clearAlarm, raiseAlarm } from "../../../db/repositories/alarms";
import { appendEventLog } from "../../../db/repositories/event-log";
import { ALARM_TYPE, ALARM_TYPE_INFO, type AlarmType } from "../../domain/alarms/index";
import { CHECK_LABELS, formatSeconds, type ComponentSummary, type DiagnosticsAction, type OpenAlarm } from "../../domain/diagnostics/index";

/**
 * Writes one diagnostics transition in one transaction (bitácora entry + alarm, or entry +
 * clearing + resumption record), as server/services/communication/record-link-event.ts does for
 * link events (A30-DIAG-02, A30-LOG-01, A30-ALM-05). Returns the alarm raised, if any.
 */
export async function applyAction(db: Pick<Database, "transaction">, action: DiagnosticsAction, now: Date): Promise<OpenAlarm | null> {
  const r = action.result;
  const label = CHECK_LABELS[r.check];
  return db.transaction(async (tx) => {
    switch (action.kind) {
      case "raise": {
        const type = r.alarmType as AlarmType;
        const occurredAt = r.faultSince && r.faultSince <= now ? r.faultSince : now;
        const entry = await appendEventLog(tx, {
          time: now,
          username: "sistema",
          category: action.category,
          eventType: action.category,
          description: truncate(`Autodiagnóstico: falla de ${r.component} (${label}): ${r.reason}`),
          component: r.component,
          installationId: r.installationId,
          details: { event: "diagnostics-fault", check: r.check, reason: r.reason, since: occurredAt.toISOString(), ...(r.details ? { data: r.details } : {}) },
        });
        const alarm = await raiseAlarm(tx, {
          time: now,
          occurredAt,
          installationId: r.installationId,
          component: r.component,
          type,
          severity: r.severity,
          description: truncate(`${ALARM_TYPE_INFO[type].label}: ${r.component} — ${r.reason}`),
          sourceKey: action.sourceKey,
          eventLogId: entry.id,
          details: { check: r.check, reason: r.reason, ...(r.details ? { data: r.details } : {}) },
        });
        return { id: alarm.id, sourceKey: action.sourceKey, component: r.component, type, occurredAt, time: now };
      }
      case "clear": {
        const durationS = Math.max(0, Math.round((now.getTime() - action.alarm.occurredAt.getTime()) / 1000));
        const duration = formatSeconds(durationS);
        const entry = await appendEventLog(tx, {
          time: now,
          username: "sistema",
          category: action.category,
          eventType: action.category,
          description: truncate(`Autodiagnóstico: ${r.component} restablecido (${label}) tras ${duration}: ${r.reason}`),
          component: r.component,
          installationId: r.installationId,
          details: { event: "diagnostics-recovery", check: r.check, alarmId: action.alarm.id, start: action.alarm.occurredAt.toISOString(), end: now.toISOString(), durationS },
        });
        await clearAlarm(tx, action.alarm.id, now, truncate(`condición normalizada tras ${duration}: ${r.reason}`), entry.id);
        if (action.resumption) {
          await raiseAlarm(tx, {
            time: now,
            occurredAt: now,
            installationId: r.installationId,
            component: r.component,
            type: ALARM_TYPE.resumptionOrUnattended,
            satEventCode: null,
            severity: "low",
            description: truncate(`Reanudación de operaciones de ${r.component}: interrupción de ${duration}`),
            relatedAlarmId: action.alarm.id,
            eventLogId: entry.id,
            details: { start: action.alarm.occurredAt.toISOString(), end: now.toISOString(), durationS },
          });
        }
        return null;
      }
      case "fault-entry":
      case "recovery-entry": {
        const fault = action.kind === "fault-entry";
        await appendEventLog(tx, {
          time: now,
          username: "sistema",
          category: action.category,
          eventType: action.category,
          description: truncate(fault ? `Autodiagnóstico: falla de ${r.component} (${label}): ${r.reason}` : `Autodiagnóstico: ${r.component} restablecido (${label}): ${r.reason}`),
          component: r.component,
          installationId: r.installationId,
          details: { event: fault ? "diagnostics-fault" : "diagnostics-recovery", check: r.check, reason: r.reason },
        });
        return null;
      }
    }
  });
}

/** Upserts the current state of every component (A30-DIAG-01); `since` only moves on a state change. */
export async function upsertComponentStatus(db: SqlExecutor, summaries: readonly ComponentSummary[], now: Date): Promise<void> {
  if (summaries.length === 0) return;
  const rows = summaries.map((s) => ({
    component: s.component,
    class: s.componentClass,
    installation_id: s.installationId,
    state: s.state,
    since: now.toISOString(),
    checked_at: now.toISOString(),
    detail: { reason: s.reason, warnings: s.warnings, checks: s.checks },
  }));
  await db.query(
    `insert into component_status (component, class, installation_id, state, since, checked_at, detail)
     select x.component, x.class, x.installation_id, x.state, x.since, x.checked_at, x.detail
       from jsonb_to_recordset($1::jsonb) as x(component text, class text, installation_id int, state text, since timestamptz, checked_at timestamptz, detail jsonb)
     on conflict (component) do update set
       class = excluded.class,
       installation_id = excluded.installation_id,
       since = case when component_status.state = excluded.state then component_status.since else excluded.since end,
       state = excluded.state,
       checked_at = excluded.checked_at,
       detail = coalesce(component_status.detail, '{}'::jsonb) || excluded.detail`,
    [JSON.stringify(rows)],
  );
}

export function truncate(text: string): string {
  // SAT DescripcionEvento is at most 250 characters.
  return text.length <= 250 ? text : `${text.slice(0, 249)}…`;
}
