import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../../db/client";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { runCutForDate } from "../../../../../server/services/inventory/index";
import { runOperationDetection } from "../../../../../server/services/operations/index";
import { storeAutomaticOperations } from "../../../../../server/services/operations/store";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * Live duct meter batches (A30-REC-01): a truck loading through DUC-CAR-0001 and a pipeline receipt
 * through DUC-TRA-0001 at the terminal TDA-0001, from the flow computers' totalizers and
 * in_operation, booked on the tank whose measured stock moved; the receipt is not ALSO a level-rise
 * reception; the cut finds nothing (A30-INC-01). Plus the set-based writer's numbering (A30-REC-04)
 * and duplicates (A30-ALM-08).
 */
const mx = (local: string) => new Date(`${local}-06:00`);
const T0 = mx("2026-11-01T10:00:00").getTime();
const min = (m: number) => T0 + m * 60_000;
const LOAD_L = 30_000; // TQS-TDA-0002, minutes 10–25
const RECEIPT_L = 200_000; // TQS-TDA-0005, minutes 40–65

const loaded = (m: number) => (m <= 10 ? 0 : m >= 25 ? LOAD_L : (LOAD_L * (m - 10)) / 15);
const received = (m: number) => (m <= 40 ? 0 : m >= 65 ? RECEIPT_L : (RECEIPT_L * (m - 40)) / 25);

async function seedTerminal(db: Database): Promise<void> {
  const tanks = await db.query<{ id: number; key: string; ms_id: number }>(
    "select t.id, t.key, ms.id as ms_id from tanks t join measurement_systems ms on ms.tank_id = t.id and ms.kind = 'static' where t.key like 'TQS-TDA-%' order by t.key",
  );
  const cols = { tank: [] as number[], ms: [] as number[], time: [] as string[], net: [] as number[] };
  for (const tank of tanks) {
    for (let m = -601; m <= 14 * 60 + 30; m += 1) {
      const base = 1_000_000;
      const net = tank.key === "TQS-TDA-0002" ? base - loaded(m) : tank.key === "TQS-TDA-0005" ? base + received(m) : base;
      cols.tank.push(Number(tank.id));
      cols.ms.push(Number(tank.ms_id));
      cols.time.push(new Date(min(m)).toISOString());
      cols.net.push(net);
    }
  }
  await db.query(
    `insert into tank_readings (tank_id, measurement_system_id, time, net_volume_l, gross_volume_l, vcf, base_density_kg_m3, reference_temperature_c, source)
     select tank_id, ms_id, time, net, net, 1, 741.0, 20, 'prueba' from unnest($1::int[], $2::int[], $3::timestamptz[], $4::float8[]) as x(tank_id, ms_id, time, net)`,
    [cols.tank, cols.ms, cols.time, cols.net],
  );
  // Flow computers sampled every 20 s: gross and net (15 °C) totalizers, in_operation.
  const m: { tag: string[]; time: string[]; value: number[] } = { tag: [], time: [], value: [] };
  const push = (duct: string, t: number, gross: number, active: boolean) => {
    for (const [v, value] of [["volume_total_l", gross], ["net_volume_total_l", gross * 0.998], ["in_operation", active ? 1 : 0]] as const) {
      m.tag.push(`TDA-0001/${duct}/${v}`);
      m.time.push(new Date(t).toISOString());
      m.value.push(value);
    }
  };
  for (let s = 0; s <= 90 * 60; s += 20) {
    const mm = s / 60;
    push("DUC-CAR-0001", T0 + s * 1000, 500_000 + loaded(mm), mm > 10 && mm < 25);
    push("DUC-TRA-0001", T0 + s * 1000, 9_000_000 + received(mm), mm > 40 && mm < 65);
  }
  await db.query(
    "insert into measurements (time, tag, value, quality) select time, tag, value, 0 from unnest($1::timestamptz[], $2::text[], $3::float8[]) as x(time, tag, value)",
    [m.time, m.tag, m.value],
  );
}

