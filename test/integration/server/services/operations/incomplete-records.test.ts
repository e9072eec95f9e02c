import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { manualOperationSchema } from "../../../../../server/domain/operations/index";
import {
  correctOperation,
  listOperations,
  listUndocumentedReceptions,
  raiseIncompleteRecordAlarms,
  readIncompleteGraceHours,
  registerManualOperation,
  saveIncompleteGraceHours,
} from "../../../../../server/services/operations/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const t0 = new Date("2026-11-10T15:00:00Z");
const hours = (h: number) => new Date(t0.getTime() + h * 3_600_000);

describe.each(testEngines)("incomplete and undocumented records on %s (A30-REC-03, A30-REC-05, A30-ALM-08)", (engine) => {
  let t: TestDatabase;
  let actor: { userId: number; username: string };
  let incompleteId: number;
  const manual = (overrides: Record<string, unknown>, at: Date) =>
    registerManualOperation(
      t.db,
      manualOperationSchema.parse({
        installationKey: "EDS-0001",
        type: "reception",
        tankKey: "TQS-EDS-0002",
        startAt: new Date(at.getTime() - 3_600_000),
        endAt: at,
        netVolume: 1000,
        justification: "Sonda fuera de servicio durante la descarga",
        ...overrides,
      }),
      actor,
      at,
    );
  const incompleteAlarms = () =>
    t.db.query<{ id: string | number; type: number; sat_event_code: number; description: string; cleared: boolean; clear_entry: string | number | null }>(
      `select a.id, a.type, a.sat_event_code, a.description, exists (select 1 from alarm_actions x where x.alarm_id = a.id and x.action = 'clear') as cleared,
              (select x.event_log_id from alarm_actions x where x.alarm_id = a.id and x.action = 'clear') as clear_entry
         from alarms a where a.source_key like 'registro-incompleto:%' order by a.id`,
    );

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date("2026-11-01T06:00:00Z") });
    const [u] = await t.db.query<{ id: number }>("select id from users where username = 'supervisor'");
    actor = { userId: Number(u!.id), username: "supervisor" };
    incompleteId = (await manual({}, t0)).id; // no counterparty RFC → incompleto
  });
  afterAll(async () => t?.close());

  it("A30-REC-03: a reception without RFC is listed in the 'registros incompletos' view", async () => {
    const incomplete = await listOperations(t.db, { status: "incomplete" });
    expect(incomplete.map((o) => [o.id, o.status])).toEqual([[incompleteId, "incomplete"]]);
    expect(incomplete[0]!.incompleteReasons.length).toBeGreaterThan(0);
  });

  it("A30-REC-03: no alarm before the default 24 h grace; exactly one type-4 alarm after it, never a second one", async () => {
    expect(await readIncompleteGraceHours(t.db)).toEqual({ hours: 24, valid: true });
    expect(await raiseIncompleteRecordAlarms(t.db, hours(23.99))).toEqual({ graceHours: 24, alarmsRaised: 0 });
    expect(await raiseIncompleteRecordAlarms(t.db, hours(24))).toEqual({ graceHours: 24, alarmsRaised: 1 });
    expect(await raiseIncompleteRecordAlarms(t.db, hours(30))).toMatchObject({ alarmsRaised: 0 });
    const alarms = await incompleteAlarms();
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ type: 4, sat_event_code: 14, cleared: false });
    expect(alarms[0]!.description).toContain("sigue incompleta después de 24 h");
  });

  it("A30-REC-03 / A30-LOG-10: the correction that completes the record clears the alarm with its bitácora entry", async () => {
    const result = await correctOperation(t.db, incompleteId, { counterpartyRfc: "GPA200101NL1", reason: "RFC del proveedor según la factura" }, actor, hours(31));
    expect(result.version).toBe(2);
    const [alarm] = await incompleteAlarms();
    expect(alarm).toMatchObject({ cleared: true });
    expect(Number(alarm!.clear_entry)).toBe(result.eventLogId);
    expect(await listOperations(t.db, { status: "incomplete" })).toEqual([]);
    expect(await raiseIncompleteRecordAlarms(t.db, hours(60))).toMatchObject({ alarmsRaised: 0 });
  });

  it("A30-REC-03: the grace period is configurable and validated (app_settings); an invalid stored value falls back to 24 h", async () => {
    await expect(saveIncompleteGraceHours(t.db, -3, actor, hours(61))).rejects.toThrow("mayor que cero");
    await expect(saveIncompleteGraceHours(t.db, 1000, actor, hours(61))).rejects.toThrow("720 horas");
    expect(await saveIncompleteGraceHours(t.db, 2, actor, hours(61))).toBe(2);
    const [entry] = await t.db.query<{ description: string }>("select description from event_log where description like 'Periodo de gracia%'");
    expect(entry!.description).toContain("24 h → 2 h");
    const second = await manual({}, hours(62));
    expect(await raiseIncompleteRecordAlarms(t.db, hours(63.5))).toEqual({ graceHours: 2, alarmsRaised: 0 });
    expect(await raiseIncompleteRecordAlarms(t.db, hours(64))).toEqual({ graceHours: 2, alarmsRaised: 1 });
    expect((await incompleteAlarms()).filter((a) => !a.cleared)).toHaveLength(1);
    expect(second.id).toBeGreaterThan(incompleteId);
    await t.db.query("update app_settings set value = '\"mucho\"'::jsonb where key = 'operations.incomplete_grace_hours'");
    expect(await readIncompleteGraceHours(t.db)).toEqual({ hours: 24, valid: false });
  });

  it("A30-REC-05: receptions older than 72 h without transport means or CFDI are 'sin documentación'; recent ones are not yet", async () => {
    const withTruck = await manual({ counterpartyRfc: "GPA200101NL1", transportMeansKey: "TQS-ATQ-1234" }, hours(1));
    const recent = await manual({ counterpartyRfc: "GPA200101NL1" }, hours(100));
    const list = await listUndocumentedReceptions(t.db, hours(120));
    const byId = new Map(list.map((u) => [u.operation.id, u.missing]));
    expect(byId.get(withTruck.id)).toEqual(["cfdi"]);
    // The corrected first record (version 2 is current) still lacks both.
    expect([...byId.values()].some((m) => m.join() === "transporte,cfdi")).toBe(true);
    expect(byId.has(recent.id)).toBe(false);
    expect((await listUndocumentedReceptions(t.db, hours(180))).some((u) => u.operation.id === recent.id)).toBe(true);
  });
});
