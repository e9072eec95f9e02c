import { ALARMS_CHANNEL, type AlarmNotification } from "../../server/contracts/alarms";
import { ALARM_TYPE_INFO, type AlarmActionKind, type AlarmActionRecord, type AlarmSeverity, type AlarmType } from "../../server/domain/alarms/index";
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
  await notifyAlarmChange(tx, { id, event: "raised" });
  return { id, created: true };
}

/** Records that the condition behind an alarm is gone (system action; the alarm row is untouched). */
export async function clearAlarm(tx: SqlExecutor, alarmId: number, time: Date, reason: string, eventLogId: number | null): Promise<void> {
  await tx.query(
    "insert into alarm_actions (alarm_id, time, action, reason, event_log_id) values ($1, $2, 'clear', $3, $4)",
    [alarmId, time.toISOString(), reason, eventLogId],
  );
  await notifyAlarmChange(tx, { id: alarmId, event: "clear" });
}

export async function installationIdByKey(tx: SqlExecutor, key: string): Promise<number | null> {
  const [row] = await tx.query<{ id: number }>("select id from installations where key = $1", [key]);
  return row ? Number(row.id) : null;
}

/**
 * A30-ALM-09: every alarm insert and alarm action NOTIFYs `aforo_alarms` inside the writing
 * transaction (delivered on commit, dropped on rollback); the realtime gateway pushes it to the
 * browsers. Works the same on PGlite and PostgreSQL.
 */
export async function notifyAlarmChange(tx: SqlExecutor, notification: AlarmNotification): Promise<void> {
  await tx.query("select pg_notify($1, $2)", [ALARMS_CHANNEL, JSON.stringify(notification)]);
}

export interface NewAlarmAction {
  alarmId: number;
  time: Date;
  action: Exclude<AlarmActionKind, "clear">;
  userId: number;
  cause?: string | null;
  correctiveAction?: string | null;
  followUp?: string | null;
  shelvedUntil?: Date | null;
  reason?: string | null;
  eventLogId: number | null;
}

