import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../../db/client";
import { readEventLogRange } from "../../../../../db/repositories/event-log";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { verifyEventLogChain } from "../../../../../server/domain/event-log/index";
import { manualOperationSchema, operationCorrectionSchema } from "../../../../../server/domain/operations/index";
import {
  confirmOperation,
  correctOperation,
  linkTransportMeans,
  listOperations,
  recordAtgDelivery,
  registerManualOperation,
  runOperationDetection,
  tankCheckpointKey,
  type Actor,
} from "../../../../../server/services/operations/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const T0 = Date.UTC(2026, 10, 25, 15, 0, 0); // 2026-11-25 09:00 America/Mexico_City
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const TANKER_L = 20_000;
/** Sales of hose DISP-0001-MGA-0001 (on TQS-EDS-0001): 40 L/min during [a, b) minutes, then rest. */
const SALES: Array<[number, number]> = [
  [5, 6],
  [15, 17],
  [30, 31.5],
  [45, 47],
  [62, 63],
];
const SALE_LPM = 40;
const VCF = 0.99521;

function soldBetween(fromMin: number, toMin: number): number {
  let litres = 0;
  for (const [a, b] of SALES) litres += Math.max(0, Math.min(b, toMin) - Math.max(a, fromMin)) * SALE_LPM;
  return litres;
}

async function seedSeries(db: Database): Promise<void> {
  const [tank] = await db.query<{ id: number }>("select id from tanks where key = 'TQS-EDS-0001'");
  const tankId = Number(tank!.id);
  const rows: unknown[][] = [];
  for (let s = 0; s <= 80 * 60; s += 10) {
    const m = s / 60;
    const received = m <= 10 ? 0 : m >= 55 ? TANKER_L : (TANKER_L * (m - 10)) / 45;
    const noise = 6 * Math.sin(s * 1.7);
    const net = 12_000 + received - soldBetween(0, m) + noise;
    rows.push([tankId, new Date(T0 + s * 1000).toISOString(), net, net / VCF, 21.5]);
  }
  for (const r of rows) {
    await db.query(
      `insert into tank_readings (tank_id, time, net_volume_l, gross_volume_l, temperature_c, vcf, reference_temperature_c, source, algorithm_id, algorithm_version)
       values ($1, $2, $3, $4, $5, '${VCF}', 20, 'prueba', 'vcf-api11.1', '1.0.0')`,
      r,
    );
  }
  // Totalizer every 5 s.
  for (let s = 0; s <= 80 * 60; s += 5) {
    await db.query("insert into measurements (time, tag, value, quality) values ($1, $2, $3, 0)", [
      new Date(T0 + s * 1000).toISOString(),
      "EDS-0001/DISP-0001-MGA-0001/volume_total_l",
      3_000_000.25 + soldBetween(0, s / 60),
    ]);
  }
}

