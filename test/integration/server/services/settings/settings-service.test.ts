import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../../db/client";
import { readEventLogRange } from "../../../../../db/repositories/event-log";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { verifyEventLogChain } from "../../../../../server/domain/event-log/index";
import { readMaxShelveMs, readUnattendedLimitMs } from "../../../../../server/services/alarms/settings";
import { readThresholdSetting } from "../../../../../server/services/diagnostics/gather";
import { readInventory, runDueCuts } from "../../../../../server/services/inventory/index";
import { readIncompleteGraceHours } from "../../../../../server/services/operations/incomplete-records";
import { changeSetting, readReconciliationOptions, readSettings, recordAccessEvent, type SettingsActor } from "../../../../../server/services/settings/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const mx = (local: string) => new Date(`${local}-06:00`);
const H = 3_600_000;

async function actor(db: Database, username: string): Promise<SettingsActor> {
  const [u] = await db.query<{ id: number; role: SettingsActor["role"] }>("select id, role from users where username = $1", [username]);
  return { id: Number(u!.id), username, role: u!.role };
}

const lastEntryId = async (db: Database) => Number((await db.query<{ n: string | number | null }>("select coalesce(max(id), 0) as n from event_log"))[0]!.n);
const entriesAfter = (db: Database, id: number) =>
  db.query<{ category: number; event_type: number; username: string; user_id: number | null; description: string; details: Record<string, unknown>; installation_id: number | null }>(
    "select category, event_type, username, user_id, description, details, installation_id from event_log where id > $1 order by id",
    [id],
  );

