import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../../db/client";
import { readEventLogRange } from "../../../../../db/repositories/event-log";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { verifyEventLogChain } from "../../../../../server/domain/event-log/index";
import { findingToJson, reconcileScenario, scenarioSchema } from "../../../../../server/domain/reconciliation/index";
import { readInventory, runCutForDate, runDueCuts } from "../../../../../server/services/inventory/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/** Local Mexico City time (UTC−06:00, no DST) → Date. */
const mx = (local: string) => new Date(`${local}-06:00`);
const FIXTURES = path.resolve(__dirname, "../../../../fixtures/reconcile");

async function ids(db: Database, tankKey: string): Promise<{ installationId: number; tankId: number; msId: number }> {
  const [row] = await db.query<{ installation_id: number; tank_id: number; ms_id: number }>(
    `select t.installation_id, t.id as tank_id, ms.id as ms_id from tanks t join measurement_systems ms on ms.tank_id = t.id and ms.kind = 'static' where t.key = $1`,
    [tankKey],
  );
  return { installationId: Number(row!.installation_id), tankId: Number(row!.tank_id), msId: Number(row!.ms_id) };
}

let operationNumber = 0;
/** An operation of `durationMs` (default 30 min) ending at `endLocal`; one that starts before a cut is split in the book stock (A30-INC-01 decision). */
async function operation(db: Database, tankKey: string, type: "reception" | "delivery", endLocal: string, volume: string, durationMs = 1_800_000): Promise<void> {
  const { installationId, tankId, msId } = await ids(db, tankKey);
  const end = mx(endLocal);
  operationNumber += 1;
  await db.query(
    `insert into operations (installation_id, number, type, element_type, tank_id, measurement_system_id, product_key, start_at, end_at, net_volume, unit,
                             reference_temperature_c, origin, counterparty_rfc)
     select $1, $2, $3, 'tank', $4, $5, t.product_key, $6, $7, $8, 'UM03', 20, 'automatic', 'AAA010101AAA' from tanks t where t.id = $4`,
    [installationId, operationNumber, type, tankId, msId, new Date(end.getTime() - durationMs).toISOString(), end.toISOString(), volume],
  );
}

async function reading(db: Database, tankKey: string, local: string, netL: number): Promise<void> {
  const { tankId, msId } = await ids(db, tankKey);
  await db.query(
    `insert into tank_readings (tank_id, measurement_system_id, time, net_volume_l, reference_temperature_c, source) values ($1, $2, $3, $4, 20, 'prueba')`,
    [tankId, msId, mx(local).toISOString(), netL],
  );
}

const count = async (db: Database, sql: string, params: unknown[] = []) => Number((await db.query<{ n: string | number }>(sql, params))[0]!.n);

