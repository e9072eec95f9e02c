import type { SqlExecutor } from "../../../db/client";
import { findAlarmActions, findAlarms, findLinkedEventLogEntries, type AlarmQuery, type StoredAlarm, type StoredAlarmAction } from "../../../db/repositories/alarms";
import type { ActiveAlarmSummary, AlarmActionView, AlarmDetailView, AlarmView } from "../../contracts/alarms";
import { ALARM_TYPE_INFO, alarmPriority, deriveAlarmState, type AlarmState } from "../../domain/alarms/index";

/** Reads alarms with their actions and turns them into the API/browser shape (A30-ALM-02 + state). */

const DEFAULT_TIME_ZONE = "America/Mexico_City";
const formats = new Map<string, Intl.DateTimeFormat>();

function localDateTime(instant: Date, timeZone: string): { date: string; time: string } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}` };
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export function stateView(state: AlarmState): AlarmView["state"] {
  return {
    key: state.key,
    label: state.label,
    conditionActive: state.conditionActive,
    acknowledged: state.acknowledged,
    attended: state.attended,
    needsAttention: state.needsAttention,
    acknowledgedAt: iso(state.acknowledgedAt),
    attendedAt: iso(state.attendedAt),
    clearedAt: iso(state.clearedAt),
    shelvedUntil: iso(state.shelvedUntil),
  };
}

export function toAlarmView(alarm: StoredAlarm, actions: readonly StoredAlarmAction[], now: Date): AlarmView {
  const timeZone = alarm.timeZone ?? DEFAULT_TIME_ZONE;
  const { date, time } = localDateTime(alarm.time, timeZone);
  const info = ALARM_TYPE_INFO[alarm.type];
  return {
    number: alarm.id,
    id: alarm.id,
    date,
    time,
    timeZone,
    registeredAt: alarm.time.toISOString(),
    occurredAt: alarm.occurredAt.toISOString(),
    component: alarm.component,
    type: alarm.type,
    eventType: alarm.type === 12 && alarm.sourceKey?.startsWith("unattended:") ? "Falla no atendida en 72 h" : (info?.label ?? `Tipo ${alarm.type}`),
    satEventCode: alarm.satEventCode,
    description: alarm.description,
    severity: alarm.severity,
    priority: alarmPriority(alarm.severity),
    origin: alarm.origin,
    raisedBy: alarm.raisedBy,
    installationKey: alarm.installationKey,
    relatedAlarmId: alarm.relatedAlarmId,
    details: alarm.details,
    state: stateView(deriveAlarmState(alarm, actions, now)),
  };
}

export function actionView(action: StoredAlarmAction): AlarmActionView {
  return {
    id: action.id,
    action: action.action,
    time: action.time.toISOString(),
    user: action.username,
    cause: action.cause ?? null,
    correctiveAction: action.correctiveAction ?? null,
    followUp: action.followUp ?? null,
    shelvedUntil: iso(action.shelvedUntil),
    reason: action.reason ?? null,
    eventLogId: action.eventLogId,
  };
}

export async function loadAlarmViews(db: SqlExecutor, query: AlarmQuery, now: Date): Promise<AlarmView[]> {
  const alarms = await findAlarms(db, query);
  const actions = await findAlarmActions(db, alarms.map((a) => a.id));
  return alarms.map((a) => toAlarmView(a, actions.get(a.id) ?? [], now));
}

export async function loadAlarmView(db: SqlExecutor, id: number, now: Date): Promise<AlarmView | null> {
  const [view] = await loadAlarmViews(db, { ids: [id], limit: 1 }, now);
  return view ?? null;
}

export async function loadAlarmDetail(db: SqlExecutor, id: number, now: Date): Promise<AlarmDetailView | null> {
  const [alarm] = await findAlarms(db, { ids: [id], limit: 1 });
  if (!alarm) return null;
  const actions = (await findAlarmActions(db, [id])).get(id) ?? [];
  const linked = await findLinkedEventLogEntries(db, id);
  return {
    ...toAlarmView(alarm, actions, now),
    actions: actions.map(actionView),
    linkedEntries: linked.map((l) => ({ eventLogId: l.eventLogId, kind: l.kind, time: l.time.toISOString(), user: l.username, description: l.description })),
  };
}

/** Counts for the banner on every screen (A30-ALM-09). Reading it is not a consultation of the register. */
export async function activeAlarmSummary(db: SqlExecutor, now: Date): Promise<ActiveAlarmSummary> {
  const open = await loadAlarmViews(db, { openOnly: true, limit: 10_000 }, now);
  const attention = open.filter((a) => a.state.needsAttention);
  return { active: attention.length, unacknowledged: attention.filter((a) => !a.state.acknowledged).length };
}
