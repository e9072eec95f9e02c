import type { Reading } from "../../contracts/measurement";
import { QUALITY_GOOD } from "../../contracts/measurement";
import { ALARM_TYPE } from "../alarms/index";

/**
 * Status points of the field devices and the UCC (A30-ALM-01 types 1, 8 and 11; A30-ALM-05):
 * booleans that are not measurements but alarm inputs, read by the collectors like any tag
 * (`<installationKey>/<elementKey>/<variable>`):
 *
 *   <installation>/UCC/ups_on_battery      1 while the UPS runs on battery (mains lost) → type 8
 *   <installation>/UCC/emergency_stop      1 while the emergency-stop input is set      → type 11
 *   <installation>/<tank>/calibration_valid 0 while the device reports its calibration invalid → type 1
 *
 * Pure: the transition logic decides, from the readings in time order, when a condition starts and
 * ends, with the SOURCE timestamps (when the device saw it), never the time it was processed.
 */
export const DEVICE_STATUS_VARIABLES = {
  ups_on_battery: { alarmType: ALARM_TYPE.powerFailure, abnormalWhen: "set", label: "UPS en batería (falla de energía)", resumption: true },
  emergency_stop: { alarmType: ALARM_TYPE.emergencyStop, abnormalWhen: "set", label: "paro de emergencia activo", resumption: true },
  calibration_valid: { alarmType: ALARM_TYPE.invalidCalibration, abnormalWhen: "clear", label: "calibración no válida reportada por el dispositivo", resumption: false },
} as const;

export type DeviceStatusVariable = keyof typeof DEVICE_STATUS_VARIABLES;

/** What a status tag means for the alarm register. */
export interface DeviceStatusPoint {
  tag: string;
  installationKey: string;
  elementKey: string;
  variable: DeviceStatusVariable;
  /** Alarm component (A30-ALM-02): `UCC` for the control unit's points, else the element's registry key. */
  component: string;
  alarmType: 1 | 8 | 11;
  /** Whether the return to normal is an A30-ALM-05 "Reanudación de operaciones" (power failure, emergency stop). */
  resumption: boolean;
  label: string;
  /** Idempotency key of the condition's alarm: one open alarm per point (collector restarts, repeated values). */
  sourceKey: string;
}

/** The status point a tag names, or null when the tag is a measurement. */
export function classifyStatusTag(tag: string): DeviceStatusPoint | null {
  const parts = tag.split("/");
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) return null;
  const [installationKey, elementKey, variable] = parts as [string, string, string];
  if (!Object.hasOwn(DEVICE_STATUS_VARIABLES, variable)) return null;
  const info = DEVICE_STATUS_VARIABLES[variable as DeviceStatusVariable];
  return {
    tag,
    installationKey,
    elementKey,
    variable: variable as DeviceStatusVariable,
    component: elementKey,
    alarmType: info.alarmType,
    resumption: info.resumption,
    label: info.label,
    sourceKey: `device:${info.alarmType}:${installationKey}/${elementKey}/${variable}`,
  };
}

/** True when the point's value means the anomalous condition (UPS on battery, stop set, calibration invalid). */
export function isAbnormal(variable: DeviceStatusVariable, value: number): boolean {
  const set = value !== 0;
  return DEVICE_STATUS_VARIABLES[variable].abnormalWhen === "set" ? set : !set;
}

export interface DeviceStatusState {
  condition: "unknown" | "normal" | "abnormal";
  /** Source time the current condition began (abnormal: the fault's start). */
  since: Date | null;
  /** Source time of the last reading taken into account (older or equal ones are ignored). */
  lastTime: Date | null;
}

export const INITIAL_DEVICE_STATUS: DeviceStatusState = { condition: "unknown", since: null, lastTime: null };

export type DeviceStatusDecision =
  | { kind: "none" }
  /** The condition began at `start` (source time). */
  | { kind: "fault-start"; start: Date }
  /** The condition, seen since `start`, ended at `end` (source times). */
  | { kind: "fault-end"; start: Date; end: Date; durationS: number }
  /**
   * First reading of a run, normal: a condition left open by a previous run (the collector was
   * restarted meanwhile) ended at the latest at `at`; the service closes it if it is still open.
   */
  | { kind: "observed-normal"; at: Date };

/**
 * Next state for one reading of one status point. BAD/uncertain readings (link down: the value is
 * a repeat, not a measurement) and readings not newer than the last one change nothing; a repeated
 * value changes nothing.
 */
export function nextDeviceStatus(
  current: DeviceStatusState,
  variable: DeviceStatusVariable,
  reading: Pick<Reading, "time" | "value" | "quality">,
): { state: DeviceStatusState; decision: DeviceStatusDecision } {
  const none = { state: current, decision: { kind: "none" } as const };
  if (reading.quality !== QUALITY_GOOD || !Number.isFinite(reading.value)) return none;
  if (current.lastTime && reading.time.getTime() <= current.lastTime.getTime()) return none;
  const abnormal = isAbnormal(variable, reading.value);
  const time = reading.time;
  if (current.condition === "abnormal") {
    if (abnormal) return { state: { ...current, lastTime: time }, decision: { kind: "none" } };
    const start = current.since ?? time;
    return {
      state: { condition: "normal", since: time, lastTime: time },
      decision: { kind: "fault-end", start, end: time, durationS: Math.max(0, Math.round((time.getTime() - start.getTime()) / 1000)) },
    };
  }
  if (abnormal) return { state: { condition: "abnormal", since: time, lastTime: time }, decision: { kind: "fault-start", start: time } };
  if (current.condition === "unknown") return { state: { condition: "normal", since: time, lastTime: time }, decision: { kind: "observed-normal", at: time } };
  return { state: { ...current, lastTime: time }, decision: { kind: "none" } };
}

/**
 * The time an alarm is dated with: the source time, unless the device clock is more than
 * `toleranceMs` ahead of the UCC (then the detection time: a fault cannot start in the future).
 */
export function occurrenceTime(source: Date, now: Date, toleranceMs = 5 * 60_000): Date {
  return source.getTime() - now.getTime() > toleranceMs ? now : source;
}