describe.each(testEngines)("daily inventory cut service on %s (A30-INV, A30-REC-02, A30-INC-06)", (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    // The installations exist from the start of the 2026-11-01 period.
    await seedDemo(t.db, DEMO_SITE, { now: mx("2026-11-01T00:00:00") });
    // TQS-EDS-0001: A30-INC-01 example #2 (measured 18,180 vs book 18,300).
    await reading(t.db, "TQS-EDS-0001", "2026-11-01T00:00:00", 10100);
    await operation(t.db, "TQS-EDS-0001", "reception", "2026-11-01T09:55:00", "20000.000");
    await operation(t.db, "TQS-EDS-0001", "delivery", "2026-11-01T12:00:00", "11800.000");
    await reading(t.db, "TQS-EDS-0001", "2026-11-01T23:59:30", 18190);
    await reading(t.db, "TQS-EDS-0001", "2026-11-02T00:00:00", 18180); // the latest reading at or before the cut is the one at the cut instant
    // TQS-EDS-0002: A30-REC-02 (20,000 + 5,000 received, 11,800 delivered in three deliveries; measured = book).
    await reading(t.db, "TQS-EDS-0002", "2026-10-31T23:59:00", 1000);
    await operation(t.db, "TQS-EDS-0002", "reception", "2026-11-01T09:55:00", "20000.000");
    await operation(t.db, "TQS-EDS-0002", "reception", "2026-11-01T16:10:00", "5000.000");
    await operation(t.db, "TQS-EDS-0002", "delivery", "2026-11-01T08:00:00", "4000.000");
    await operation(t.db, "TQS-EDS-0002", "delivery", "2026-11-01T13:00:00", "4000.000");
    await operation(t.db, "TQS-EDS-0002", "delivery", "2026-11-01T23:59:59", "3800.000");
    // At the cut: next period (A30-INV-02). Instantaneous (starts at the cut): nothing of it moved before the cut.
    await operation(t.db, "TQS-EDS-0002", "delivery", "2026-11-02T00:00:00", "999.000", 0);
    await operation(t.db, "TQS-EDS-0002", "delivery", "2026-10-31T23:59:59", "777.000"); // previous period
    await reading(t.db, "TQS-EDS-0002", "2026-11-01T23:50:00", 14200);
    // TQS-EDS-0003: A30-INV-03/04 (measured 18,250 vs calculated 18,300 → low alarm only).
    await reading(t.db, "TQS-EDS-0003", "2026-11-01T00:00:00", 10100);
    await operation(t.db, "TQS-EDS-0003", "reception", "2026-11-01T09:55:00", "20000.000");
    await operation(t.db, "TQS-EDS-0003", "delivery", "2026-11-01T12:00:00", "11800.000");
    await reading(t.db, "TQS-EDS-0003", "2026-11-01T23:59:00", 18250);
  });
  afterAll(async () => t?.close());

  it("A30-INV-01: nothing is due before the cut; at 00:01 the 2026-11-01 cut is made on time for every tank", async () => {
    expect(await runDueCuts(t.db, mx("2026-11-01T23:59:59"))).toMatchObject({ cuts: 0, records: 0 });
    const summary = await runDueCuts(t.db, mx("2026-11-02T00:01:00"));
    expect(summary).toMatchObject({ cuts: 2, records: 9, findings: 1, stockDifferenceAlarms: 1, deferred: 0, missingCuts: 0 });
    const rows = await t.db.query<{ tank: string; cut_at: Date | string; status: string; number: string | number }>(
      "select t.key as tank, c.cut_at, c.status, c.number from inventory_cuts c join tanks t on t.id = c.tank_id where t.key like 'TQS-EDS-%' order by t.key",
    );
    expect(rows.map((r) => [r.tank, new Date(r.cut_at).toISOString(), r.status, Number(r.number)])).toEqual([
      ["TQS-EDS-0001", "2026-11-02T06:00:00.000Z", "on_time", 1],
      ["TQS-EDS-0002", "2026-11-02T06:00:00.000Z", "on_time", 2],
      ["TQS-EDS-0003", "2026-11-02T06:00:00.000Z", "on_time", 3],
    ]);
  });

  it("A30-REC-02: the record at 2026-11-02T00:00 shows received 25,000.000 L and delivered 11,800.000 L", async () => {
    const [acc] = await t.db.query<{ received_volume: string; delivered_volume: string; reception_count: number; delivery_count: number; period_start: Date | string; period_end: Date | string; report_date: string }>(
      `select a.received_volume::text, a.delivered_volume::text, a.reception_count, a.delivery_count, a.period_start, a.period_end, a.report_date::text
         from daily_accumulations a join tanks t on t.id = a.tank_id where t.key = 'TQS-EDS-0002'`,
    );
    expect(acc).toMatchObject({ received_volume: "25000.000", delivered_volume: "11800.000", reception_count: 2, delivery_count: 3, report_date: "2026-11-01" });
    expect(new Date(acc!.period_start).toISOString()).toBe("2026-11-01T06:00:00.000Z");
    expect(new Date(acc!.period_end).toISOString()).toBe("2026-11-02T06:00:00.000Z");
    const numbers = await t.db.query<{ number: string | number }>("select a.number from daily_accumulations a join installations i on i.id = a.installation_id where i.key = 'EDS-0001' and a.element_type = 'tank' order by a.number");
    expect(numbers.map((n) => Number(n.number))).toEqual([1, 2, 3]);
  });

  it("A30-INV-03/04/05: calculated 18,300, measured 18,250, difference −50 (−0.273 %) → one low 'Diferencia de existencias' alarm, no INC-01", async () => {
    const [cut] = await t.db.query<{ id: string | number; opening_volume: string; book_volume: string; measured_volume: string; difference_volume: string; difference_pct: string; unit: string }>(
      `select c.id, c.opening_volume::text, c.book_volume::text, c.measured_volume::text, c.difference_volume::text, c.difference_pct::text, c.unit
         from inventory_cuts c join tanks t on t.id = c.tank_id where t.key = 'TQS-EDS-0003'`,
    );
    expect(cut).toMatchObject({ opening_volume: "10100.000", book_volume: "18300.000", measured_volume: "18250.000", difference_volume: "-50.000", difference_pct: "0.273224", unit: "UM03" });
    const alarms = await t.db.query<{ type: number; severity: string; sat_event_code: number | null; description: string; inventory_cut_id: string | number }>(
      "select type, severity, sat_event_code, description, inventory_cut_id from alarms where component = 'TQS-EDS-0003'",
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ type: 2, severity: "low", sat_event_code: null });
    expect(alarms[0]!.description).toContain("Diferencia de existencias TQS-EDS-0003 2026-11-01");
    expect(Number(alarms[0]!.inventory_cut_id)).toBe(Number(cut!.id));
    expect(await count(t.db, "select count(*) as n from event_log where component = 'TQS-EDS-0003'")).toBe(0);
  });

  it("A30-INC-06: example A30-INC-01 #2 yields exactly one bitácora entry (category 7, code 7) and one type-2 alarm for TQS-EDS-0001, 2026-11-01, −120 L", async () => {
    const entries = await t.db.query<{ id: string | number; event_type: number; component: string; description: string; username: string; details: Record<string, unknown> | string }>(
      "select id, event_type, component, description, username, details from event_log where category = 7",
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ event_type: 7, component: "TQS-EDS-0001", username: "sistema" });
    expect(entries[0]!.description).toContain("2026-11-01");
    expect(entries[0]!.description).toContain("−120.000");
    const details = typeof entries[0]!.details === "string" ? JSON.parse(entries[0]!.details) : entries[0]!.details;
    expect(details).toMatchObject({ rule: "A30-INC-01", bookVolume: "18300.000", measuredVolume: "18180.000", differenceVolume: "-120.000", differencePct: "0.6557" });
    const alarms = await t.db.query<{ type: number; sat_event_code: number; severity: string; component: string; event_log_id: string | number; details: Record<string, unknown> | string }>(
      "select type, sat_event_code, severity, component, event_log_id, details from alarms where type = 2 and severity <> 'low'",
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ type: 2, sat_event_code: 7, severity: "high", component: "TQS-EDS-0001" });
    expect(Number(alarms[0]!.event_log_id)).toBe(Number(entries[0]!.id));
    // The stored bitácora chain still verifies (batch writer uses the same canonical hash).
    expect(verifyEventLogChain(await readEventLogRange(t.db, 1, 10_000))).toMatchObject({ ok: true });
  });

  it("A30-INC-07: the service and `aforo reconcile` agree on the same example", async () => {
    const scenario = scenarioSchema.parse(JSON.parse(readFileSync(path.join(FIXTURES, "inc01-ex2-finding.json"), "utf8")));
    const [cli] = reconcileScenario(scenario).findings.map(findingToJson);
    const [stored] = await t.db.query<{ book_volume: string; measured_volume: string; difference_volume: string; details: Record<string, unknown> | string }>(
      `select c.book_volume::text, c.measured_volume::text, c.difference_volume::text, a.details from alarms a join inventory_cuts c on c.id = a.inventory_cut_id
        where a.type = 2 and a.severity = 'high'`,
    );
    const details = typeof stored!.details === "string" ? JSON.parse(stored!.details) : stored!.details;
    expect([details.rule, Number(stored!.book_volume), Number(stored!.measured_volume), Number(stored!.difference_volume), Number(details.differencePct)]).toEqual([
      cli!.rule,
      cli!.bookL,
      cli!.measuredL,
      cli!.differenceL,
      cli!.differencePct,
    ]);
  });

  it("idempotent: running the same cut again adds no record, entry or alarm", async () => {
    const before = await Promise.all(["inventory_cuts", "daily_accumulations", "alarms", "event_log"].map((table) => count(t.db, `select count(*) as n from ${table}`)));
    expect(await runDueCuts(t.db, mx("2026-11-02T00:05:00"))).toMatchObject({ records: 0, findings: 0 });
    expect(await runCutForDate(t.db, "EDS-0001", "2026-11-01", mx("2026-11-02T00:06:00"))).toMatchObject({ records: 0 });
    const after = await Promise.all(["inventory_cuts", "daily_accumulations", "alarms", "event_log"].map((table) => count(t.db, `select count(*) as n from ${table}`)));
    expect(after).toEqual(before);
  });

  it("A30-ALM-08: when the 2026-11-02 cut is missing from the history, type 4 'corte faltante 2026-11-02 TQS-EDS-0001' is raised once", async () => {
    await reading(t.db, "TQS-EDS-0001", "2026-11-03T00:00:00", 18180);
    await reading(t.db, "TQS-EDS-0001", "2026-11-03T23:59:00", 18180);
    const summary = await runCutForDate(t.db, "EDS-0001", "2026-11-03", mx("2026-11-04T00:01:00"));
    expect(summary).toMatchObject({ records: 3, missingCuts: 3 });
    const missing = await t.db.query<{ type: number; sat_event_code: number; description: string }>("select type, sat_event_code, description from alarms where type = 4 order by description");
    expect(missing.map((m) => m.description)).toEqual(["corte faltante 2026-11-02 TQS-EDS-0001", "corte faltante 2026-11-02 TQS-EDS-0002", "corte faltante 2026-11-02 TQS-EDS-0003"]);
    expect(missing[0]).toMatchObject({ type: 4, sat_event_code: 14 });
    // The opening of 11-03 without an 11-02 record is the reading at the period start.
    const [cut] = await t.db.query<{ opening_volume: string; book_volume: string }>(
      "select c.opening_volume::text, c.book_volume::text from inventory_cuts c join tanks t on t.id = c.tank_id where t.key = 'TQS-EDS-0001' and c.report_date = '2026-11-03'",
    );
    expect(cut).toEqual({ opening_volume: "18180.000", book_volume: "18180.000" });
  });

  it("A30-INV-01: cuts missed while the server was down are made on restart with their cut timestamp, status deferred and a 'corte diferido' note", async () => {
    await reading(t.db, "TQS-EDS-0001", "2026-11-04T23:59:00", 18180);
    await reading(t.db, "TQS-EDS-0001", "2026-11-05T23:59:00", 18100); // −80 L without movements → A30-INC-04 on 11-05
    const summary = await runDueCuts(t.db, mx("2026-11-06T08:00:00"));
    // EDS-0001: 11-04 and 11-05; TDA-0001: 11-02 … 11-05 (its last cut was 11-01).
    expect(summary).toMatchObject({ cuts: 6, deferred: 6 });
    const rows = await t.db.query<{ report_date: string; cut_at: Date | string; status: string; opening_volume: string; measured_volume: string | null }>(
      `select c.report_date::text, c.cut_at, c.status, c.opening_volume::text, c.measured_volume::text from inventory_cuts c join tanks t on t.id = c.tank_id
        where t.key = 'TQS-EDS-0001' order by c.report_date`,
    );
    expect(rows.map((r) => [r.report_date, new Date(r.cut_at).toISOString(), r.status])).toEqual([
      ["2026-11-01", "2026-11-02T06:00:00.000Z", "on_time"],
      ["2026-11-03", "2026-11-04T06:00:00.000Z", "on_time"],
      ["2026-11-04", "2026-11-05T06:00:00.000Z", "deferred"],
      ["2026-11-05", "2026-11-06T06:00:00.000Z", "deferred"],
    ]);
    expect(rows[3]!.opening_volume).toBe("18180.000"); // measured stock at the previous cut (A30-INV-03)
    const notes = await t.db.query<{ description: string }>("select description from event_log where description like 'Corte diferido%' order by id");
    expect(notes).toHaveLength(6);
    expect(notes.some((n) => n.description.startsWith("Corte diferido 2026-11-04 de EDS-0001"))).toBe(true);
    const rule04 = await t.db.query<{ event_type: number; component: string }>("select event_type, component from event_log where category = 7 and event_type = 10");
    expect(rule04).toEqual([{ event_type: 10, component: "TQS-EDS-0001" }]);
  });

  it("the inventory view reads the stored records, accumulations and findings (what /inventario shows)", async () => {
    const view = await readInventory(t.db, "EDS-0001", "2026-11-01", mx("2026-11-06T09:00:00"));
    expect(view!.period).toEqual({ start: "2026-11-01T06:00:00.000Z", end: "2026-11-02T06:00:00.000Z", open: false });
    expect(view!.records.map((r) => [r.tank, r.book, r.measured, r.difference, r.differencePct])).toEqual([
      ["TQS-EDS-0001", "18300.000", "18180.000", "-120.000", "0.655738"],
      ["TQS-EDS-0002", "14200.000", "14200.000", "0.000", "0.000000"],
      ["TQS-EDS-0003", "18300.000", "18250.000", "-50.000", "0.273224"],
    ]);
    expect(view!.accumulations.find((a) => a.tank === "TQS-EDS-0002")).toMatchObject({ received: "25000.000", delivered: "11800.000" });
    expect(view!.findings.map((f) => [f.tank, f.rule, f.severity])).toEqual([
      ["TQS-EDS-0001", "A30-INC-01", "high"],
      ["TQS-EDS-0003", null, "low"],
    ]);
    expect(view!.preview).toBeNull();
    const open = await readInventory(t.db, "EDS-0001", null, mx("2026-11-06T09:00:00"));
    expect(open!.date).toBe("2026-11-06");
    expect(open!.preview!.rows.map((r) => r.tank)).toEqual(["TQS-EDS-0001", "TQS-EDS-0002", "TQS-EDS-0003"]);
  });
});
