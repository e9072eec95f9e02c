import { ALARM_TYPE, type AlarmType } from "../alarms/index";
import { EVENT_CATEGORY } from "../event-log/index";
import { CHECK_LABELS, type CheckName, type CheckResult, type CheckState, type ComponentSummary } from "./types";

/**
 * From check results to what must be written (A30-DIAG-02, A30-LOG-01, A30-ALM-05):
 * - a check with an alarm type in fault and no open alarm for its source key → bitácora entry +
 *   alarm (one per condition: the key makes re-evaluation idempotent);
 * - the same check back to normal with its alarm open → bitácora entry + clearing (+ a
 *   "Reanudación de operaciones" record for communication faults);
 * - checks without an alarm type → a bitácora entry on each transition into and out of fault.
 */
export function sourceKeyFor(check: CheckName, component: string): string {
  return `diag:${check}:${component}`;
}

export interface OpenAlarm {
  id: number;
  sourceKey: string;
  component: string;
  type: number;
  occurredAt: Date;
  time: Date;
}

export type DiagnosticsAction =
  | { kind: "raise"; result: CheckResult; sourceKey: string; category: number }
  | { kind: "fault-entry"; result: CheckResult; category: number }
  | { kind: "clear"; result: CheckResult; alarm: OpenAlarm; resumption: boolean; category: number }
  | { kind: "recovery-entry"; result: CheckResult; category: number };

const COMMUNICATION_TYPES: readonly number[] = [ALARM_TYPE.communicationProblem, ALARM_TYPE.networkFailure, ALARM_TYPE.transmissionError];

/** Bitácora category of a check's entries (A30-LOG-01). */
export function categoryFor(check: CheckName): number {
  switch (check) {
    case "database":
    case "disk":
    case "clock":
    case "process":
    case "backup":
      return EVENT_CATEGORY.ucc;
    case "calibration":
      // Calibration validity is part of the maintenance programme (daily operations, A31-07).
      return EVENT_CATEGORY.dailyOperations;
    default:
      return EVENT_CATEGORY.communication;
  }
}

export function planActions(input: {
  results: readonly CheckResult[];
  /** Open (not cleared) alarms with a `diag:` key, by source key. */
  openAlarms: ReadonlyMap<string, OpenAlarm>;
  /** Components with an open communication alarm raised by another monitor (collector link recorder). */
  externallyAlarmed: ReadonlySet<string>;
  /** Previous state of each check, by component then check (component_status.detail.checks). */
  previous: ReadonlyMap<string, Readonly<Record<string, { state: CheckState; logged?: boolean }>>>;
}): DiagnosticsAction[] {
  const actions: DiagnosticsAction[] = [];
  for (const result of input.results) {
    // Not evaluated yet (start-up grace): keep whatever was recorded before.
    if (result.details?.warmingUp) continue;
    const category = categoryFor(result.check);
    const previousLogged = input.previous.get(result.component)?.[result.check]?.logged === true;
    if (result.alarmType !== null) {
      const sourceKey = sourceKeyFor(result.check, result.component);
      const open = input.openAlarms.get(sourceKey);
      if (result.state === "fault") {
        const duplicate = COMMUNICATION_TYPES.includes(result.alarmType) && input.externallyAlarmed.has(result.component);
        if (!open && !duplicate) actions.push({ kind: "raise", result, sourceKey, category });
      } else if (open) {
        actions.push({ kind: "clear", result, alarm: open, resumption: COMMUNICATION_TYPES.includes(open.type), category });
      }
    } else if (isLoggedFault(result) && !previousLogged) {
      actions.push({ kind: "fault-entry", result, category });
    } else if (result.state !== "fault" && previousLogged) {
      actions.push({ kind: "recovery-entry", result, category });
    }
    if (result.alarmType === null && result.state !== "fault") {
      // A check that lost its alarm type (e.g. the system went out of operation) still clears its alarm.
      const open = input.openAlarms.get(sourceKeyFor(result.check, result.component));
      if (open) actions.push({ kind: "clear", result, alarm: open, resumption: false, category });
    }
  }
  return actions;
}

/**
 * Root-cause suppression: while a channel is in fault, the measurement systems it feeds are
 * stale because of it — their stale result keeps the fault state but raises no alarm of its own
 * (one alarm per cause instead of a flood).
 */
export function suppressBehindChannels(results: readonly CheckResult[], channelOf: ReadonlyMap<string, string | null>): CheckResult[] {
  const faultyChannels = new Set(results.filter((r) => r.componentClass === "channel" && r.check === "reachability" && r.state === "fault").map((r) => r.component));
  return results.map((r) => {
    if (r.componentClass !== "measurement_system" || r.check !== "stale" || r.state !== "fault") return r;
    const channel = channelOf.get(r.component);
    if (!channel || !faultyChannels.has(channel)) return r;
    return { ...r, alarmType: null as AlarmType | null, reason: `${r.reason} — causa: ${channel} sin comunicación`, details: { ...r.details, suppressedBy: channel } };
  });
}

/**
 * A fault recorded only in the bitácora (no alarm type): entries are written on the way in and
 * out. Stale values suppressed behind a faulty channel are not logged (the channel's entry is).
 */
export function isLoggedFault(result: CheckResult): boolean {
  return result.state === "fault" && result.alarmType === null && !result.details?.suppressedBy;
}

const STATE_RANK: Record<CheckState, number> = { ok: 0, unknown: 1, fault: 2 };

/** One summary per component: fault if any check is in fault, ok if every evaluated check is ok. */
export function summarize(results: readonly CheckResult[]): ComponentSummary[] {
  const byComponent = new Map<string, CheckResult[]>();
  for (const r of results) {
    const list = byComponent.get(r.component);
    if (list) list.push(r);
    else byComponent.set(r.component, [r]);
  }
  const summaries: ComponentSummary[] = [];
  for (const [component, list] of byComponent) {
    const faults = list.filter((r) => r.state === "fault");
    const evaluated = list.filter((r) => r.state !== "unknown");
    const state: CheckState = faults.length > 0 ? "fault" : evaluated.length > 0 ? "ok" : "unknown";
    const shown = faults.length > 0 ? faults : evaluated.length > 0 ? evaluated : list;
    summaries.push({
      component,
      componentClass: list[0]!.componentClass,
      installationId: list[0]!.installationId,
      state,
      reason: shown.map((r) => (list.length > 1 ? `${CHECK_LABELS[r.check]}: ${r.reason}` : r.reason)).join(" · "),
      warnings: list.map((r) => r.warning).filter((w): w is string => !!w),
      checks: Object.fromEntries(list.map((r) => [r.check, { state: r.state, reason: r.reason, ...(isLoggedFault(r) ? { logged: true } : {}) }])),
    });
  }
  return summaries.sort((a, b) => STATE_RANK[b.state] - STATE_RANK[a.state] || a.component.localeCompare(b.component));
}
