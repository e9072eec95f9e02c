import type { AlarmType } from "./alarm-types";

/**
 * The alarm state machine (ISA-18.2 vocabulary) derived from the append-only action rows of an
 * alarm (A30-ALM-03: the alarm row never changes; acknowledge/attend/shelve/unshelve/clear are new
 * linked records). Pure: the caller passes the alarm, its actions and `now`.
 */

export const ALARM_ACTION_KINDS = ["acknowledge", "attend", "shelve", "unshelve", "clear"] as const;
export type AlarmActionKind = (typeof ALARM_ACTION_KINDS)[number];

export const ALARM_SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type AlarmSeverity = (typeof ALARM_SEVERITIES)[number];

export interface AlarmActionRecord {
  action: AlarmActionKind;
  time: Date;
  userId: number | null;
  cause?: string | null;
  correctiveAction?: string | null;
  followUp?: string | null;
  shelvedUntil?: Date | null;
  reason?: string | null;
}

export interface AlarmFacts {
  id: number;
  type: AlarmType;
  /** When the alarm was registered. */
  time: Date;
  /** When the fault started (the 72 h clock, A30-ALM-04). */
  occurredAt: Date;
  severity: AlarmSeverity;
}

/**
 * Alarms that record a momentary event rather than a lasting condition: nothing will ever "clear"
 * them, so they are born returned-to-normal and close once acknowledged (ISA-18.2 "RTN
 * unacknowledged"). Types 2 (inconsistency finding), 3 (tamper attempt), 4 (incomplete/duplicate
 * record), 10 (rejected log-in) and 12 (resumption / unattended-fault notice).
 */
export const MOMENTARY_ALARM_TYPES: readonly AlarmType[] = [2, 3, 4, 10, 12];

/**
 * ISA-18.2 states as shown in the UI:
 *  - `unacknowledged`: condition active, nobody acknowledged it;
 *  - `acknowledged`: condition active, acknowledged (or attended) by a user;
 *  - `rtn_unacknowledged`: the condition returned to normal but nobody acknowledged it;
 *  - `shelved`: temporarily suppressed by a user until a bounded time (A30-ALM-10);
 *  - `normal`: closed — returned to normal and acknowledged, or attended with cause and action
 *    after the condition cleared.
 */
export const ALARM_STATES = ["unacknowledged", "acknowledged", "rtn_unacknowledged", "shelved", "normal"] as const;
export type AlarmStateKey = (typeof ALARM_STATES)[number];

export const ALARM_STATE_LABELS: Record<AlarmStateKey, string> = {
  unacknowledged: "Activa sin reconocer",
  acknowledged: "Activa reconocida",
  rtn_unacknowledged: "Normalizada sin reconocer",
  shelved: "Suprimida temporalmente",
  normal: "Cerrada",
};

export interface AlarmState {
  key: AlarmStateKey;
  label: string;
  /** The condition is still present (no clear action; momentary alarms are never active). */
  conditionActive: boolean;
  acknowledged: boolean;
  /** A user recorded cause and corrective action (A30-ALM-04 "attended"). */
  attended: boolean;
  /** Counts in the active-alarms banner (A30-ALM-09): not closed and not shelved. */
  needsAttention: boolean;
  acknowledgedAt: Date | null;
  attendedAt: Date | null;
  clearedAt: Date | null;
  /** Set while shelved. */
  shelvedUntil: Date | null;
}

function sortedActions(actions: readonly AlarmActionRecord[]): AlarmActionRecord[] {
  // Stable: equal times keep insertion (id) order.
  return actions.map((a, i) => ({ a, i })).sort((x, y) => x.a.time.getTime() - y.a.time.getTime() || x.i - y.i).map((x) => x.a);
}

export function deriveAlarmState(alarm: Pick<AlarmFacts, "type" | "time">, actions: readonly AlarmActionRecord[], now: Date): AlarmState {
  let acknowledgedAt: Date | null = null;
  let attendedAt: Date | null = null;
  let clearedAt: Date | null = MOMENTARY_ALARM_TYPES.includes(alarm.type) ? alarm.time : null;
  let shelvedUntil: Date | null = null;
  for (const action of sortedActions(actions)) {
    if (action.time.getTime() > now.getTime()) continue; // not yet happened at `now`
    switch (action.action) {
      case "acknowledge":
        acknowledgedAt ??= action.time;
        break;
      case "attend":
        attendedAt ??= action.time;
        acknowledgedAt ??= action.time; // attending implies the user saw it
        break;
      case "clear":
        clearedAt ??= action.time;
        break;
      case "shelve":
        shelvedUntil = action.shelvedUntil ?? null;
        break;
      case "unshelve":
        shelvedUntil = null;
        break;
    }
  }
  const conditionActive = clearedAt === null;
  const acknowledged = acknowledgedAt !== null;
  const closed = !conditionActive && acknowledged;
  const shelvedNow = !closed && shelvedUntil !== null && shelvedUntil.getTime() > now.getTime();
  const key: AlarmStateKey = closed ? "normal" : shelvedNow ? "shelved" : conditionActive ? (acknowledged ? "acknowledged" : "unacknowledged") : "rtn_unacknowledged";
  return {
    key,
    label: ALARM_STATE_LABELS[key],
    conditionActive,
    acknowledged,
    attended: attendedAt !== null,
    needsAttention: key !== "normal" && key !== "shelved",
    acknowledgedAt,
    attendedAt,
    clearedAt,
    shelvedUntil: shelvedNow ? shelvedUntil : null,
  };
}