/** Appends a user's state change (A30-ALM-03/10); the alarm row is untouched. */
export async function recordAlarmAction(tx: SqlExecutor, action: NewAlarmAction): Promise<number> {
  const [row] = await tx.query<{ id: string | number }>(
    `insert into alarm_actions (alarm_id, time, action, user_id, cause, corrective_action, follow_up, shelved_until, reason, event_log_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
    [
      action.alarmId,
      action.time.toISOString(),
      action.action,
      action.userId,
      action.cause ?? null,
      action.correctiveAction ?? null,
      action.followUp ?? null,
      action.shelvedUntil ? action.shelvedUntil.toISOString() : null,
      action.reason ?? null,
      action.eventLogId,
    ],
  );
  await notifyAlarmChange(tx, { id: action.alarmId, event: action.action });
  return Number(row!.id);
}

/** A30-LOG-09: links a bitácora entry (cause, corrective action, follow-up, note) to an alarm. */
export async function linkEventLogToAlarm(tx: SqlExecutor, eventLogId: number, alarmId: number, kind: "cause" | "corrective_action" | "follow_up" | "note", time: Date): Promise<void> {
  await tx.query("insert into event_log_links (event_log_id, kind, alarm_id, created_at) values ($1, $2, $3, $4)", [eventLogId, kind, alarmId, time.toISOString()]);
}

export interface StoredAlarm {
  id: number;
  time: Date;
  occurredAt: Date;
  installationId: number | null;
  installationKey: string | null;
  timeZone: string | null;
  component: string;
  type: AlarmType;
  satEventCode: number | null;
  severity: AlarmSeverity;
  description: string;
  origin: "automatic" | "manual";
  raisedBy: string | null;
  sourceKey: string | null;
  relatedAlarmId: number | null;
  eventLogId: number | null;
  details: Record<string, unknown> | null;
}

export interface StoredAlarmAction extends AlarmActionRecord {
  id: number;
  alarmId: number;
  username: string | null;
  eventLogId: number | null;
}

export interface AlarmQuery {
  ids?: number[];
  from?: Date;
  to?: Date;
  types?: number[];
  component?: string;
  installationKey?: string;
  /** Only alarms that are not closed (SQL mirror of the domain's "normal" state; the domain has the last word). */
  openOnly?: boolean;
  /** Only faults whose deadline (occurred_at + ms) passed at `now` and that have no escalation yet (A30-ALM-04). */
  unattendedAfter?: { limitMs: number; now: Date; faultTypes: readonly number[]; sourceKeyPrefix: string };
  limit?: number;
}

type AlarmRow = {
  id: string | number; time: Date | string; occurred_at: Date | string; installation_id: number | null; installation_key: string | null; time_zone: string | null;
  component: string; type: number; sat_event_code: number | null; severity: AlarmSeverity; description: string; origin: "automatic" | "manual";
  raised_by_username: string | null; source_key: string | null; related_alarm_id: string | number | null; event_log_id: string | number | null;
  details: Record<string, unknown> | string | null;
};

const MOMENTARY_SQL = "(2, 3, 4, 10, 12)"; // MOMENTARY_ALARM_TYPES in server/domain/alarms/state.ts

/** Alarms matching `query`, newest first. */
export async function findAlarms(db: SqlExecutor, query: AlarmQuery = {}): Promise<StoredAlarm[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.ids) where.push(`a.id = any(${param(query.ids)}::bigint[])`);
  if (query.from) where.push(`a.time >= ${param(query.from.toISOString())}`);
  if (query.to) where.push(`a.time < ${param(query.to.toISOString())}`);
  if (query.types && query.types.length > 0) where.push(`a.type = any(${param(query.types)}::smallint[])`);
  if (query.component) where.push(`a.component = ${param(query.component)}`);
  if (query.installationKey) where.push(`i.key = ${param(query.installationKey)}`);
  if (query.openOnly) {
    where.push(`not ((a.type in ${MOMENTARY_SQL} or exists (select 1 from alarm_actions c where c.alarm_id = a.id and c.action = 'clear'))
                 and exists (select 1 from alarm_actions k where k.alarm_id = a.id and k.action in ('acknowledge', 'attend')))`);
  }
  if (query.unattendedAfter) {
    const u = query.unattendedAfter;
    const deadline = `(a.occurred_at + make_interval(secs => ${param(u.limitMs / 1000)}))`;
    where.push(`${deadline} <= ${param(u.now.toISOString())}`);
    where.push(`a.type = any(${param([...u.faultTypes])}::smallint[])`);
    where.push(`a.severity <> 'low'`);
    where.push(`not exists (select 1 from alarms e where e.source_key = ${param(u.sourceKeyPrefix)} || a.id::text)`);
    where.push(`not exists (select 1 from alarm_actions t where t.alarm_id = a.id and t.action = 'attend' and t.time < ${deadline})`);
    where.push(`not (exists (select 1 from alarm_actions c where c.alarm_id = a.id and c.action = 'clear' and c.time < ${deadline})
                and exists (select 1 from alarm_actions k where k.alarm_id = a.id and k.action = 'acknowledge' and k.time < ${deadline}))`);
  }
  const limit = Math.max(1, Math.min(query.limit ?? 500, 10_000));
  const rows = await db.query<AlarmRow>(
    `select a.id, a.time, a.occurred_at, a.installation_id, i.key as installation_key, i.time_zone, a.component, a.type, a.sat_event_code, a.severity,
            a.description, a.origin, u.username as raised_by_username, a.source_key, a.related_alarm_id, a.event_log_id, a.details
       from alarms a
       left join installations i on i.id = a.installation_id
       left join users u on u.id = a.raised_by
      ${where.length > 0 ? `where ${where.join(" and ")}` : ""}
      order by a.id desc
      limit ${limit}`,
    params,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    time: new Date(r.time),
    occurredAt: new Date(r.occurred_at),
    installationId: r.installation_id === null ? null : Number(r.installation_id),
    installationKey: r.installation_key,
    timeZone: r.time_zone,
    component: r.component,
    type: Number(r.type) as AlarmType,
    satEventCode: r.sat_event_code === null ? null : Number(r.sat_event_code),
    severity: r.severity,
    description: r.description,
    origin: r.origin,
    raisedBy: r.raised_by_username,
    sourceKey: r.source_key,
    relatedAlarmId: r.related_alarm_id === null ? null : Number(r.related_alarm_id),
    eventLogId: r.event_log_id === null ? null : Number(r.event_log_id),
    details: typeof r.details === "string" ? (JSON.parse(r.details) as Record<string, unknown>) : r.details,
  }));
}

/** Actions of the given alarms in time order, grouped by alarm id. */
export async function findAlarmActions(db: SqlExecutor, alarmIds: number[]): Promise<Map<number, StoredAlarmAction[]>> {
  const byAlarm = new Map<number, StoredAlarmAction[]>();
  if (alarmIds.length === 0) return byAlarm;
  const rows = await db.query<{
    id: string | number; alarm_id: string | number; time: Date | string; action: AlarmActionKind; user_id: number | null; username: string | null;
    cause: string | null; corrective_action: string | null; follow_up: string | null; shelved_until: Date | string | null; reason: string | null; event_log_id: string | number | null;
  }>(
    `select x.id, x.alarm_id, x.time, x.action, x.user_id, u.username, x.cause, x.corrective_action, x.follow_up, x.shelved_until, x.reason, x.event_log_id
       from alarm_actions x left join users u on u.id = x.user_id
      where x.alarm_id = any($1::bigint[])
      order by x.time, x.id`,
    [alarmIds],
  );
  for (const r of rows) {
    const alarmId = Number(r.alarm_id);
    let list = byAlarm.get(alarmId);
    if (!list) byAlarm.set(alarmId, (list = []));
    list.push({
      id: Number(r.id),
      alarmId,
      action: r.action,
      time: new Date(r.time),
      userId: r.user_id === null ? null : Number(r.user_id),
      username: r.username,
      cause: r.cause,
      correctiveAction: r.corrective_action,
      followUp: r.follow_up,
      shelvedUntil: r.shelved_until === null ? null : new Date(r.shelved_until),
      reason: r.reason,
      eventLogId: r.event_log_id === null ? null : Number(r.event_log_id),
    });
  }
  return byAlarm;
}

/** A30-LOG-09: the bitácora entries linked to an alarm, in bitácora order. */
export async function findLinkedEventLogEntries(
  db: SqlExecutor,
  alarmId: number,
): Promise<{ eventLogId: number; kind: "cause" | "corrective_action" | "follow_up" | "note"; time: Date; username: string; description: string }[]> {
  const rows = await db.query<{ event_log_id: string | number; kind: "cause" | "corrective_action" | "follow_up" | "note"; time: Date | string; username: string; description: string }>(
    `select l.event_log_id, l.kind, e.time, e.username, e.description
       from event_log_links l join event_log e on e.id = l.event_log_id
      where l.alarm_id = $1
      order by e.id, l.id`,
    [alarmId],
  );
  return rows.map((r) => ({ eventLogId: Number(r.event_log_id), kind: r.kind, time: new Date(r.time), username: r.username, description: r.description }));
}
