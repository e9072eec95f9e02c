import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../../db/client";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { EVENT_CATEGORY } from "../../../../../server/domain/event-log/index";
import { runCutForDate } from "../../../../../server/services/inventory/index";
import { runOperationDetection } from "../../../../../server/services/operations/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * A tanker discharge that straddles the cut (23:40 → 00:25, A30-INV-03, A30-INC-01 decision):
 * the reception record belongs to the day it ends (SAT figures unchanged), but the book stock of
 * each day splits it at the cut — before the fix both days had a false A30-INC-01.
 */
const mx = (local: string) => new Date(`${local}-06:00`);
const TANK = "TQS-EDS-0003";
const START = mx("2026-11-01T23:40:00").getTime();
const END = mx("2026-11-02T00:25:00").getTime();
const BEFORE_L = 10_000;
const RECEIVED_L = 20_000;

/** Net stock of the tank: flat, a linear rise during the discharge, flat. */
const stockAt = (t: number) => (t <= START ? BEFORE_L : t >= END ? BEFORE_L + RECEIVED_L : BEFORE_L + (RECEIVED_L * (t - START)) / (END - START));

async function writeReadings(db: Database, fromLocal: string, toLocal: string): Promise<void> {
  const [tank] = await db.query<{ id: number; ms_id: number }>(
    "select t.id, ms.id as ms_id from tanks t join measurement_systems ms on ms.tank_id = t.id and ms.kind = 'static' where t.key = $1",
    [TANK],
  );
  const times: string[] = [];
  const nets: number[] = [];
  for (let t = mx(fromLocal).getTime(); t <= mx(toLocal).getTime(); t += 60_000) {
    times.push(new Date(t).toISOString());
    nets.push(stockAt(t));
  }
  await db.query(
    `insert into tank_readings (tank_id, measurement_system_id, time, net_volume_l, gross_volume_l, vcf, reference_temperature_c, source)
     select $1, $2, x.time, x.net, x.net, 1, 20, 'prueba' from unnest($3::timestamptz[], $4::float8[]) as x(time, net)`,
    [Number(tank!.id), Number(tank!.ms_id), times, nets],
  );
}

describe.each(testEngines)("operation straddling the cut on %s (A30-INV-03, A30-INC-01)", (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: mx("2026-11-01T00:00:00") });
    // Data up to 30 s after the cut; the detection job has seen the discharge start (state "rising").
    await writeReadings(t.db, "2026-10-31T23:59:00", "2026-11-02T00:00:30");
    await runOperationDetection(t.db, mx("2026-11-02T00:00:30"));
    await runCutForDate(t.db, "EDS-0001", "2026-11-01", mx("2026-11-02T00:01:00"));
    // The discharge ends, the rest of day 2 is flat; the reception is recorded at its end.
    await writeReadings(t.db, "2026-11-02T00:01:30", "2026-11-02T23:59:30");
    await runOperationDetection(t.db, mx("2026-11-03T00:00:00"));
    await runCutForDate(t.db, "EDS-0001", "2026-11-02", mx("2026-11-03T00:01:00"));
  }, 60_000);
  afterAll(async () => t?.close());

  const cut = async (date: string) =>
    (
      await t.db.query<{ receptions_volume: string; reception_count: number; book_volume: string; measured_volume: string; difference_volume: string }>(
        `select c.receptions_volume::text, c.reception_count, c.book_volume::text, c.measured_volume::text, c.difference_volume::text
           from inventory_cuts c join tanks k on k.id = c.tank_id where k.key = $1 and c.report_date = $2`,
        [TANK, date],
      )
    )[0]!;

  it("A30-REC-01: one reception, recorded whole on the day it ends (SAT record unchanged)", async () => {
    const ops = await t.db.query<{ start_at: Date | string; end_at: Date | string; net_volume: string }>(
      "select o.start_at, o.end_at, o.net_volume::text from operations o join tanks k on k.id = o.tank_id where k.key = $1 and o.type = 'reception'",
      [TANK],
    );
    expect(ops).toHaveLength(1);
    expect(Math.abs(new Date(ops[0]!.start_at).getTime() - START)).toBeLessThanOrEqual(3 * 60_000);
    expect(Math.abs(new Date(ops[0]!.end_at).getTime() - END)).toBeLessThanOrEqual(3 * 60_000);
    expect(Number(ops[0]!.net_volume)).toBeCloseTo(RECEIVED_L, -1);
    const day1 = await cut("2026-11-01");
    const day2 = await cut("2026-11-02");
    expect(Number(day1.receptions_volume)).toBe(0);
    expect(day1.reception_count).toBe(0);
    expect(Number(day2.receptions_volume)).toBeCloseTo(RECEIVED_L, -1);
    expect(day2.reception_count).toBe(1);
  });

  it("A30-INC-01: no finding on either day — the book stock counts the part moved before each cut", async () => {
    const findings = await t.db.query<{ n: number }>("select count(*)::int as n from event_log where category = $1 and component = $2", [EVENT_CATEGORY.inconsistencies, TANK]);
    expect(findings[0]!.n).toBe(0);
    const before = stockAt(mx("2026-11-02T00:00:00").getTime()) - BEFORE_L; // ≈ 8,888.9 L before the cut
    // The inventory record keeps the literal A30-INV-03 figures (opening + receptions − deliveries)…
    const day1 = await cut("2026-11-01");
    const day2 = await cut("2026-11-02");
    expect(Number(day1.book_volume)).toBeCloseTo(BEFORE_L, 0);
    expect(Number(day1.difference_volume)).toBeCloseTo(before, -2);
    expect(Number(day2.difference_volume)).toBeCloseTo(-before, -2);
    // …while the rules decided on the split book stock: within a few litres of the measured one each day.
    const split = await t.db.query<{ details: Record<string, string> | string }>(
      "select details from event_log where component = $1 and details->>'kind' = 'operacion_en_curso_al_corte' order by id",
      [TANK],
    );
    expect(split).toHaveLength(2);
    for (const row of split) {
      const d = (typeof row.details === "string" ? JSON.parse(row.details) : row.details) as Record<string, string>;
      expect(Math.abs(Number(d.evaluatedDifferenceVolume))).toBeLessThan(50);
    }
  });

  it("A30-INV-03: the bitácora shows the split of each day so an auditor can follow it", async () => {
    const rows = await t.db.query<{ description: string; details: Record<string, unknown> | string }>(
      "select description, details from event_log where component = $1 and details->>'kind' = 'operacion_en_curso_al_corte' order by id",
      [TANK],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]!.description).toMatch(/operación en curso al corte: 8,8\d\d\.\d{3} L antes del corte/);
    expect(rows[1]!.description).toMatch(/iniciada antes del corte anterior: 8,8\d\d\.\d{3} L ya en la existencia inicial/);
    const d0 = typeof rows[0]!.details === "string" ? JSON.parse(rows[0]!.details) : rows[0]!.details;
    expect(d0.requirement).toEqual(["A30-INV-03", "A30-INC-01"]);
    expect((d0.operations as Array<{ source: string }>)[0]!.source).toBe("detector en curso");
  });
});
