import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEventLogRange } from "../../../../../db/repositories/event-log";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { verifyEventLogChain } from "../../../../../server/domain/event-log/index";
import { registerManualOperation } from "../../../../../server/services/operations/index";
import { findNumberingIssues, runRecordsIntegrityCheck } from "../../../../../server/services/records-integrity/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const now = new Date("2026-11-10T12:00:00Z");

describe.each(testEngines)("records integrity check on %s (A30-REC-04, A30-ALM-08)", (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date("2026-11-01T06:00:00Z") });
    const [u] = await t.db.query<{ id: number }>("select id from users where username = 'supervisor'");
    for (let i = 0; i < 4; i++) {
      await registerManualOperation(
        t.db,
        {
          installationKey: "EDS-0001",
          type: "reception",
          tankKey: "TQS-EDS-0001",
          startAt: new Date(Date.UTC(2026, 10, 2 + i, 14)),
          endAt: new Date(Date.UTC(2026, 10, 2 + i, 15)),
          netVolume: 1000 + i,
          counterpartyRfc: "GPA200101NL1",
          justification: "Sonda fuera de servicio durante la descarga",
        } as never,
        { userId: Number(u!.id), username: "supervisor" },
        now,
      );
    }
  });
  afterAll(async () => t?.close());

  it("A30-REC-04: consistent registers give no finding and raise nothing", async () => {
    expect(await findNumberingIssues(t.db)).toEqual([]);
    expect(await runRecordsIntegrityCheck(t.db, now)).toMatchObject({ alarmsRaised: 0 });
  });

  it("A30-REC-04 / A30-ALM-08: a record removed behind the triggers' back (gap in operations 2) raises exactly one type-4 alarm; a second run raises none", async () => {
    await t.db.query("alter table operations disable trigger all");
    await t.db.query("alter table event_log_links disable trigger all");
    await t.db.query("delete from event_log_links where operation_id in (select id from operations where number = 2)");
    await t.db.query("delete from operations where number = 2");
    await t.db.query("alter table event_log_links enable trigger all");
    await t.db.query("alter table operations enable trigger all");

    const issues = await findNumberingIssues(t.db);
    expect(issues.map((i) => [i.register, i.installationKey, i.kind, i.from, i.to])).toEqual([["operation", "EDS-0001", "gap", 2, 2]]);

    const first = await runRecordsIntegrityCheck(t.db, now);
    expect(first.alarmsRaised).toBe(1);
    const alarms = await t.db.query<{ type: number; sat_event_code: number; description: string; component: string; event_log_id: string | number | null }>(
      "select type, sat_event_code, description, component, event_log_id from alarms where source_key like 'numeracion:%'",
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ type: 4, sat_event_code: 14, component: "UCC" });
    expect(alarms[0]!.description).toContain("Hueco en la numeración consecutiva de operaciones de EDS-0001: falta el número 2");
    const [entry] = await t.db.query<{ description: string; event_type: number }>("select description, event_type from event_log where id = $1", [alarms[0]!.event_log_id]);
    expect(entry).toMatchObject({ event_type: 14 });

    const second = await runRecordsIntegrityCheck(t.db, new Date(now.getTime() + 86_400_000));
    expect(second.alarmsRaised).toBe(0);
    expect(await t.db.query("select 1 from alarms where source_key like 'numeracion:%'")).toHaveLength(1);
    // The alarms the check raised keep the alarm register itself gap-free, and the bitácora chain verifies.
    expect((await findNumberingIssues(t.db)).filter((i) => i.register === "alarm")).toEqual([]);
    expect(verifyEventLogChain(await readEventLogRange(t.db, 1, 10_000))).toMatchObject({ ok: true });
  });

  it("A30-ALM-08: a duplicated current version and a counter left behind are findings too", async () => {
    await t.db.query("alter table operations disable trigger all");
    // A second current row for number 3 (a version 2 pointing at another record) and a row above the counter.
    await t.db.query(
      `insert into operations (installation_id, number, type, element_type, tank_id, product_key, start_at, end_at, net_volume, unit, reference_temperature_c, origin,
                               version, supersedes_id, correction_reason, created_at)
       select installation_id, number, type, element_type, tank_id, product_key, start_at, end_at, net_volume, unit, reference_temperature_c, 'automatic',
              2, (select id from operations where number = 4), 'duplicado de prueba', created_at from operations where number = 3`,
    );
    await t.db.query(
      `insert into operations (installation_id, number, type, element_type, tank_id, product_key, start_at, end_at, net_volume, unit, reference_temperature_c, origin, created_at)
       select installation_id, 9, type, element_type, tank_id, product_key, start_at, end_at, net_volume, unit, reference_temperature_c, 'automatic', created_at
         from operations where number = 1`,
    );
    await t.db.query("alter table operations enable trigger all");
    const issues = (await findNumberingIssues(t.db)).map((i) => [i.kind, i.from, i.to]);
    expect(issues).toEqual(expect.arrayContaining([["gap", 2, 2], ["duplicate", 3, 3], ["ahead", 9, 9], ["gap", 5, 8]]));
    const run = await runRecordsIntegrityCheck(t.db, now);
    expect(run.alarmsRaised).toBe(3);
  });
});