describe.each(testEngines)("settings service on %s (A30-ACC-03, A30-LOG-10, A30-INV-02, A30-ALM-04)", (engine) => {
  let t: TestDatabase;
  let supervisor: SettingsActor;
  let admin: SettingsActor;
  let operador: SettingsActor;
  let auditor: SettingsActor;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: mx("2026-11-01T00:00:00") });
    supervisor = await actor(t.db, "supervisor");
    admin = await actor(t.db, "admin");
    operador = await actor(t.db, "operador");
    auditor = await actor(t.db, "auditor");
  });
  afterAll(async () => t?.close());

  it("reads every parameter with its default and each installation's cut hour and zone", async () => {
    const view = await readSettings(t.db, mx("2026-11-02T10:00:00"));
    const value = (key: string) => view.settings.find((s) => s.key === key)?.value;
    expect(value("alarms.unattended_fault_limit_h")).toBe(72);
    expect(value("alarms.max_shelve_h")).toBe(24);
    expect(value("inventory.dead_band_inc02")).toBe(0);
    expect(value("diagnostics.thresholds")).toMatchObject({ staleAfterS: 30, runEveryS: 15 });
    expect(view.installations.map((i) => [i.key, i.cutHour, i.timeZone, i.pending])).toEqual([
      ["EDS-0001", "00:00", "America/Mexico_City", null],
      ["TDA-0001", "00:00", "America/Mexico_City", null],
    ]);
    expect(view.installations[0]!.currentPeriod).toEqual({ reportDate: "2026-11-02", start: mx("2026-11-02T00:00:00").toISOString(), end: mx("2026-11-03T00:00:00").toISOString() });
  });

  it("A30-ACC-03: Operador and Auditor Fiscal get 403 and nothing is written", async () => {
    const before = await lastEntryId(t.db);
    for (const who of [operador, auditor]) {
      expect(await changeSetting(t.db, who, "alarms.unattended_fault_limit_h", 48, mx("2026-11-02T10:00:00"))).toMatchObject({ ok: false, status: 403 });
    }
    expect(await readUnattendedLimitMs(t.db)).toBe(72 * H);
    expect(await lastEntryId(t.db)).toBe(before);
  });

  it("A30-ALM-04: 73 h is rejected (400, Spanish) and nothing is written; unknown key → 404", async () => {
    const before = await lastEntryId(t.db);
    expect(await changeSetting(t.db, supervisor, "alarms.unattended_fault_limit_h", 73, mx("2026-11-02T10:00:00"))).toMatchObject({
      ok: false,
      status: 400,
      error: expect.stringMatching(/sólo puede reducirse/),
    });
    expect(await changeSetting(t.db, supervisor, "alarms.no_existe", 1, mx("2026-11-02T10:00:00"))).toMatchObject({ ok: false, status: 404 });
    expect(await lastEntryId(t.db)).toBe(before);
  });

  it("A30-LOG-10: supervisor lowers the 72 h limit to 48 → stored, used by the alarm services, ONE category-1 entry naming the user with before/after", async () => {
    const before = await lastEntryId(t.db);
    const result = await changeSetting(t.db, supervisor, "alarms.unattended_fault_limit_h", "48", mx("2026-11-02T10:00:00"));
    expect(result).toMatchObject({ ok: true, value: { before: 72, after: 48 } });
    expect(await readUnattendedLimitMs(t.db)).toBe(48 * H);
    const entries = await entriesAfter(t.db, before);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      category: 1,
      event_type: 1,
      username: "supervisor",
      user_id: supervisor.id,
      description: "Cambio de configuración: Límite de fallas no atendidas de 72 h a 48 h",
      details: { setting: "alarms.unattended_fault_limit_h", before: 72, after: 48 },
    });
    // The same value again is not a change: 400, no entry.
    expect(await changeSetting(t.db, supervisor, "alarms.unattended_fault_limit_h", 48, mx("2026-11-02T10:01:00"))).toMatchObject({ ok: false, status: 400 });
    expect(await lastEntryId(t.db)).toBe(before + 1);
    const view = await readSettings(t.db, mx("2026-11-02T10:02:00"));
    expect(view.settings.find((s) => s.key === "alarms.unattended_fault_limit_h")).toMatchObject({ value: 48, updatedBy: "supervisor" });
  });

  it("A30-ALM-10 and A30-DIAG-02: max shelve and one diagnostics threshold change (merged, read back by the diagnostics service)", async () => {
    expect(await changeSetting(t.db, admin, "alarms.max_shelve_h", 12, mx("2026-11-02T11:00:00"))).toMatchObject({ ok: true });
    expect(await readMaxShelveMs(t.db)).toBe(12 * H);
    const before = await lastEntryId(t.db);
    const change = await changeSetting(t.db, admin, "diagnostics.thresholds", { staleAfterS: 45 }, mx("2026-11-02T11:01:00"));
    expect(change).toMatchObject({ ok: true, value: { after: { staleAfterS: 45, runEveryS: 15 } } });
    expect(await readThresholdSetting(t.db)).toMatchObject({ staleAfterS: 45, channelHeartbeatS: 60 });
    const [entry] = await entriesAfter(t.db, before);
    expect(entry!.description).toBe("Cambio de configuración: Umbrales de autodiagnóstico: staleAfterS de 30 a 45");
    expect(entry!.details.changes).toEqual([{ field: "staleAfterS", before: 30, after: 45 }]);
    expect(await changeSetting(t.db, admin, "diagnostics.thresholds", { staleAfterS: 290 }, mx("2026-11-02T11:02:00"))).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/300 s/) });
  });

  it("A30-REC-03: the grace period of incomplete records is changed here and read by the operations service", async () => {
    expect(await changeSetting(t.db, supervisor, "operations.incomplete_grace_hours", 721, mx("2026-11-02T11:30:00"))).toMatchObject({ ok: false, status: 400 });
    expect(await changeSetting(t.db, supervisor, "operations.incomplete_grace_hours", 36, mx("2026-11-02T11:30:00"))).toMatchObject({ ok: true, value: { before: 24, after: 36 } });
    expect(await readIncompleteGraceHours(t.db)).toEqual({ hours: 36, valid: true });
  });

  it("A30-INC-02/04, A30-INV-04: dead-bands are stored and become the daily cut's reconciliation options", async () => {
    expect(await changeSetting(t.db, supervisor, "inventory.dead_band_inv04", "60", mx("2026-11-02T12:00:00"))).toMatchObject({ ok: true });
    expect(await changeSetting(t.db, supervisor, "inventory.dead_band_inc02", -1, mx("2026-11-02T12:00:00"))).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/mínimo es 0/) });
    expect(await readReconciliationOptions(t.db)).toEqual({ deadBand02: 0n, deadBand04: 0n, deadBandStockDifference: 60_000n });
  });

  it("A30-INV-02: a cut-hour change 00:00 → 06:00 applies from the next cut: the 2026-11-03 period runs 00:00 → 11-04 06:00 (30 h), no gap, overlap or skipped day", async () => {
    const eds = Number((await t.db.query<{ id: number }>("select id from installations where key = 'EDS-0001'"))[0]!.id);
    // Cuts up to 2026-11-02 under the old hour.
    await runDueCuts(t.db, mx("2026-11-03T00:05:00"));
    const before = await lastEntryId(t.db);
    expect(await changeSetting(t.db, supervisor, "installations.cut_hour", "6:00", mx("2026-11-03T10:00:00"), { installationKey: "EDS-0001" })).toMatchObject({ ok: false, status: 400 });
    expect(await changeSetting(t.db, supervisor, "installations.cut_hour", "06:00", mx("2026-11-03T10:00:00"))).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/instalación/) });
    const change = await changeSetting(t.db, supervisor, "installations.cut_hour", "06:00", mx("2026-11-03T10:00:00"), { installationKey: "EDS-0001" });
    expect(change).toMatchObject({ ok: true, value: { before: "00:00", after: "06:00", effectiveFrom: "2026-11-04", firstCutAt: mx("2026-11-04T06:00:00").toISOString() } });
    const entries = await entriesAfter(t.db, before);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ category: 1, event_type: 1, username: "supervisor", installation_id: eds, details: { before: "00:00", after: "06:00", effectiveFrom: "2026-11-04" } });
    expect(entries[0]!.description).toMatch(/^Cambio de configuración: Hora de corte de EDS-0001 de 00:00 a 06:00; aplica a partir del siguiente corte/);
    const view = await readSettings(t.db, mx("2026-11-03T10:05:00"));
    expect(view.installations[0]).toMatchObject({ key: "EDS-0001", cutHour: "06:00", pending: { effectiveFrom: "2026-11-04", cutHour: "06:00" } });
    expect(view.installations[0]!.currentPeriod.end).toBe(mx("2026-11-04T06:00:00").toISOString());

    // At 11-04 00:05 only TDA-0001 (unchanged, 00:00) is cut for the 3rd; EDS-0001's period is still open.
    await runDueCuts(t.db, mx("2026-11-04T00:05:00"));
    const cutsOf = (key: string) =>
      t.db.query<{ report_date: string; period_start: Date | string; cut_at: Date | string }>(
        `select distinct c.report_date::text as report_date, c.period_start, c.cut_at from inventory_cuts c join installations i on i.id = c.installation_id
          where i.key = $1 order by 1`,
        [key],
      );
    expect((await cutsOf("EDS-0001")).map((c) => c.report_date)).toEqual(["2026-11-01", "2026-11-02"]);
    expect((await cutsOf("TDA-0001")).map((c) => c.report_date)).toEqual(["2026-11-01", "2026-11-02", "2026-11-03"]);
    await runDueCuts(t.db, mx("2026-11-04T06:01:00"));
    await runDueCuts(t.db, mx("2026-11-06T06:01:00"));
    const eds1 = await cutsOf("EDS-0001");
    expect(eds1.map((c) => c.report_date)).toEqual(["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]);
    for (let i = 1; i < eds1.length; i++) expect(new Date(eds1[i]!.period_start).toISOString()).toBe(new Date(eds1[i - 1]!.cut_at).toISOString());
    expect(eds1.map((c) => (new Date(c.cut_at).getTime() - new Date(c.period_start).getTime()) / H)).toEqual([24, 24, 30, 24, 24]);
    expect(new Date(eds1[2]!.cut_at).toISOString()).toBe(mx("2026-11-04T06:00:00").toISOString());
    // No "corte faltante" for EDS-0001 (no date skipped).
    expect(await t.db.query("select id from alarms where source_key like 'corte-faltante:%'")).toEqual([]);
    // The inventory view follows the same schedule: the 30 h period and, after it, the 06:00 periods.
    const spanning = await readInventory(t.db, "EDS-0001", "2026-11-03", mx("2026-11-06T07:00:00"));
    expect(spanning!.period).toMatchObject({ start: mx("2026-11-03T00:00:00").toISOString(), end: mx("2026-11-04T06:00:00").toISOString() });
    const current = await readInventory(t.db, "EDS-0001", null, mx("2026-11-06T07:00:00"));
    expect(current).toMatchObject({ date: "2026-11-06", period: { start: mx("2026-11-06T06:00:00").toISOString(), open: true } });
    expect(verifyEventLogChain(await readEventLogRange(t.db, 1, 100_000)).ok).toBe(true);
  });

  it("A30-INV-02: an invalid time zone is rejected; a valid one is stored per installation", async () => {
    expect(await changeSetting(t.db, admin, "installations.time_zone", "America/Ciudad_Gotica", mx("2026-11-06T10:00:00"), { installationKey: "TDA-0001" })).toMatchObject({
      ok: false,
      status: 400,
      error: expect.stringMatching(/IANA/),
    });
    expect(await changeSetting(t.db, admin, "installations.time_zone", "America/Cancun", mx("2026-11-06T10:00:00"), { installationKey: "NOPE-0001" })).toMatchObject({ ok: false, status: 404 });
    expect(await changeSetting(t.db, admin, "installations.time_zone", "America/Cancun", mx("2026-11-06T10:00:00"), { installationKey: "TDA-0001" })).toMatchObject({
      ok: true,
      value: { before: "America/Mexico_City", after: "America/Cancun", effectiveFrom: "2026-11-07" },
    });
  });

  it("A30-LOG-01 category 5: log-in and log-out each write exactly one access entry with the user", async () => {
    const before = await lastEntryId(t.db);
    await recordAccessEvent(t.db, { kind: "login", userId: operador.id, username: "operador" }, mx("2026-11-06T11:00:00"));
    await recordAccessEvent(t.db, { kind: "logout", userId: operador.id, username: "operador" }, mx("2026-11-06T11:30:00"));
    const entries = await entriesAfter(t.db, before);
    expect(entries.map((e) => [e.category, e.event_type, e.username, e.user_id, e.description])).toEqual([
      [5, 5, "operador", operador.id, "Inicio de sesión"],
      [5, 5, "operador", operador.id, "Cierre de sesión"],
    ]);
  });
});
