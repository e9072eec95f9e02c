import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../../db/client";
import { readEventLogRange } from "../../../../../db/repositories/event-log";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { verifyEventLogChain } from "../../../../../server/domain/event-log/index";
import { ProcessLossError, listProcessLosses, processLossInputSchema, recordProcessLoss, runCutForDate } from "../../../../../server/services/inventory/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/** Local Mexico City time (UTC−06:00) → Date. */
const mx = (local: string) => new Date(`${local}-06:00`);

async function tankIds(db: Database, tankKey: string) {
  const [row] = await db.query<{ installation_id: number; tank_id: number; ms_id: number }>(
    "select t.installation_id, t.id as tank_id, ms.id as ms_id from tanks t join measurement_systems ms on ms.tank_id = t.id and ms.kind = 'static' where t.key = $1",
    [tankKey],
  );
  return { installationId: Number(row!.installation_id), tankId: Number(row!.tank_id), msId: Number(row!.ms_id) };
}

let number = 0;
async function tankOperation(db: Database, tankKey: string, type: "reception" | "delivery", endLocal: string, volume: string) {
  const { installationId, tankId, msId } = await tankIds(db, tankKey);
  number += 1;
  const end = mx(endLocal);
  await db.query(
    `insert into operations (installation_id, number, type, element_type, tank_id, measurement_system_id, product_key, start_at, end_at, net_volume, unit,
                             reference_temperature_c, origin, counterparty_rfc)
     select $1, $2, $3, 'tank', $4, $5, t.product_key, $6, $7, $8, 'UM03', 20, 'automatic', 'AAA010101AAA' from tanks t where t.id = $4`,
    [installationId, number, type, tankId, msId, new Date(end.getTime() - 1_800_000).toISOString(), end.toISOString(), volume],
  );
}

async function sale(db: Database, hoseKey: string, endLocal: string, volume: string) {
  number += 1;
  const end = mx(endLocal);
  await db.query(
    `insert into operations (installation_id, number, type, element_type, tank_id, dispenser_id, hose_id, product_key, start_at, end_at, net_volume, unit,
                             reference_temperature_c, origin, counterparty_rfc)
     select d.installation_id, $1, 'delivery', 'hose', h.tank_id, d.id, h.id, h.product_key, $2, $3, $4, 'UM03', 20, 'automatic', 'XAXX010101000'
       from hoses h join dispensers d on d.id = h.dispenser_id where h.key = $5`,
    [number, new Date(end.getTime() - 120_000).toISOString(), end.toISOString(), volume, hoseKey],
  );
}

async function reading(db: Database, tankKey: string, local: string, netL: number) {
  const { tankId, msId } = await tankIds(db, tankKey);
  await db.query("insert into tank_readings (tank_id, measurement_system_id, time, net_volume_l, reference_temperature_c, source) values ($1, $2, $3, $4, 20, 'prueba')", [
    tankId,
    msId,
    mx(local).toISOString(),
    netL,
  ]);
}

const totalizer = (db: Database, hoseKey: string, local: string, value: number) =>
  db.query("insert into measurements (time, tag, value, quality) values ($1, $2, $3, 0)", [mx(local).toISOString(), `EDS-0001/${hoseKey}/volume_total_l`, value]);

