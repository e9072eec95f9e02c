import type { AlarmStateKey } from "../domain/alarms/state";

/**
 * The alarm register as the API and the browser see it (A30-ALM-02: number, date, time,
 * component, event type, description — plus state). Dates/times are local to the installation
 * (America/Mexico_City when the alarm has none); `registeredAt`/`occurredAt` are ISO instants.
 */
export const ALARMS_CHANNEL = "aforo_alarms";

/** socket.io room every authenticated browser joins: alarms are visible to the four profiles (A30-ALM-09). */
export const ALL_ALARMS_ROOM = "alarms:all";

export interface AlarmActionView {
  id: number;
  action: "acknowledge" | "attend" | "shelve" | "unshelve" | "clear";
  time: string;
  user: string | null;
  cause: string | null;
  correctiveAction: string | null;
  followUp: string | null;
  shelvedUntil: string | null;
  reason: string | null;
  eventLogId: number | null;
}

export interface AlarmStateView {
  key: AlarmStateKey;
  label: string;
  conditionActive: boolean;
  acknowledged: boolean;
  attended: boolean;
  needsAttention: boolean;
  acknowledgedAt: string | null;
  attendedAt: string | null;
  clearedAt: string | null;
  shelvedUntil: string | null;
}

export interface AlarmView {
  /** Unique consecutive number (A30-ALM-02 field 1). */
  number: number;
  id: number;
  /** Local date YYYY-MM-DD and time HH:MM:SS of registration (fields 2, 3). */
  date: string;
  time: string;
  timeZone: string;
  registeredAt: string;
  occurredAt: string;
  /** Originating component (field 4). */
  component: string;
  /** Event type (field 5): A30-ALM-01 number and label, SAT code. */
  type: number;
  eventType: string;
  satEventCode: number | null;
  /** Description (field 6). */
  description: string;
  severity: "low" | "medium" | "high" | "critical";
  priority: { rank: number; label: string };
  origin: "automatic" | "manual";
  raisedBy: string | null;
  installationKey: string | null;
  relatedAlarmId: number | null;
  details: Record<string, unknown> | null;
  state: AlarmStateView;
}

export interface LinkedEntryView {
  eventLogId: number;
  kind: "cause" | "corrective_action" | "follow_up" | "note";
  time: string;
  user: string;
  description: string;
}

export interface AlarmDetailView extends AlarmView {
  actions: AlarmActionView[];
  linkedEntries: LinkedEntryView[];
}

export interface AlarmGroupView {
  key: string;
  count: number;
  firstTime: string;
  lastTime: string;
  latest: AlarmView;
  alarmIds: number[];
}

export interface ActiveAlarmSummary {
  /** Alarms that need attention: not closed and not shelved (banner, A30-ALM-09). */
  active: number;
  unacknowledged: number;
}

/** socket.io `alarm` event: one alarm was raised or changed, with the new banner counts. */
export interface AlarmPushPayload {
  event: "raised" | "acknowledge" | "attend" | "shelve" | "unshelve" | "clear";
  alarm: AlarmView;
  summary: ActiveAlarmSummary;
}

/** NOTIFY payload on ALARMS_CHANNEL (kept tiny; the gateway reads the alarm). */
export interface AlarmNotification {
  id: number;
  event: AlarmPushPayload["event"];
}
