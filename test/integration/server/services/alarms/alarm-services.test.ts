import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raiseAlarm } from "../../../../../db/repositories/alarms";
import { appendEventLog, readEventLogRange } from "../../../../../db/repositories/event-log";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { ALARMS_CHANNEL, type AlarmPushPayload } from "../../../../../server/contracts/alarms";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { verifyEventLogChain } from "../../../../../server/domain/event-log/index";
import { createLogger } from "../../../../../server/platform/logger";
import {
  activeAlarmSummary,
  addAlarmFollowUp,
  applyAlarmAction,
  consultAlarm,
  consultAlarmRegister,
  escalateUnattendedFaults,
  readUnattendedLimitMs,
  recordRejectedLogin,
  registerManualAlarm,
  setUnattendedLimitHours,
  startAlarmPush,
  type AlarmActor,
  type AlarmServiceContext,
} from "../../../../../server/services/alarms/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const T = new Date("2026-11-01T10:00:00-06:00");
const plus = (ms: number) => new Date(T.getTime() + ms);
const H = 3_600_000;

describe.each(testEngines)("alarm services on %s", (engine) => {
  let t: TestDatabase;
  const actors: Record<string, AlarmActor> = {};
  const ctx = (username: string, now: Date): AlarmServiceContext => ({ db: t.db, now, actor: actors[username]! });
  const eventCount = async () => Number((await t.db.query<{ n: number }>("select count(*)::int as n from event_log"))[0]!.n);
  const actionRows = async (alarmId: number) => t.db.query<{ action: string; user_id: number | null }>("select action, user_id from alarm_actions where alarm_id = $1 order by id", [alarmId]);
  const commFault = async (occurredAt: Date, component = "SME-STQ-EDS-0001") =>
    t.db.transaction(async (tx) => {
      const entry = await appendEventLog(tx, { time: occurredAt, username: "sistema", category: 4, eventType: 4, description: "Error de comunicación (prueba)", component });
      return (
        await raiseAlarm(tx, {
          time: occurredAt,
          occurredAt,
          installationId: 1,
          component,
          type: 5,
          severity: "high",
          description: `Problemas de comunicación con ${component}`,
          sourceKey: `test:${component}:${occurredAt.toISOString()}`,
          eventLogId: entry.id,
        })
      ).id;
    });

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: T });
    for (const row of await t.db.query<{ id: number; username: string; role: AlarmActor["role"] }>("select id, username, role from users")) {
      actors[row.username] = { id: Number(row.id), username: row.username, role: row.role };
    }
  });
  afterAll(async () => t?.close());

  it("A30-ALM-10 / A30-ALM-03: acknowledge → one action row + one bitácora entry naming the user; the alarm row is untouched", async () => {
    const id = await commFault(plus(0));
    const [before] = await t.db.query("select * from alarms where id = $1", [id]);
    const events = await eventCount();
    const result = await applyAlarmAction(ctx("operador", plus(60_000)), id, { action: "acknowledge", comment: "Visto en sitio" });
    expect(result).toMatchObject({ ok: true, value: { id, state: { key: "acknowledged", acknowledged: true } } });
    expect(await eventCount()).toBe(events + 1);
    const [entry] = await t.db.query<{ username: string; user_id: number; category: number; description: string }>("select * from event_log order by id desc limit 1");
    expect(entry).toMatchObject({ username: "operador", user_id: actors.operador!.id, category: 5 });
    expect(entry!.description).toContain(`Alarma ${id}`);
    expect(await actionRows(id)).toEqual([{ action: "acknowledge", user_id: actors.operador!.id }]);
    expect((await t.db.query("select * from alarms where id = $1", [id]))[0]).toEqual(before);
    // acknowledging twice is a conflict and writes nothing
    const again = await applyAlarmAction(ctx("admin", plus(120_000)), id, { action: "acknowledge" });
    expect(again).toMatchObject({ ok: false, status: 409 });
    expect(await eventCount()).toBe(events + 1);
  });

  it("A30-ALM-10: the Auditor Fiscal is refused at the service level with no state change and no entry", async () => {
    const id = await commFault(plus(1000));
    const events = await eventCount();
    for (const request of [
      { action: "acknowledge" as const },
      { action: "attend" as const, cause: "Causa", correctiveAction: "Acción" },
      { action: "shelve" as const, until: plus(2 * H), reason: "mantenimiento" },
    ]) {
      expect(await applyAlarmAction(ctx("auditor", plus(2000)), id, request)).toMatchObject({ ok: false, status: 403 });
    }
    expect(await registerManualAlarm(ctx("auditor", plus(2000)), { type: 8, component: "UCC", description: "falla de energía" })).toMatchObject({ ok: false, status: 403 });
    expect(await addAlarmFollowUp(ctx("auditor", plus(2000)), id, "seguimiento")).toMatchObject({ ok: false, status: 403 });
    expect(await actionRows(id)).toEqual([]);
    expect(await eventCount()).toBe(events);
  });

  it("A30-LOG-09 / A30-ALM-04: attend writes cause, corrective-action and follow-up entries linked to the alarm, listed in order by the detail", async () => {
    const id = await commFault(plus(2000));
    const events = await eventCount();
    const bad = await applyAlarmAction(ctx("supervisor", plus(H)), id, { action: "attend", cause: "", correctiveAction: "Reinicio" });
    expect(bad).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/causa/) });
    const result = await applyAlarmAction(ctx("supervisor", plus(H)), id, {
      action: "attend",
      cause: "Cable de red dañado",
      correctiveAction: "Se reemplazó el cable",
      followUp: "Revisar el enlace mañana",
    });
    expect(result).toMatchObject({ ok: true, value: { state: { attended: true, acknowledged: true, key: "acknowledged" } } });
    expect(await eventCount()).toBe(events + 3);
    expect(await actionRows(id)).toEqual([{ action: "attend", user_id: actors.supervisor!.id }]);
    expect(await addAlarmFollowUp(ctx("operador", plus(2 * H)), id, "Enlace estable 24 h")).toMatchObject({ ok: true });
    const detail = await consultAlarm(ctx("auditor", plus(3 * H)), id);
    expect(detail.ok).toBe(true);
    if (!detail.ok) return;
    expect(detail.value.linkedEntries.map((e) => [e.kind, e.user])).toEqual([
      ["cause", "supervisor"],
      ["corrective_action", "supervisor"],
      ["follow_up", "supervisor"],
      ["follow_up", "operador"],
    ]);
    expect(detail.value.linkedEntries[0]!.description).toContain("Cable de red dañado");
    expect(detail.value.actions).toMatchObject([{ action: "attend", user: "supervisor", cause: "Cable de red dañado", correctiveAction: "Se reemplazó el cable" }]);
  });

  it("A30-ALM-10: shelve needs a bounded time and a reason; unshelve restores it; each is one entry + one action row", async () => {
    const id = await commFault(plus(3000));
    const now = plus(H);
    const events = await eventCount();
    expect(await applyAlarmAction(ctx("operador", now), id, { action: "shelve", until: new Date(now.getTime() + 25 * H), reason: "mantenimiento" })).toMatchObject({
      ok: false,
      status: 400,
      error: expect.stringMatching(/24 h/),
    });
    expect(await applyAlarmAction(ctx("operador", now), id, { action: "shelve", until: new Date(now.getTime() + 2 * H), reason: "" })).toMatchObject({ ok: false, status: 400 });
    expect(await eventCount()).toBe(events);
    const shelved = await applyAlarmAction(ctx("operador", now), id, { action: "shelve", until: new Date(now.getTime() + 2 * H), reason: "Mantenimiento programado del radar" });
    expect(shelved).toMatchObject({ ok: true, value: { state: { key: "shelved", needsAttention: false } } });
    const unshelved = await applyAlarmAction(ctx("admin", new Date(now.getTime() + H)), id, { action: "unshelve", reason: "terminó el mantenimiento" });
    expect(unshelved).toMatchObject({ ok: true, value: { state: { key: "unacknowledged" } } });
    expect(await eventCount()).toBe(events + 2);
    expect((await actionRows(id)).map((r) => r.action)).toEqual(["shelve", "unshelve"]);
  });

  it("A30-ALM-06: an Operador registers 'falla de energía en dispensario 3' → type-8 alarm, origin manual, the user, and its bitácora entry", async () => {
    const events = await eventCount();
    const invalid = await registerManualAlarm(ctx("operador", plus(4 * H)), { type: 12, component: "x", description: "a" });
    expect(invalid).toMatchObject({ ok: false, status: 400 });
    const result = await registerManualAlarm(ctx("operador", plus(4 * H)), {
      type: 8,
      component: "SMD-DISP-0003",
      installationKey: "EDS-0001",
      description: "falla de energía en dispensario 3",
      occurredAt: new Date(plus(4 * H).getTime() - 600_000).toISOString(),
    });
    expect(result).toMatchObject({
      ok: true,
      value: { type: 8, origin: "manual", raisedBy: "operador", component: "SMD-DISP-0003", installationKey: "EDS-0001", satEventCode: 18, eventType: "Falla de energía" },
    });
    expect(await eventCount()).toBe(events + 1);
    const [row] = await t.db.query<{ origin: string; raised_by: number; event_log_id: number }>("select origin, raised_by, event_log_id from alarms order by id desc limit 1");
    expect(row).toMatchObject({ origin: "manual", raised_by: actors.operador!.id });
    const [entry] = await t.db.query<{ username: string; event_type: number; component: string }>("select username, event_type, component from event_log where id = $1", [row!.event_log_id]);
    expect(entry).toEqual({ username: "operador", event_type: 18, component: "SMD-DISP-0003" });
  });

  it("A30-ALM-07: 5 rejected log-ins for operador → 5 type-10 alarms with user name and IP, grouped as one ×5 row", async () => {
    const now = plus(5 * H);
    for (let i = 0; i < 5; i++) await recordRejectedLogin(t.db, { username: "operador", ip: "192.0.2.7" }, new Date(now.getTime() + i * 20_000));
    const rows = await t.db.query<{ type: number; component: string; details: Record<string, unknown> | string; event_log_id: number }>(
      "select type, component, details, event_log_id from alarms where type = 10 order by id",
    );
    expect(rows).toHaveLength(5);
    for (const r of rows) {
      expect(typeof r.details === "string" ? JSON.parse(r.details) : r.details).toMatchObject({ username: "operador", ip: "192.0.2.7" });
      expect(r.event_log_id).not.toBeNull();
    }
    const page = await consultAlarmRegister(ctx("admin", new Date(now.getTime() + 200_000)), { type: 10 });
    expect(page.ok).toBe(true);
    if (!page.ok) return;
    expect(page.value.alarms).toHaveLength(5);
    expect(page.value.groups.map((g) => g.count)).toEqual([5]);
  });

  it("A30-ALM-09: each consultation of the register writes one 'revisión de registro de alarmas' entry per user; filters by type, component, state and date", async () => {
    const now = plus(6 * H);
    for (const username of ["admin", "supervisor", "operador", "auditor"]) {
      const events = await eventCount();
      const page = await consultAlarmRegister(ctx(username, now), {});
      expect(page.ok).toBe(true);
      expect(await eventCount()).toBe(events + 1);
      const [entry] = await t.db.query<{ username: string; category: number; description: string }>("select username, category, description from event_log order by id desc limit 1");
      expect(entry).toMatchObject({ username, category: 5 });
      expect(entry!.description).toMatch(/^Revisión de registro de alarmas/);
    }
    const page = await consultAlarmRegister(ctx("auditor", now), { component: "SMD-DISP-0003", state: "active" });
    expect(page.ok && page.value.alarms.map((a) => [a.type, a.component])).toEqual([[8, "SMD-DISP-0003"]]);
    const all = await consultAlarmRegister(ctx("auditor", now), { from: "2026-11-01", to: "2026-11-01" });
    expect(all.ok && all.value.alarms.length).toBeGreaterThan(5);
    for (const alarm of all.ok ? all.value.alarms : []) {
      // A30-ALM-02: the six fields and the state
      expect(alarm).toMatchObject({ number: expect.any(Number), date: "2026-11-01", time: expect.stringMatching(/^\d{2}:\d{2}:\d{2}$/), component: expect.any(String), eventType: expect.any(String), description: expect.any(String), state: { key: expect.any(String) } });
    }
    expect(await consultAlarmRegister(ctx("auditor", now), { state: "bogus" })).toMatchObject({ ok: false, status: 400 });
    expect(await consultAlarmRegister(ctx("auditor", now), { from: "2026-11-03", to: "2026-11-01" })).toMatchObject({ ok: false, status: 400 });
  });

  it("A30-ALM-09: banner counts exclude closed and shelved alarms", async () => {
    const summary = await activeAlarmSummary(t.db, plus(7 * H));
    const views = await consultAlarmRegister(ctx("admin", plus(7 * H)), { state: "active" });
    expect(views.ok && views.value.alarms.length).toBe(summary.active);
    expect(summary.active).toBeGreaterThan(0);
    expect(summary.unacknowledged).toBeLessThanOrEqual(summary.active);
  });
});

