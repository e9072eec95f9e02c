import { describe, expect, it } from "vitest";
import { alarmPriority, checkTransition, deriveAlarmState, type AlarmActionRecord } from "../../../../../server/domain/alarms/index";

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 1, 16, minutes));
const comm = { type: 5 as const, time: at(0) };
const login = { type: 10 as const, time: at(0) };

describe("alarm state machine (ISA-18.2, A30-ALM-03/10)", () => {
  it("A30-ALM-03: a condition alarm goes unacknowledged → acknowledged → normal as actions are appended", () => {
    const actions: AlarmActionRecord[] = [];
    expect(deriveAlarmState(comm, actions, at(1))).toMatchObject({ key: "unacknowledged", conditionActive: true, acknowledged: false, needsAttention: true });
    actions.push({ action: "acknowledge", time: at(2), userId: 1 });
    expect(deriveAlarmState(comm, actions, at(3))).toMatchObject({ key: "acknowledged", acknowledgedAt: at(2), needsAttention: true });
    // an action in the future of `now` is not applied yet
    expect(deriveAlarmState(comm, actions, at(1)).key).toBe("unacknowledged");
    actions.push({ action: "clear", time: at(5), userId: null, reason: "restablecida" });
    expect(deriveAlarmState(comm, actions, at(6))).toMatchObject({ key: "normal", conditionActive: false, clearedAt: at(5), needsAttention: false });
  });

  it("A30-ALM-03: a condition that returns to normal unacknowledged stays visible until acknowledged", () => {
    const actions: AlarmActionRecord[] = [{ action: "clear", time: at(5), userId: null }];
    expect(deriveAlarmState(comm, actions, at(6))).toMatchObject({ key: "rtn_unacknowledged", needsAttention: true });
  });

  it("A30-ALM-07: a rejected log-in is momentary: born returned-to-normal, closed once acknowledged", () => {
    expect(deriveAlarmState(login, [], at(1))).toMatchObject({ key: "rtn_unacknowledged", conditionActive: false, clearedAt: at(0) });
    expect(deriveAlarmState(login, [{ action: "acknowledge", time: at(2), userId: 1 }], at(3)).key).toBe("normal");
  });

  it("A30-ALM-04: attending records cause+action and implies acknowledgement, the condition may still be active", () => {
    const state = deriveAlarmState(comm, [{ action: "attend", time: at(4), userId: 2, cause: "c", correctiveAction: "a" }], at(5));
    expect(state).toMatchObject({ key: "acknowledged", attended: true, attendedAt: at(4), acknowledgedAt: at(4) });
  });

  it("A30-ALM-10: shelving hides an alarm from the banner until its bound or an unshelve", () => {
    const shelved: AlarmActionRecord[] = [{ action: "shelve", time: at(1), userId: 1, shelvedUntil: at(61), reason: "mantenimiento" }];
    expect(deriveAlarmState(comm, shelved, at(30))).toMatchObject({ key: "shelved", shelvedUntil: at(61), needsAttention: false });
    expect(deriveAlarmState(comm, shelved, at(61))).toMatchObject({ key: "unacknowledged", shelvedUntil: null, needsAttention: true });
    const unshelved = [...shelved, { action: "unshelve" as const, time: at(10), userId: 1 }];
    expect(deriveAlarmState(comm, unshelved, at(30)).key).toBe("unacknowledged");
  });

  it("A30-ALM-10: transitions — acknowledge once, attend needs cause and action, shelve needs a bounded time ≤ max and a reason", () => {
    const now = at(0);
    const fresh = deriveAlarmState(comm, [], now);
    expect(checkTransition(fresh, { action: "acknowledge" }, now)).toEqual({ ok: true });
    const acked = deriveAlarmState(comm, [{ action: "acknowledge", time: now, userId: 1 }], now);
    expect(checkTransition(acked, { action: "acknowledge" }, now)).toMatchObject({ ok: false, code: "conflict" });

    expect(checkTransition(fresh, { action: "attend", cause: "", correctiveAction: "Reinicio" }, now)).toMatchObject({ ok: false, code: "invalid", error: expect.stringMatching(/causa/) });
    expect(checkTransition(fresh, { action: "attend", cause: "Corte de energía", correctiveAction: " " }, now)).toMatchObject({ ok: false, error: expect.stringMatching(/acción correctiva/) });
    expect(checkTransition(fresh, { action: "attend", cause: "Corte de energía", correctiveAction: "Se restableció el UPS" }, now)).toEqual({ ok: true });

    const inOneHour = new Date(now.getTime() + 3_600_000);
    expect(checkTransition(fresh, { action: "shelve", until: inOneHour, reason: "mantenimiento programado" }, now)).toEqual({ ok: true });
    expect(checkTransition(fresh, { action: "shelve", until: inOneHour, reason: "" }, now)).toMatchObject({ ok: false, error: expect.stringMatching(/motivo/) });
    expect(checkTransition(fresh, { action: "shelve", until: now, reason: "mantenimiento" }, now)).toMatchObject({ ok: false, error: expect.stringMatching(/futuro/) });
    expect(checkTransition(fresh, { action: "shelve", until: new Date(now.getTime() + 25 * 3_600_000), reason: "mantenimiento" }, now)).toMatchObject({
      ok: false,
      error: "la supresión no puede durar más de 24 h",
    });
    expect(checkTransition(fresh, { action: "shelve", until: new Date(now.getTime() + 3 * 3_600_000), reason: "mantenimiento" }, now, { maxShelveMs: 2 * 3_600_000 })).toMatchObject({ ok: false });
    const shelved = deriveAlarmState(comm, [{ action: "shelve", time: now, userId: 1, shelvedUntil: inOneHour, reason: "m" }], now);
    expect(checkTransition(shelved, { action: "shelve", until: inOneHour, reason: "otra vez" }, now)).toMatchObject({ ok: false, code: "conflict" });
    expect(checkTransition(shelved, { action: "unshelve" }, now)).toEqual({ ok: true });
    expect(checkTransition(fresh, { action: "unshelve" }, now)).toMatchObject({ ok: false, code: "conflict" });
    const closed = deriveAlarmState(login, [{ action: "acknowledge", time: now, userId: 1 }], now);
    expect(checkTransition(closed, { action: "shelve", until: inOneHour, reason: "mantenimiento" }, now)).toMatchObject({ ok: false, code: "conflict" });
    expect(checkTransition(closed, { action: "clear", reason: "x" }, now)).toMatchObject({ ok: false });
  });

  it("priority ranks follow severity", () => {
    expect(alarmPriority("critical")).toEqual({ rank: 1, label: "Crítica" });
    expect(alarmPriority("low").rank).toBe(4);
  });
});
