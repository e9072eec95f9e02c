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
 * A truck loading through DUC-CAR-0001 that straddles the terminal's midnight cut (23:50 → 00:10,
 * A30-INV-03, A30-INC-01 decision): at the cut the duct meter is still "dispensing", so the cut
 * books the part already loaded from the tank whose stock fell; the next day the recorded delivery
 * is split with the duct's own totalizer. No finding on either day.
 */
const mx = (local: string) => new Date(`${local}-06:00`);
const START = mx("2026-11-01T23:50:00").getTime();
const END = mx("2026-11-02T00:10:00").getTime();
const LOAD_L = 30_000;
const loaded = (t: number) => (t <= START ? 0 : t >= END ? LOAD_L : (LOAD_L * (t - START)) / (END - START));

async function tankReadings(db: Database, fromLocal: string, toLocal: string): Promise<void> {
  const tanks = await db.query<{ id: number; key: string; ms_id: number }>(
    "select t.id, t.key, ms.id as ms_id from tanks t join measurement_systems ms on ms.tank_id = t.id and ms.kind = 'static' where t.key like 'TQS-TDA-%'",
  );
  const c = { tank: [] as number[], ms: [] as number[], time: [] as string[], net: [] as number[] };
  for (const tank of tanks) {
    for (let t = mx(fromLocal).getTime(); t <= mx(toLocal).getTime(); t += 60_000) {
      c.tank.push(Number(tank.id));
      c.ms.push(Number(tank.ms_id));
      c.time.push(new Date(t).toISOString());
      c.net.push(tank.key === "TQS-TDA-0002" ? 1_000_000 - loaded(t) : 1_000_000);
    }
  }
  await db.query(
    `insert into tank_readings (tank_id, measurement_system_id, time, net_volume_l, gross_volume_l, vcf, base_density_kg_m3, reference_temperature_c, source)
     select tank_id, ms_id, time, net, net, 1, 741.0, 20, 'prueba' from unnest($1::int[], $2::int[], $3::timestamptz[], $4::float8[]) as x(tank_id, ms_id, time, net)`,
    [c.tank, c.ms, c.time, c.net],
  );
}

async function ductMeter(db: Database, fromLocal: string, toLocal: string): Promise<void> {
  const m = { tag: [] as string[], time: [] as string[], value: [] as number[] };
  for (let t = mx(fromLocal).getTime(); t <= mx(toLocal).getTime(); t += 20_000) {
    const gross = 500_000 + loaded(t);
    for (const [v, value] of [["volume_total_l", gross], ["net_volume_total_l", gross * 0.998], ["in_operation", t > START && t < END ? 1 : 0]] as const) {
      m.tag.push(`TDA-0001/DUC-CAR-0001/${v}`);
      m.time.push(new Date(t).toISOString());
      m.value.push(value);
    }
  }
  await db.query("insert into measurements (time, tag, value, quality) select time, tag, value, 0 from unnest($1::timestamptz[], $2::text[], $3::float8[]) as x(time, tag, value)", [m.time, m.tag, m.value]);
}

describe.each(testEngines)("truck loading straddling the cut on %s (A30-INV-03, A30-INC-01)", (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: mx("2026-11-01T00:00:00") });
    await tankReadings(t.db, "2026-10-31T23:59:00", "2026-11-02T00:00:20");
    await ductMeter(t.db, "2026-11-01T23:00:00", "2026-11-02T00:00:20");
    await runOperationDetection(t.db, mx("2026-11-02T00:00:30"));
    await runCutForDate(t.db, "TDA-0001", "2026-11-01", mx("2026-11-02T00:01:00"));
    await tankReadings(t.db, "2026-11-02T00:01:00", "2026-11-02T23:59:00");
    await ductMeter(t.db, "2026-11-02T00:00:40", "2026-11-02T01:00:00");
    await runOperationDetection(t.db, mx("2026-11-02T01:00:00"));
    await runCutForDate(t.db, "TDA-0001", "2026-11-02", mx("2026-11-03T00:01:00"));
  }, 60_000);
  afterAll(async () => t?.close());

  it("A30-REC-01: one delivery on the duct and TQS-TDA-0002, recorded whole on 2026-11-02", async () => {
    const cuts = await t.db.query<{ report_date: string; deliveries_volume: string; delivery_count: number }>(
      "select c.report_date::text, c.deliveries_volume::text, c.delivery_count from inventory_cuts c join tanks k on k.id = c.tank_id where k.key = 'TQS-TDA-0002' order by c.report_date",
    );
    expect(cuts.map((c) => [c.report_date, c.delivery_count])).toEqual([["2026-11-01", 0], ["2026-11-02", 1]]);
    expect(Number(cuts[1]!.deliveries_volume)).toBeGreaterThan(LOAD_L * 0.99);
  });

  it("A30-INC-01: no finding on either day; the bitácora shows the loading in progress at the cut and its split the next day", async () => {
    const findings = await t.db.query<{ n: number }>("select count(*)::int as n from event_log where category = $1 and component like 'TQS-TDA-%'", [EVENT_CATEGORY.inconsistencies]);
    expect(findings[0]!.n).toBe(0);
    const split = await t.db.query<{ description: string; details: Record<string, unknown> | string }>(
      "select description, details from event_log where component = 'TQS-TDA-0002' and details->>'kind' = 'operacion_en_curso_al_corte' order by id",
    );
    expect(split).toHaveLength(2);
    expect(split[0]!.description).toContain("operación en curso al corte: 15,0");
    const d1 = (typeof split[1]!.details === "string" ? JSON.parse(split[1]!.details) : split[1]!.details) as { operations: Array<{ method: string }>; evaluatedDifferenceVolume: string };
    expect(d1.operations[0]!.method).toBe("totalizador");
    expect(Math.abs(Number(d1.evaluatedDifferenceVolume))).toBeLessThan(LOAD_L * 0.005);
  });
});
