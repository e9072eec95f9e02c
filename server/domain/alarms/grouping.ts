import type { AlarmType } from "./alarm-types";

/**
 * Flood grouping for display (A30-ALM-07 decision): repeated alarms of the same type and
 * component — for rejected log-ins, of the same attempted user name — within 15 minutes of the
 * group's first alarm are shown as one row with a counter ("×5"). Only the display groups them:
 * every alarm record is kept and listed in the group.
 */

export const FLOOD_WINDOW_MS = 15 * 60_000;

export interface GroupableAlarm {
  id: number;
  type: AlarmType;
  component: string;
  time: Date;
  details?: Record<string, unknown> | null;
}

export interface AlarmGroup<T extends GroupableAlarm> {
  key: string;
  /** Most recent alarm of the group: the row shown. */
  latest: T;
  /** Every alarm of the group, newest first. */
  alarms: T[];
  count: number;
  firstTime: Date;
  lastTime: Date;
}

export function floodKey(alarm: GroupableAlarm): string {
  const attempted = alarm.type === 10 && typeof alarm.details?.username === "string" ? `|${alarm.details.username.toLowerCase()}` : "";
  return `${alarm.type}|${alarm.component}${attempted}`;
}

/** Groups alarms (any order) into display rows, newest row first. */
export function groupAlarmFloods<T extends GroupableAlarm>(alarms: readonly T[], windowMs: number = FLOOD_WINDOW_MS): AlarmGroup<T>[] {
  const ascending = [...alarms].sort((a, b) => a.time.getTime() - b.time.getTime() || a.id - b.id);
  const open = new Map<string, AlarmGroup<T>>();
  const groups: AlarmGroup<T>[] = [];
  for (const alarm of ascending) {
    const key = floodKey(alarm);
    const current = open.get(key);
    if (current && alarm.time.getTime() - current.firstTime.getTime() < windowMs) {
      current.alarms.unshift(alarm);
      current.latest = alarm;
      current.count += 1;
      current.lastTime = alarm.time;
      continue;
    }
    const group: AlarmGroup<T> = { key, latest: alarm, alarms: [alarm], count: 1, firstTime: alarm.time, lastTime: alarm.time };
    open.set(key, group);
    groups.push(group);
  }
  return groups.sort((a, b) => b.lastTime.getTime() - a.lastTime.getTime() || b.latest.id - a.latest.id);
}