/** Priority (1 = most urgent) from the stored severity; the UI sorts and colours by it. */
export const ALARM_PRIORITY: Record<AlarmSeverity, { rank: 1 | 2 | 3 | 4; label: string }> = {
  critical: { rank: 1, label: "Crítica" },
  high: { rank: 2, label: "Alta" },
  medium: { rank: 3, label: "Media" },
  low: { rank: 4, label: "Baja" },
};

export function alarmPriority(severity: AlarmSeverity): { rank: 1 | 2 | 3 | 4; label: string } {
  return ALARM_PRIORITY[severity];
}

/** Default and absolute limits of shelving (A30-ALM-10: "suprimir por un tiempo acotado"). */
export const DEFAULT_MAX_SHELVE_MS = 24 * 3_600_000;
export const MIN_TEXT_LENGTH = 3;

export type ActionRequest =
  | { action: "acknowledge"; comment?: string | null }
  | { action: "attend"; cause: string; correctiveAction: string; followUp?: string | null }
  | { action: "shelve"; until: Date; reason: string }
  | { action: "unshelve"; reason?: string | null }
  | { action: "clear"; reason: string };

export type TransitionResult = { ok: true } | { ok: false; code: "conflict" | "invalid"; error: string };

/**
 * Whether `request` may be applied to an alarm in `state` at `now` (A30-ALM-10). Users may
 * acknowledge once, attend (cause + corrective action, again for follow-ups), shelve an open alarm
 * for a bounded time ≤ `maxShelveMs` with a reason, and unshelve a shelved one; `clear` is the
 * system's and happens once.
 */
export function checkTransition(state: AlarmState, request: ActionRequest, now: Date, options: { maxShelveMs?: number } = {}): TransitionResult {
  const maxShelveMs = options.maxShelveMs ?? DEFAULT_MAX_SHELVE_MS;
  const tooShort = (value: string | null | undefined): boolean => !value || value.trim().length < MIN_TEXT_LENGTH;
  switch (request.action) {
    case "acknowledge":
      if (state.acknowledged) return { ok: false, code: "conflict", error: "la alarma ya fue reconocida" };
      return { ok: true };
    case "attend":
      if (tooShort(request.cause)) return { ok: false, code: "invalid", error: `atender requiere la causa probable (al menos ${MIN_TEXT_LENGTH} caracteres)` };
      if (tooShort(request.correctiveAction)) return { ok: false, code: "invalid", error: `atender requiere la acción correctiva (al menos ${MIN_TEXT_LENGTH} caracteres)` };
      return { ok: true };
    case "shelve": {
      if (tooShort(request.reason)) return { ok: false, code: "invalid", error: `suprimir requiere un motivo (al menos ${MIN_TEXT_LENGTH} caracteres)` };
      const durationMs = request.until.getTime() - now.getTime();
      if (!Number.isFinite(durationMs) || durationMs <= 0) return { ok: false, code: "invalid", error: "la supresión debe terminar en el futuro" };
      if (durationMs > maxShelveMs) {
        return { ok: false, code: "invalid", error: `la supresión no puede durar más de ${formatHours(maxShelveMs)}` };
      }
      if (state.key === "normal") return { ok: false, code: "conflict", error: "la alarma está cerrada: no hay nada que suprimir" };
      if (state.key === "shelved") return { ok: false, code: "conflict", error: "la alarma ya está suprimida; restablézcala antes de suprimirla de nuevo" };
      return { ok: true };
    }
    case "unshelve":
      if (state.key !== "shelved") return { ok: false, code: "conflict", error: "la alarma no está suprimida" };
      return { ok: true };
    case "clear":
      if (!state.conditionActive) return { ok: false, code: "conflict", error: "la condición de la alarma ya se había normalizado" };
      return { ok: true };
  }
}

function formatHours(ms: number): string {
  const hours = ms / 3_600_000;
  return `${Number.isInteger(hours) ? hours : hours.toFixed(2)} h`;
}