describe.each(testEngines)("duct meter batches and the set-based writer on %s (A30-REC-01, A30-REC-04, A30-INC-01)", (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: mx("2026-11-01T00:00:00") });
    await seedTerminal(t.db);
    await runOperationDetection(t.db, new Date(min(95)));
  }, 60_000);
  afterAll(async () => t?.close());

  it("A30-REC-01: the loading is one delivery on DUC-CAR-0001 and on TQS-TDA-0002; the receipt one reception on DUC-TRA-0001 and TQS-TDA-0005 — not also a level-rise reception", async () => {
    const ops = await t.db.query<{ type: string; element_type: string; duct: string | null; tank: string; gross_volume: string; net_volume: string; start_at: Date | string; end_at: Date | string }>(
      `select o.type, o.element_type, d.key as duct, k.key as tank, o.gross_volume::text, o.net_volume::text, o.start_at, o.end_at
         from operations o join tanks k on k.id = o.tank_id left join ducts d on d.id = o.duct_id
         join installations i on i.id = o.installation_id where i.key = 'TDA-0001' order by o.end_at`,
    );
    expect(ops.map((o) => [o.type, o.element_type, o.duct, o.tank])).toEqual([
      ["delivery", "duct", "DUC-CAR-0001", "TQS-TDA-0002"],
      ["reception", "duct", "DUC-TRA-0001", "TQS-TDA-0005"],
    ]);
    expect(Number(ops[0]!.gross_volume)).toBeCloseTo(LOAD_L, 3);
    expect(new Date(ops[0]!.end_at).getTime()).toBe(min(25));
    expect(Number(ops[1]!.gross_volume)).toBeCloseTo(RECEIPT_L, 3);
    // Net at 20 °C = the flow computer's net at 15 °C × VCF(15 → 20 °C) > the 15 °C figure.
    expect(Number(ops[1]!.net_volume)).toBeGreaterThan(RECEIPT_L * 0.998);
    expect(Number(ops[1]!.net_volume)).toBeLessThan(RECEIPT_L * 0.998 * 1.008);
  });

  it("A30-INC-01: the cut of the day books both batches on their tanks: no finding on any terminal tank", async () => {
    await runCutForDate(t.db, "TDA-0001", "2026-11-01", mx("2026-11-02T00:01:00"));
    const findings = await t.db.query<{ component: string }>("select component from event_log where category = 7 and component like 'TQS-TDA-%'");
    const cut = await t.db.query<{ key: string; deliveries_volume: string; receptions_volume: string }>(
      `select k.key, c.deliveries_volume::text, c.receptions_volume::text from inventory_cuts c join tanks k on k.id = c.tank_id where k.key in ('TQS-TDA-0002', 'TQS-TDA-0005') order by k.key`,
    );
    expect(Number(cut[0]!.deliveries_volume)).toBeGreaterThan(LOAD_L * 0.99);
    expect(Number(cut[1]!.receptions_volume)).toBeGreaterThan(RECEIPT_L * 0.99);
    expect(findings).toEqual([]);
  });

  it("A30-REC-04 / A30-ALM-08: the set-based writer numbers new records consecutively, and a repeated source key is a duplicate (one type-4 alarm), never a number", async () => {
    const [inst] = await t.db.query<{ id: number }>("select id from installations where key = 'EDS-0001'");
    const [hose] = await t.db.query<{ id: number; dispenser_id: number; tank_id: number }>("select id, dispenser_id, tank_id from hoses order by id limit 1");
    const op = (i: number) => ({
      installationId: Number(inst!.id),
      type: "delivery" as const,
      elementType: "hose" as const,
      tankId: Number(hose!.tank_id),
      dispenserId: Number(hose!.dispenser_id),
      hoseId: Number(hose!.id),
      productKey: "PR07",
      startAt: new Date(min(200 + i)),
      endAt: new Date(min(200.5 + i)),
      grossVolume: 20,
      netVolume: 20,
      referenceTemperatureC: 20,
      status: "complete" as const,
      origin: "automatic" as const,
      sourceKey: `prueba:lote:${i}`,
      createdAt: new Date(min(300)),
    });
    const batch = [op(1), op(2), op(3), op(2), op(4)];
    const first = await t.db.transaction((tx) => storeAutomaticOperations(tx, batch, "MANGUERA", new Date(min(300))));
    expect(first.map((o) => o.kind)).toEqual(["created", "created", "created", "duplicate", "created"]);
    const numbers = first.filter((o) => o.kind === "created").map((o) => (o as { number: number }).number);
    expect(numbers).toEqual([numbers[0]!, numbers[0]! + 1, numbers[0]! + 2, numbers[0]! + 3]);
    const again = await t.db.transaction((tx) => storeAutomaticOperations(tx, batch, "MANGUERA", new Date(min(301))));
    expect(again.every((o) => o.kind === "duplicate")).toBe(true);
    const rows = await t.db.query<{ n: number; mx: number }>("select count(*)::int as n, max(number)::int as mx from operations where installation_id = $1", [Number(inst!.id)]);
    expect(rows[0]!.n).toBe(rows[0]!.mx); // 1…N, no gap
    const alarms = await t.db.query<{ n: number }>("select count(*)::int as n from alarms where source_key like 'operation-duplicate:%prueba:lote:%'");
    expect(alarms[0]!.n).toBe(4);
  });
});
