import { ALARM_TYPE_INFO, type AlarmType } from "../../server/domain/alarms/index";
import type { SqlExecutor } from "../client";
import { nextRecordNumber } from "./event-log";

/**
 * Alarm register writer (A30-ALM-02/03). Append-only: raising inserts an alarm with the next
 * consecutive number; clearing, acknowledging… insert alarm_actions rows. Run inside the
 * transaction that also writes the bitácora entry the alarm belongs to.
 */
export interface NewAlarm {
  time: Date;
  occurredAt: Date;
  installationId?: number | null;
  component: string;
  type: AlarmType;
  /** SAT code; defaults to the type's (types 2 and 12 pass it or leave null). */
  satEventCode?: number | null;
  severity: "low" | "medium" | "high" | "critical";
  description: string;
  origin?: "automatic" | "manual";
  raisedBy?: number | null;
  /** Condition key: while an alarm with this key is open (not cleared), raising again returns it. */
  sourceKey?: string | null;
  relatedAlarmId?: number | null;
  eventLogId?: number | null;
  details?: Record<string, unknown> | null;
}

export async function findOpenAlarmBySourceKey(tx: SqlExecutor, sourceKey: string): Promise<{ id: number; occurredAt: Date } | null> {
  const [row] = await tx.query<{ id: string | number; occurred_at: Date | string }>(
    `select a.id, a.occurred_at from alarms a
      where a.source_key = $1
        and not exists (select 1 from alarm_actions x where x.alarm_id = a.id and x.action = 'clear')
      order by a.id desc limit 1`,
    [sourceKey],
  );
  return row ? { id: Number(row.id), occurredAt: new Date(row.occurred_at) } : null;
}

export async function raiseAlarm(tx: SqlExecutor, alarm: NewAlarm): Promise<{ id: number; created: boolean }> {
  if (alarm.sourceKey) {
    const open = await findOpenAlarmBySourceKey(tx, alarm.sourceKey);
    if (open) return { id: open.id, created: false };
  }
  const id = await nextRecordNumber(tx, "alarm");
  await tx.query(
    `insert into alarms (id, time, occurred_at, installation_id, component, type, sat_event_code, severity, description, origin, raised_by,
                         source_key, related_alarm_id, event_log_id, details)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      id,
      alarm.time.toISOString(),
      alarm.occurredAt.toISOString(),
      alarm.installationId ?? null,
      alarm.component,
      alarm.type,
      alarm.satEventCode === undefined ? ALARM_TYPE_INFO[alarm.type].satEventCode : alarm.satEventCode,
      alarm.severity,
      alarm.description,
      alarm.origin ?? "automatic",
      alarm.raisedBy ?? null,
      alarm.sourceKey ?? null,
      alarm.relatedAlarmId ?? null,
      alarm.eventLogId ?? null,
      alarm.details ? JSON.stringify(alarm.details) : null,
    ],
  );
  return { id, created: true };
}

/** Records that the condition behind an alarm is gone (system action; the alarm row is untouched). */
export async function clearAlarm(tx: SqlExecutor, alarmId: number, time: Date, reason: string, eventLogId: number | null): Promise<void> {
  await tx.query(
    "insert into alarm_actions (alarm_id, time, action, reason, event_log_id) values ($1, $2, 'clear', $3, $4)",
    [alarmId, time.toISOString(), reason, eventLogId],
  );
}

export async function installationIdByKey(tx: SqlExecutor, key: string): Promise<number | null> {
  const [row] = await tx.query<{ id: number }>("select id from installations where key = $1", [key]);
  return row ? Number(row.id) : null;
}