describe.each(testEngines)("A30-ALM-04 escalation job and A30-ALM-09 push on %s", (engine) => {
  let t: TestDatabase;
  let operador: AlarmActor;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: T });
    const [row] = await t.db.query<{ id: number }>("select id from users where username = 'operador'");
    operador = { id: Number(row!.id), username: "operador", role: "operador" };
  });
  afterAll(async () => t?.close());

  const fault = async (component: string) =>
    t.db.transaction(async (tx) => (await raiseAlarm(tx, { time: plus(30_000), occurredAt: T, installationId: 1, component, type: 5, severity: "high", description: `Problemas de comunicación con ${component}` })).id);

  it("A30-ALM-04: injected clock — escalation at 2026-11-04T10:00:00-06:00, not at 09:59:59; attended at 09:59 → none; acknowledged only at T+1 h → escalates; one per fault", async () => {
    const untouched = await fault("SME-A");
    const attended = await fault("SME-B");
    const acknowledged = await fault("SME-C");
    const ctx = (now: Date): AlarmServiceContext => ({ db: t.db, now, actor: operador });
    expect(await applyAlarmAction(ctx(plus(H)), acknowledged, { action: "acknowledge" })).toMatchObject({ ok: true });
    expect(await applyAlarmAction(ctx(new Date("2026-11-04T09:59:00-06:00")), attended, { action: "attend", cause: "Switch apagado", correctiveAction: "Se encendió el switch" })).toMatchObject({ ok: true });

    expect(await escalateUnattendedFaults(t.db, new Date("2026-11-04T09:59:59-06:00"))).toEqual({ escalated: [], limitMs: 72 * H });
    const run = await escalateUnattendedFaults(t.db, new Date("2026-11-04T10:00:00-06:00"));
    expect(run.escalated.sort()).toEqual([untouched, acknowledged].sort());
    const rows = await t.db.query<{ type: number; related_alarm_id: number; description: string; occurred_at: Date | string; source_key: string; event_log_id: number | null }>(
      "select type, related_alarm_id, description, occurred_at, source_key, event_log_id from alarms where type = 12 order by related_alarm_id",
    );
    expect(rows.map((r) => Number(r.related_alarm_id))).toEqual([untouched, acknowledged].sort((a, b) => a - b));
    for (const r of rows) {
      expect(r.description).toMatch(/^Falla no atendida en 72 h: alarma \d+/);
      expect(new Date(r.occurred_at).toISOString()).toBe(new Date("2026-11-04T10:00:00-06:00").toISOString());
      expect(r.event_log_id).not.toBeNull();
    }
    // dedup by source key: the next minutes add nothing
    expect((await escalateUnattendedFaults(t.db, new Date("2026-11-04T10:01:00-06:00"))).escalated).toEqual([]);
    expect((await escalateUnattendedFaults(t.db, new Date("2026-11-05T10:01:00-06:00"))).escalated).toEqual([]);
    expect(await t.db.query("select id from alarms where type = 12")).toHaveLength(2);
    expect(verifyEventLogChain(await readEventLogRange(t.db, 1, 10_000)).ok).toBe(true);
  });

  it("A30-ALM-04: the limit is read from app_settings and only lowered; > 72 h rejected", async () => {
    const admin: AlarmActor = { id: 1, username: "admin", role: "administrador" };
    const [adminRow] = await t.db.query<{ id: number }>("select id from users where username = 'admin'");
    admin.id = Number(adminRow!.id);
    expect(await setUnattendedLimitHours(t.db, admin, 100, T)).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/sólo puede reducirse/) });
    expect(await setUnattendedLimitHours(t.db, operador, 24, T)).toMatchObject({ ok: false, status: 403 });
    expect(await readUnattendedLimitMs(t.db)).toBe(72 * H);
    expect(await setUnattendedLimitHours(t.db, admin, 24, T)).toMatchObject({ ok: true, value: { limitMs: 24 * H } });
    expect(await readUnattendedLimitMs(t.db)).toBe(24 * H);
    const [entry] = await t.db.query<{ category: number; details: unknown }>("select category, details from event_log order by id desc limit 1");
    expect(entry!.category).toBe(1); // configuration change through the settings service (A30-LOG-01 category 1, A30-LOG-10)
    // SME-B was attended at T+71:59 — in time for 72 h, too late for 24 h: the lowered limit escalates it now
    const [smeB] = await t.db.query<{ id: number }>("select id from alarms where component = 'SME-B'");
    expect(await escalateUnattendedFaults(t.db, new Date("2026-11-04T10:05:00-06:00"))).toEqual({ escalated: [Number(smeB!.id)], limitMs: 24 * H });
    const late = await t.db.transaction(async (tx) => (await raiseAlarm(tx, { time: new Date("2026-11-10T00:00:00Z"), occurredAt: new Date("2026-11-10T00:00:00Z"), component: "SME-D", type: 8, severity: "critical", description: "Falla de energía" })).id);
    expect((await escalateUnattendedFaults(t.db, new Date("2026-11-10T23:59:59Z"))).escalated).toEqual([]);
    const run = await escalateUnattendedFaults(t.db, new Date("2026-11-11T00:00:00Z"));
    expect(run).toEqual({ escalated: [late], limitMs: 24 * H });
    // a value above 72 h written behind the application's back is never used as a longer limit
    await t.db.query("update app_settings set value = '500'::jsonb where key = 'alarms.unattended_fault_limit_h'");
    expect(await readUnattendedLimitMs(t.db)).toBe(72 * H);
  });

  it("A30-ALM-09: every alarm insert and action NOTIFYs, and the push emits the view and counts to the installation's room and the global room within 2 s", async () => {
    const emitted: { rooms: string[]; payload: AlarmPushPayload; at: number }[] = [];
    const io = { to: (rooms: string | string[]) => ({ emit: (_event: "alarm", payload: AlarmPushPayload) => emitted.push({ rooms: ([] as string[]).concat(rooms), payload, at: Date.now() }) }) };
    const raw: string[] = [];
    const unlistenRaw = await t.db.listen(ALARMS_CHANNEL, (p) => raw.push(p));
    const stop = await startAlarmPush({ io, db: t.db, logger: createLogger("silent"), now: () => plus(100 * H) });
    try {
      const started = Date.now();
      const id = await fault("SME-PUSH");
      await expect.poll(() => emitted.length, { timeout: 2000, interval: 20 }).toBe(1);
      expect(emitted[0]!.at - started).toBeLessThan(2000);
      expect(emitted[0]!.rooms.sort()).toEqual(["alarms:all", "installation:EDS-0001"]);
      expect(emitted[0]!.payload).toMatchObject({ event: "raised", alarm: { id, component: "SME-PUSH", state: { key: "unacknowledged" } }, summary: { active: expect.any(Number) } });
      const activeBefore = emitted[0]!.payload.summary.active;
      await applyAlarmAction({ db: t.db, now: plus(100 * H), actor: operador }, id, { action: "shelve", until: plus(101 * H), reason: "prueba de supresión" });
      await expect.poll(() => emitted.length, { timeout: 2000, interval: 20 }).toBe(2);
      expect(emitted[1]!.payload).toMatchObject({ event: "shelve", alarm: { id, state: { key: "shelved" } }, summary: { active: activeBefore - 1 } });
      // a rolled-back write notifies nothing
      await t.db
        .transaction(async (tx) => {
          await raiseAlarm(tx, { time: plus(H), occurredAt: plus(H), component: "SME-X", type: 5, severity: "high", description: "revertida" });
          throw new Error("rollback");
        })
        .catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
      expect(emitted).toHaveLength(2);
      expect(raw.map((p) => JSON.parse(p) as { event: string }).map((p) => p.event)).toEqual(["raised", "shelve"]);
    } finally {
      await stop();
      await unlistenRaw();
    }
  });
});
