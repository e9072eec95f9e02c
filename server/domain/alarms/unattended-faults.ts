import type { AlarmType } from "./alarm-types";
import type { AlarmActionRecord, AlarmFacts } from "./state";

/**
 * A30-ALM-04 — the 72-hour rule. A fault or anomalous condition of a component that is not
 * attended within the limit from when it occurred raises an alarm "Falla no atendida en 72 h".
 * Decision text: "attended" = a user recorded the cause and the corrective action (an *atender*
 * action); an acknowledgement alone does not stop the clock, nor does the condition clearing by
 * itself — unless a user acknowledged it before the deadline. The clock starts at `occurredAt`;
 * the limit defaults to 72 h and may only be lowered.
 */

export const MAX_UNATTENDED_LIMIT_MS = 72 * 3_600_000;

/** Alarm types that report a fault or anomalous condition (all but rejected log-ins and type 12 itself). */
export const FAULT_ALARM_TYPES: readonly AlarmType[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11];

export type LimitResult = { ok: true; limitMs: number } | { ok: false; error: string };

/** Validates a configured limit in hours: > 0 and ≤ 72 (configurable only downward). */
export function parseUnattendedLimitHours(value: unknown): LimitResult {
  const hours = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof hours !== "number" || !Number.isFinite(hours)) return { ok: false, error: "el límite debe ser un número de horas" };
  if (hours <= 0) return { ok: false, error: "el límite debe ser mayor que 0 h" };
  if (hours > 72) return { ok: false, error: `el límite de la regla de 72 h sólo puede reducirse: ${hours} h > 72 h` };
  return { ok: true, limitMs: Math.round(hours * 3_600_000) };
}

export interface FaultCandidate extends AlarmFacts {
  actions: readonly AlarmActionRecord[];
}

export interface EscalationDecision {
  alarmId: number;
  deadline: Date;
  /** Why the clock was not stopped, for the escalation's description. */
  reason: "sin acción" | "sólo reconocida" | "normalizada sin reconocer";
}

/** Whether a fault was handled before `deadline` (A30-ALM-04 decision). */
export function stoppedBeforeDeadline(actions: readonly AlarmActionRecord[], deadline: Date): boolean {
  const before = (a: AlarmActionRecord): boolean => a.time.getTime() < deadline.getTime();
  if (actions.some((a) => a.action === "attend" && a.userId !== null && before(a) && Boolean(a.cause?.trim()) && Boolean(a.correctiveAction?.trim()))) return true;
  const cleared = actions.some((a) => a.action === "clear" && before(a));
  const acknowledged = actions.some((a) => a.action === "acknowledge" && a.userId !== null && before(a));
  return cleared && acknowledged;
}

/**
 * The faults due for escalation at `now`: deadline = occurredAt + limit reached (exactly at the
 * deadline → due) and not stopped before it. `alreadyEscalated` holds the ids of faults that have
 * their escalation alarm (one per fault). Low-severity alarms (informational differences within
 * tolerance, A30-INV-04) are not faults.
 */
export function dueEscalations(
  faults: readonly FaultCandidate[],
  now: Date,
  options: { limitMs?: number; alreadyEscalated?: ReadonlySet<number> } = {},
): EscalationDecision[] {
  const limitMs = options.limitMs ?? MAX_UNATTENDED_LIMIT_MS;
  if (!(limitMs > 0) || limitMs > MAX_UNATTENDED_LIMIT_MS) throw new RangeError(`límite inválido para la regla de 72 h: ${limitMs} ms`);
  const due: EscalationDecision[] = [];
  for (const fault of faults) {
    if (!FAULT_ALARM_TYPES.includes(fault.type) || fault.severity === "low") continue;
    if (options.alreadyEscalated?.has(fault.id)) continue;
    const deadline = new Date(fault.occurredAt.getTime() + limitMs);
    if (now.getTime() < deadline.getTime()) continue;
    if (stoppedBeforeDeadline(fault.actions, deadline)) continue;
    due.push({ alarmId: fault.id, deadline, reason: reasonOf(fault.actions, deadline) });
  }
  return due.sort((a, b) => a.deadline.getTime() - b.deadline.getTime() || a.alarmId - b.alarmId);
}

function reasonOf(actions: readonly AlarmActionRecord[], deadline: Date): EscalationDecision["reason"] {
  const before = actions.filter((a) => a.time.getTime() < deadline.getTime());
  if (before.some((a) => a.action === "acknowledge")) return "sólo reconocida";
  if (before.some((a) => a.action === "clear")) return "normalizada sin reconocer";
  return "sin acción";
}

/** Description of the escalation alarm (A30-ALM-02 field 6). */
export function escalationDescription(limitMs: number, original: { id: number; description: string }): string {
  const hours = limitMs / 3_600_000;
  const label = Number.isInteger(hours) ? `${hours} h` : `${hours.toFixed(2)} h`;
  const text = `Falla no atendida en ${label}: alarma ${original.id} — ${original.description}`;
  return text.length <= 250 ? text : `${text.slice(0, 249)}…`;
}