describe.each(testEngines)("process losses and per-hose daily records on %s (A30-REC-08, A30-REC-02, A30-MS-20)", (engine) => {
  let t: TestDatabase;
  let supervisor: { userId: number; username: string };
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: mx("2026-11-01T00:00:00") });
    const [u] = await t.db.query<{ id: number }>("select id from users where username = 'supervisor'");
    supervisor = { userId: Number(u!.id), username: "supervisor" };
    // A30-INC-01 example 4 on TQS-EDS-0001 (with a loss) and the same movements on TQS-EDS-0002 (without).
    for (const tank of ["TQS-EDS-0001", "TQS-EDS-0002"]) {
      await reading(t.db, tank, "2026-11-01T00:00:00", 10100);
      await tankOperation(t.db, tank, "reception", "2026-11-01T09:55:00", "20000.000");
      await tankOperation(t.db, tank, "delivery", "2026-11-01T12:00:00", "11800.000");
    }
    await reading(t.db, "TQS-EDS-0001", "2026-11-01T23:59:00", 18100);
    await reading(t.db, "TQS-EDS-0002", "2026-11-01T23:59:00", 18250);
    // DISP-0004 hose 2 (tank TQS-EDS-0003): two sales on 11-01 and two on 11-02, totaliser series.
    await totalizer(t.db, "DISP-0004-MGA-0002", "2026-11-01T08:00:00", 5000);
    await sale(t.db, "DISP-0004-MGA-0002", "2026-11-01T10:00:00", "40.000");
    await sale(t.db, "DISP-0004-MGA-0002", "2026-11-01T18:00:00", "35.500");
    await totalizer(t.db, "DISP-0004-MGA-0002", "2026-11-01T23:59:00", 5075.5);
    await sale(t.db, "DISP-0004-MGA-0002", "2026-11-02T09:00:00", "60.000");
    await sale(t.db, "DISP-0004-MGA-0002", "2026-11-02T21:00:00", "40.250");
    await totalizer(t.db, "DISP-0004-MGA-0002", "2026-11-02T23:59:30", 5175.75);
    await reading(t.db, "TQS-EDS-0001", "2026-11-02T23:59:00", 18100);
  });
  afterAll(async () => t?.close());

  it("A30-REC-08: the input schema refuses a capture without method, justification or a valid date, with actionable messages", () => {
    const result = processLossInputSchema.safeParse({ tankKey: "TQS-EDS-0001", reportDate: "2026-02-30", volume: 0, method: "", justification: "corta" });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => i.message).join(" | ");
    expect(messages).toContain("Fecha inválida");
    expect(messages).toContain("mayor que cero");
    expect(messages).toContain("API MPMS 19");
    expect(messages).toContain("Justificación obligatoria");
  });

  it("A30-REC-08: a loss of 150.000 L for 2026-11-01 is stored with method and justification plus a bitácora entry", async () => {
    const input = processLossInputSchema.parse({
      tankKey: "TQS-EDS-0001",
      reportDate: "2026-11-01",
      volume: "150",
      method: "API MPMS 19",
      justification: "Evaporación estimada por temperatura ambiente alta durante la descarga",
    });
    const stored = await recordProcessLoss(t.db, input, supervisor, mx("2026-11-01T20:00:00"));
    expect(stored).toMatchObject({ installation: "EDS-0001", tank: "TQS-EDS-0001", reportDate: "2026-11-01", volume: "150.000", unit: "UM03", method: "API MPMS 19", createdBy: "supervisor", version: 1 });
    const [entry] = await t.db.query<{ description: string; username: string; category: number; component: string }>("select description, username, category, component from event_log where id = $1", [stored.eventLogId]);
    expect(entry).toMatchObject({ username: "supervisor", category: 5, component: "TQS-EDS-0001" });
    expect(entry!.description).toContain("Pérdida por proceso de 150.000 UM03 en TQS-EDS-0001 del 2026-11-01");
    expect((await listProcessLosses(t.db, { installationKey: "EDS-0001" })).map((l) => l.id)).toEqual([stored.id]);
    await expect(recordProcessLoss(t.db, { ...input, tankKey: "TQS-NOPE-0001" }, supervisor, mx("2026-11-01T20:01:00"))).rejects.toThrow("Tanque desconocido");
  });

  it("A30-REC-08 / A30-INC-01 example 4: the loss reduces the book stock of the 2026-11-01 cut by 150.000 L (18,150 vs 18,300 without it); measured 18,100 → no finding", async () => {
    const summary = await runCutForDate(t.db, "EDS-0001", "2026-11-01", mx("2026-11-02T00:01:00"));
    expect(summary).toMatchObject({ cuts: 1, records: 3, hoseRecords: 8 });
    const cuts = await t.db.query<{ tank: string; process_losses_volume: string; book_volume: string; measured_volume: string }>(
      `select t.key as tank, c.process_losses_volume::text, c.book_volume::text, c.measured_volume::text from inventory_cuts c join tanks t on t.id = c.tank_id
        where c.report_date = '2026-11-01' and t.key in ('TQS-EDS-0001', 'TQS-EDS-0002') order by t.key`,
    );
    expect(cuts).toEqual([
      { tank: "TQS-EDS-0001", process_losses_volume: "150.000", book_volume: "18150.000", measured_volume: "18100.000" },
      { tank: "TQS-EDS-0002", process_losses_volume: "0.000", book_volume: "18300.000", measured_volume: "18250.000" },
    ]);
    expect(Number(cuts[1]!.book_volume) - Number(cuts[0]!.book_volume)).toBe(150);
    expect(await t.db.query("select 1 from alarms where type = 2 and severity <> 'low' and component = 'TQS-EDS-0001'")).toHaveLength(0);
    // After the cut, a loss for that date cannot enter the stored book stock any more.
    await expect(
      recordProcessLoss(t.db, { tankKey: "TQS-EDS-0001", reportDate: "2026-11-01", volume: 10, method: "API MPMS 19", justification: "Pérdida capturada tarde a propósito" }, supervisor, mx("2026-11-02T08:00:00")),
    ).rejects.toBeInstanceOf(ProcessLossError);
  });

  it("A30-REC-02 / A30-MS-20: the cut stores one totaliser reading and one daily accumulation per hose, numbered after the tank records without gaps", async () => {
    const accs = await t.db.query<{ element_type: string; number: string | number; hose: string | null; dispenser: string | null; delivered_volume: string; delivery_count: number; ms: string | null }>(
      `select a.element_type, a.number, h.key as hose, d.key as dispenser, a.delivered_volume::text, a.delivery_count, ms.key as ms
         from daily_accumulations a join installations i on i.id = a.installation_id left join hoses h on h.id = a.hose_id
         left join dispensers d on d.id = a.dispenser_id left join measurement_systems ms on ms.id = a.measurement_system_id
        where i.key = 'EDS-0001' and a.report_date = '2026-11-01' order by a.number`,
    );
    expect(accs.map((a) => Number(a.number))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(accs.filter((a) => a.element_type === "tank")).toHaveLength(3);
    expect(accs.filter((a) => a.element_type === "hose")).toHaveLength(8);
    expect(accs.find((a) => a.hose === "DISP-0004-MGA-0002")).toMatchObject({ dispenser: "DISP-0004", delivered_volume: "75.500", delivery_count: 2, ms: "SMD-DISP-0004" });
    expect(accs.find((a) => a.hose === "DISP-0001-MGA-0001")).toMatchObject({ delivered_volume: "0.000", delivery_count: 0 });
    const [seq] = await t.db.query<{ last_value: string | number }>(
      "select last_value from record_sequences s join installations i on i.id = s.installation_id where s.register = 'daily_accumulation' and i.key = 'EDS-0001'",
    );
    expect(Number(seq!.last_value)).toBe(11);
    const readings = await t.db.query<{ hose: string; time: Date | string; totalizer_l: string; kind: string }>(
      "select h.key as hose, r.time, r.totalizer_l::text, r.kind from dispenser_totalizer_readings r join hoses h on h.id = r.hose_id where r.kind = 'cut'",
    );
    // Only the hose with a totaliser series has a reading to store.
    expect(readings.map((r) => [r.hose, new Date(r.time).toISOString(), r.totalizer_l])).toEqual([["DISP-0004-MGA-0002", "2026-11-02T06:00:00.000Z", "5075.500"]]);
  });

  it("A30-MS-20: on 2026-11-02 closing − opening totaliser of DISP-0004-MGA-0002 equals the sum of its sales (100.250 L); re-running adds nothing", async () => {
    expect(await runCutForDate(t.db, "EDS-0001", "2026-11-02", mx("2026-11-03T00:00:30"))).toMatchObject({ hoseRecords: 8 });
    const before = await t.db.query<{ n: number }>("select (select count(*) from daily_accumulations)::int + (select count(*) from dispenser_totalizer_readings)::int as n");
    expect(await runCutForDate(t.db, "EDS-0001", "2026-11-02", mx("2026-11-03T00:02:00"))).toMatchObject({ records: 0, hoseRecords: 0 });
    const after = await t.db.query<{ n: number }>("select (select count(*) from daily_accumulations)::int + (select count(*) from dispenser_totalizer_readings)::int as n");
    expect(after).toEqual(before);
    const cut = await t.db.query<{ totalizer_l: string }>(
      "select r.totalizer_l::text from dispenser_totalizer_readings r join hoses h on h.id = r.hose_id where h.key = 'DISP-0004-MGA-0002' and r.kind = 'cut' order by r.time",
    );
    expect(cut.map((r) => r.totalizer_l)).toEqual(["5075.500", "5175.750"]);
    const [acc] = await t.db.query<{ delivered_volume: string }>(
      "select a.delivered_volume::text from daily_accumulations a join hoses h on h.id = a.hose_id where h.key = 'DISP-0004-MGA-0002' and a.report_date = '2026-11-02'",
    );
    expect(acc!.delivered_volume).toBe("100.250");
    expect(Number(cut[1]!.totalizer_l) - Number(cut[0]!.totalizer_l)).toBeCloseTo(Number(acc!.delivered_volume), 3);
    const numbers = await t.db.query<{ number: string | number }>(
      "select a.number from daily_accumulations a join installations i on i.id = a.installation_id where i.key = 'EDS-0001' order by a.number",
    );
    expect(numbers.map((n) => Number(n.number))).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(verifyEventLogChain(await readEventLogRange(t.db, 1, 10_000))).toMatchObject({ ok: true });
  });
});