describe.each(testEngines)("operations register on %s (issue #4 item 1)", (engine) => {
  let t: TestDatabase;
  let operador: Actor;
  let supervisor: Actor;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: at(-60) });
    const users = await t.db.query<{ id: number; username: string }>("select id, username from users");
    const byName = (n: string) => ({ userId: Number(users.find((u) => u.username === n)!.id), username: n });
    operador = byName("operador");
    supervisor = byName("supervisor");
    await seedSeries(t.db);
  });
  afterAll(async () => t?.close());

  const current = async () => listOperations(t.db, { installationKey: "EDS-0001", limit: 1000 });

  it("A30-REC-01 / A30-MS-20: the job records one reception at the end of the discharge (sales compensated) and one delivery per sale", async () => {
    const summary = await runOperationDetection(t.db, at(90));
    expect(summary).toMatchObject({ receptions: 1, deliveries: SALES.length, duplicates: 0 });
    const ops = await current();
    const receptions = ops.filter((o) => o.type === "reception");
    expect(receptions).toHaveLength(1);
    const r = receptions[0]!;
    expect(r.tankKey).toBe("TQS-EDS-0001");
    expect(Math.abs(r.endAt.getTime() - at(55).getTime())).toBeLessThanOrEqual(30_000);
    expect(Math.abs(r.startAt.getTime() - at(10).getTime())).toBeLessThanOrEqual(30_000);
    // Δstock alone would be 20 000 − 140 L sold during the discharge; the metered sales are added back.
    expect(Math.abs(r.netVolume - TANKER_L)).toBeLessThan(25);
    expect(r.referenceTemperatureC).toBe(20);
    expect(r.temperatureC).toBeCloseTo(21.5, 3);
    expect(r.origin).toBe("automatic");
    expect(r.sourceDevice).toBe("UCC (algoritmo vcf-api11.1 v1.0.0)");
    // A30-REC-03: no supplier RFC → incomplete with the reason.
    expect(r.status).toBe("incomplete");
    expect(r.incompleteReasons).toEqual(["falta el RFC del proveedor"]);
    expect((r.rawData!.meteredOutflow as { grossL: number }).grossL).toBeCloseTo(soldBetween(10, 55), 0);
    expect((r.rawData!.samples as { sampleCount: number }).sampleCount).toBeGreaterThan(100);

    const deliveries = ops.filter((o) => o.type === "delivery").sort((a, b) => a.endAt.getTime() - b.endAt.getTime());
    expect(deliveries.map((d) => d.grossVolume)).toEqual(SALES.map(([a, b]) => (b - a) * SALE_LPM));
    expect(deliveries.every((d) => d.hoseKey === "DISP-0001-MGA-0001" && d.counterpartyRfc === "XAXX010101000" && d.status === "complete")).toBe(true);
    expect(deliveries[0]!.netVolume).toBeCloseTo(40 * VCF, 3);
    expect(deliveries.at(-1)!.totalizerAfter).toBeCloseTo(3_000_000.25 + soldBetween(0, 80), 3);
    // A30-MS-20: the sale readings of the totalizer, one per sale.
    const readings = await t.db.query<{ n: number }>("select count(*)::int as n from dispenser_totalizer_readings where kind = 'sale' and operation_id is not null");
    expect(readings[0]!.n).toBe(SALES.length);
    // A30-REC-04: numbers 1…N without gaps, ordered as stored.
    expect(ops.map((o) => o.number).sort((a, b) => a - b)).toEqual(Array.from({ length: ops.length }, (_, i) => i + 1));
  });

  it("A30-REC-01: running the job again stores nothing new (checkpoint)", async () => {
    const before = (await current()).length;
    const summary = await runOperationDetection(t.db, at(95));
    expect(summary).toMatchObject({ receptions: 0, deliveries: 0, duplicates: 0 });
    expect(await current()).toHaveLength(before);
  });

  it("A30-ALM-08: reprocessing the same readings stores the reception once and raises ONE type-4 alarm", async () => {
    const [tank] = await t.db.query<{ id: number }>("select id from tanks where key = 'TQS-EDS-0001'");
    const before = (await current()).length;
    for (let i = 0; i < 2; i++) {
      await t.db.query("delete from app_settings where key = $1", [tankCheckpointKey(Number(tank!.id))]);
      const summary = await runOperationDetection(t.db, at(100 + i));
      expect(summary).toMatchObject({ receptions: 0, duplicates: 1 });
    }
    expect(await current()).toHaveLength(before);
    const alarms = await t.db.query<{ type: number; component: string; description: string }>("select type, component, description from alarms where type = 4");
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.component).toBe("TQS-EDS-0001");
    expect(alarms[0]!.description).toContain("Operación duplicada");
  });

  it("A30-REC-01 / A30-ALM-08: a Veeder-Root delivery report is one reception; the same report twice is stored once; an overlapping one is matched", async () => {
    const report = {
      installationKey: "EDS-0001",
      tankKey: "TQS-EDS-0002",
      key: "2@2611251130",
      startTime: at(150),
      endTime: at(180),
      startVolumeL: 10_000,
      endVolumeL: 29_900,
      startTcVolumeL: 9_960,
      endTcVolumeL: 29_780,
      startTemperatureC: 21,
      endTemperatureC: 22,
      raw: "02261125113026112512000a...",
      source: "CANAL:TLS-EDS-0001 (terciario)",
    };
    const first = await recordAtgDelivery(t.db, report, at(181));
    expect(first.kind).toBe("created");
    const second = await recordAtgDelivery(t.db, report, at(182));
    expect(second.kind).toBe("duplicate");
    const stored = (await current()).filter((o) => o.tankKey === "TQS-EDS-0002");
    expect(stored).toHaveLength(1);
    expect(stored[0]!.grossVolume).toBe(19_900);
    expect(stored[0]!.rawData!.report).toMatchObject({ key: "2@2611251130", raw: report.raw });
    // No tank readings for TQS-EDS-0002: the console's compensated volume is kept and the record says so.
    expect(stored[0]!.status).toBe("incomplete");
    expect(stored[0]!.incompleteReasons).toHaveLength(2);
    const alarms = await t.db.query("select 1 from alarms where type = 4 and component = 'TQS-EDS-0002'");
    expect(alarms).toHaveLength(1);

    const overlapping = await recordAtgDelivery(t.db, { ...report, tankKey: "TQS-EDS-0001", key: "1@2611250910", startTime: at(10), endTime: at(55) }, at(183));
    expect(overlapping.kind).toBe("matched");
    expect((await current()).filter((o) => o.type === "reception" && o.tankKey === "TQS-EDS-0001")).toHaveLength(1);
  });

  it("A30-REC-07: an Operador registers a manual reception with justification: origin manual, user, bitácora entry", async () => {
    const input = manualOperationSchema.parse({
      installationKey: "EDS-0001",
      type: "reception",
      tankKey: "TQS-EDS-0003",
      startAt: "2026-11-25T12:00:00-06:00",
      endAt: "2026-11-25T12:40:00-06:00",
      netVolume: "1000",
      grossVolume: 1004.2,
      temperatureC: 22.1,
      counterpartyRfc: "xaxx010101000",
      justification: "La sonda del tanque estuvo fuera de servicio durante la descarga",
    });
    const stored = await registerManualOperation(t.db, input, operador, at(240));
    const op = (await current()).find((o) => o.id === stored.id)!;
    expect(op).toMatchObject({ origin: "manual", createdByUsername: "operador", netVolume: 1000, counterpartyRfc: "XAXX010101000", status: "complete" });
    expect(op.justification).toContain("fuera de servicio");
    const [entry] = await t.db.query<{ category: number; username: string; description: string; details: unknown }>(
      "select category, username, description, details from event_log where id = $1",
      [stored.eventLogId],
    );
    expect(entry).toMatchObject({ category: 5, username: "operador" });
    expect(entry!.description).toContain("Registro manual de recepción de 1000.000 L en TQS-EDS-0003");
    const links = await t.db.query("select 1 from event_log_links where operation_id = $1 and event_log_id = $2", [stored.id, stored.eventLogId]);
    expect(links).toHaveLength(1);
    // Validation messages a person can act on.
    const bad = manualOperationSchema.safeParse({ ...input, justification: "no", netVolume: -5, counterpartyRfc: "123" });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => i.message).join(" | ");
    expect(messages).toContain("Justificación obligatoria");
    expect(messages).toContain("RFC inválido");
  });

  it("A30-LOG-10: correcting the counterparty RFC creates version 2 (same number) and a bitácora entry with old and new values", async () => {
    const manual = (await current()).find((o) => o.origin === "manual")!;
    const result = await correctOperation(
      t.db,
      manual.id,
      operationCorrectionSchema.parse({ counterpartyRfc: "GPA200101NL1", reason: "El CFDI del proveedor trae su RFC" }),
      supervisor,
      at(250),
    );
    expect(result.version).toBe(2);
    expect(result.number).toBe(manual.number);
    const now = (await current()).filter((o) => o.number === manual.number);
    expect(now).toHaveLength(1);
    expect(now[0]).toMatchObject({ version: 2, supersedesId: manual.id, counterpartyRfc: "GPA200101NL1", correctionReason: "El CFDI del proveedor trae su RFC", origin: "manual" });
    expect(now[0]!.netVolume).toBe(1000);
    const [entry] = await t.db.query<{ description: string; details: { changes: unknown[]; reason: string } | string; username: string }>(
      "select description, details, username from event_log where id = $1",
      [result.eventLogId],
    );
    const details = typeof entry!.details === "string" ? JSON.parse(entry!.details) : entry!.details;
    expect(details.changes).toEqual([{ field: "counterpartyRfc", before: "XAXX010101000", after: "GPA200101NL1" }]);
    expect(entry!.username).toBe("supervisor");
    expect(entry!.description).toContain("XAXX010101000 → GPA200101NL1");
    // The old version is still stored, untouched.
    const versions = await t.db.query<{ version: number; counterparty_rfc: string }>("select version, counterparty_rfc from operations where number = $1 and installation_id = $2 order by version", [manual.number, manual.installationId]);
    expect(versions.map((v) => [v.version, v.counterparty_rfc])).toEqual([
      [1, "XAXX010101000"],
      [2, "GPA200101NL1"],
    ]);
  });

  it("A30-REC-03 / A30-REC-05: completing the supplier RFC of a detected reception makes it complete; the autotanque link is a new version", async () => {
    const reception = (await current()).find((o) => o.type === "reception" && o.tankKey === "TQS-EDS-0001")!;
    await correctOperation(t.db, reception.id, { counterpartyRfc: "GPA200101NL1", reason: "RFC del proveedor según la remisión" }, supervisor, at(260));
    // Passing an old version's id acts on the current version.
    const linked = await linkTransportMeans(t.db, reception.id, "TQS-ATQ-1234", null, "Autotanque de la remisión 5531", operador, at(261));
    expect(linked.version).toBe(3);
    const op = (await current()).find((o) => o.number === reception.number)!;
    expect(op).toMatchObject({ status: "complete", incompleteReasons: [], counterpartyRfc: "GPA200101NL1", transportMeansKey: "TQS-ATQ-1234", version: 3 });
    const confirmed = await confirmOperation(t.db, reception.id, operador, "revisada contra la remisión", at(262));
    expect(confirmed.operationId).toBe(op.id);
    await expect(correctOperation(t.db, reception.id, { transportMeansKey: "TQS-ATQ-1234", reason: "sin cambio" }, operador, at(263))).rejects.toThrow("no cambia");
  });

  it("A30-REC-04: current records of the installation are numbered 1…N without gaps; the bitácora chain verifies", async () => {
    const ops = await current();
    expect(ops.map((o) => o.number).sort((a, b) => a - b)).toEqual(Array.from({ length: ops.length }, (_, i) => i + 1));
    const [seq] = await t.db.query<{ last_value: number }>("select last_value from record_sequences where register = 'operation' and installation_id = $1", [ops[0]!.installationId]);
    expect(Number(seq!.last_value)).toBe(ops.length);
    const chain = verifyEventLogChain(await readEventLogRange(t.db, 1, 10_000));
    expect(chain.ok).toBe(true);
  });
});
