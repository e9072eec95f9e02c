import { describe, expect, it } from "vitest";
import {
  dueEscalations,
  escalationDescription,
  parseUnattendedLimitHours,
  stoppedBeforeDeadline,
  type AlarmActionRecord,
  type FaultCandidate,
} from "../../../../../server/domain/alarms/index";

// The spec's injected-clock example (A30-ALM-04): fault at 2026-11-01T10:00:00-06:00.
const T = new Date("2026-11-01T10:00:00-06:00");
const fault = (actions: AlarmActionRecord[] = [], overrides: Partial<FaultCandidate> = {}): FaultCandidate => ({
  id: 7,
  type: 5,
  time: new Date(T.getTime() + 30_000), // detected 30 s after it occurred: the clock starts at occurredAt
  occurredAt: T,
  severity: "high",
  actions,
  ...overrides,
});
const attend = (iso: string): AlarmActionRecord => ({ action: "attend", time: new Date(iso), userId: 3, cause: "Cable dañado", correctiveAction: "Se reemplazó el cable" });
const ack = (iso: string): AlarmActionRecord => ({ action: "acknowledge", time: new Date(iso), userId: 3 });
const clear = (iso: string): AlarmActionRecord => ({ action: "clear", time: new Date(iso), userId: null, reason: "comunicación restablecida" });

describe("A30-ALM-04 72-hour unattended-fault rule", () => {
  it("A30-ALM-04: no action → due exactly at 2026-11-04T10:00:00-06:00, not at 09:59:59", () => {
    expect(dueEscalations([fault()], new Date("2026-11-04T09:59:59-06:00"))).toEqual([]);
    const due = dueEscalations([fault()], new Date("2026-11-04T10:00:00-06:00"));
    expect(due).toEqual([{ alarmId: 7, deadline: new Date("2026-11-04T10:00:00-06:00"), reason: "sin acción" }]);
    // still due later (the job may have been down at the deadline)
    expect(dueEscalations([fault()], new Date("2026-11-05T00:00:00-06:00"))).toHaveLength(1);
  });

  it("A30-ALM-04: attended (cause + corrective action) at 2026-11-04T09:59:00 → no escalation", () => {
    expect(dueEscalations([fault([attend("2026-11-04T09:59:00-06:00")])], new Date("2026-11-04T10:00:00-06:00"))).toEqual([]);
    expect(dueEscalations([fault([attend("2026-11-04T09:59:00-06:00")])], new Date("2026-11-10T10:00:00-06:00"))).toEqual([]);
  });

  it("A30-ALM-04: attended exactly at the deadline is too late", () => {
    expect(dueEscalations([fault([attend("2026-11-04T10:00:00-06:00")])], new Date("2026-11-04T10:00:00-06:00"))).toHaveLength(1);
  });

  it("A30-ALM-04: acknowledged only at T+1 h → escalation still at T+72 h", () => {
    const f = fault([ack("2026-11-01T11:00:00-06:00")]);
    expect(dueEscalations([f], new Date("2026-11-04T09:59:59-06:00"))).toEqual([]);
    expect(dueEscalations([f], new Date("2026-11-04T10:00:00-06:00"))).toEqual([
      { alarmId: 7, deadline: new Date("2026-11-04T10:00:00-06:00"), reason: "sólo reconocida" },
    ]);
  });

  it("A30-ALM-04: a fault that cleared by itself still escalates unless a user acknowledged it before the deadline", () => {
    const now = new Date("2026-11-04T10:00:00-06:00");
    expect(dueEscalations([fault([clear("2026-11-01T12:00:00-06:00")])], now)).toEqual([
      { alarmId: 7, deadline: now, reason: "normalizada sin reconocer" },
    ]);
    expect(dueEscalations([fault([clear("2026-11-01T12:00:00-06:00"), ack("2026-11-04T09:00:00-06:00")])], now)).toEqual([]);
    // acknowledged after the deadline: too late
    expect(dueEscalations([fault([clear("2026-11-01T12:00:00-06:00"), ack("2026-11-04T10:00:00-06:00")])], now)).toHaveLength(1);
    // acknowledged before, cleared only after the deadline: acknowledgement alone does not stop the clock
    expect(dueEscalations([fault([ack("2026-11-01T12:00:00-06:00"), clear("2026-11-04T10:30:00-06:00")])], now)).toHaveLength(1);
  });

  it("A30-ALM-04: an attend action without cause or corrective action does not count", () => {
    const hollow: AlarmActionRecord = { action: "attend", time: new Date("2026-11-02T10:00:00-06:00"), userId: 3, cause: " ", correctiveAction: "x" };
    expect(stoppedBeforeDeadline([hollow], new Date("2026-11-04T10:00:00-06:00"))).toBe(false);
  });

  it("A30-ALM-04: a lower configured limit moves the deadline; faults already escalated, log-in rejections, type 12 and low-severity alarms are skipped", () => {
    const limitMs = 24 * 3_600_000;
    const now = new Date("2026-11-02T10:00:00-06:00");
    expect(dueEscalations([fault()], new Date("2026-11-02T09:59:59-06:00"), { limitMs })).toEqual([]);
    expect(dueEscalations([fault()], now, { limitMs })).toHaveLength(1);
    expect(dueEscalations([fault()], now, { limitMs, alreadyEscalated: new Set([7]) })).toEqual([]);
    expect(dueEscalations([fault([], { type: 10 }), fault([], { type: 12 }), fault([], { severity: "low" })], now, { limitMs })).toEqual([]);
    expect(() => dueEscalations([fault()], now, { limitMs: 73 * 3_600_000 })).toThrow(/límite inválido/);
  });

  it("A30-ALM-04: the limit is configurable only downward (reject > 72 h)", () => {
    expect(parseUnattendedLimitHours(72)).toEqual({ ok: true, limitMs: 72 * 3_600_000 });
    expect(parseUnattendedLimitHours("48")).toEqual({ ok: true, limitMs: 48 * 3_600_000 });
    expect(parseUnattendedLimitHours(0.5)).toEqual({ ok: true, limitMs: 1_800_000 });
    expect(parseUnattendedLimitHours(72.01)).toMatchObject({ ok: false, error: expect.stringMatching(/sólo puede reducirse/) });
    expect(parseUnattendedLimitHours(0)).toMatchObject({ ok: false });
    expect(parseUnattendedLimitHours("abc")).toMatchObject({ ok: false });
  });

  it("A30-ALM-02: the escalation description names the limit and the original alarm", () => {
    expect(escalationDescription(72 * 3_600_000, { id: 7, description: "Problemas de comunicación con SME-1" })).toBe(
      "Falla no atendida en 72 h: alarma 7 — Problemas de comunicación con SME-1",
    );
    expect(escalationDescription(72 * 3_600_000, { id: 7, description: "x".repeat(400) })).toHaveLength(250);
  });
});
