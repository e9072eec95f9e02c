import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { insertOperation, lockOperationRegister } from "../../../../../db/repositories/operations";
import { siteSchema, type Site } from "../../../../../server/contracts/site";
import { manualOperationSchema } from "../../../../../server/domain/operations/record";
import { assertValidReport } from "../../../../../server/domain/sat-report/report-rules";
import { runDueCuts } from "../../../../../server/services/inventory/daily-cut";
import { registerManualOperation } from "../../../../../server/services/operations/user-actions";
import { storeDailyReport } from "../../../../../server/services/sat-reports/daily";
import { storeMonthlyReport } from "../../../../../server/services/sat-reports/monthly";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";
import { runScheduledReports } from "../../../../../server/services/sat-reports/scheduled";

/**
 * Issue #6 item 7 (A30-RPT-01/02/04, A30-TYP-*): daily and monthly SAT reports of a pipeline
 * (Transporte, TRA), a distribution installation (Distribucion, DIS), a process station and a
 * refinery (Refinacion, REF), from records stored through the real paths: a synthetic site seeded
 * with `seedDemo`, tank operations registered by a supervisor as manual operations (A30-REC-07),
 * duct batches stored through the operations repository (manual registration covers tanks and
 * hoses only), CFDI linked by SQL, the daily cut job. Each stored report validates, names the
 * right TipoReporte and complement, and its receptions/deliveries equal plain SQL sums.
 *
 * TRA-0002 has transport ducts only: no tank, no inventory cut — its reports take the cut
 * schedule's period once closed.
 *
 * The site document only knows inlet/outlet ducts without a subproduct, so after seeding one UPDATE
 * turns the pipelines' and the distributor's ducts into transport / distribution ducts, and one
 * gives TRA-0002's product (registered from its duct) its subproduct.
 */
const SEED_AT = new Date("2026-11-28T18:00:00Z");
const CUTS_AT = new Date("2026-12-01T08:00:00Z");
const REPORT_DATE = "2026-11-30";
const MONTH = "2026-11";
/** 2026-11-30 local (America/Mexico_City, UTC−6) at `h` hours. */
const local = (h: number) => new Date(Date.UTC(2026, 10, 30, 6 + h, 0, 0));

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Kind = "pipeline" | "distribution" | "process_station" | "refinery";

interface Case {
  kind: Kind;
  key: string;
  code: string;
  tipo: string;
  /** null: a pipeline of transport ducts only (no tank, no inventory cut). */
  tankKey: string | null;
  duct: { key: string; direction: "inlet" | "outlet"; finalDirection: "inlet" | "outlet" | "transport" | "distribution" };
  permitModality: string;
  permitNumber: string;
}

const CASES: Case[] = [
  { kind: "pipeline", key: "TRA-0001", code: "TRA", tipo: "Transporte", tankKey: "TQS-TRA-0001", duct: { key: "DUC-TRA-0001", direction: "inlet", finalDirection: "transport" }, permitModality: "PER8", permitNumber: "PL/12345/TRA/DUC/2026" },
  { kind: "distribution", key: "DIS-0001", code: "DIS", tipo: "Distribucion", tankKey: "TQS-DIS-0001", duct: { key: "DUC-DIS-0001", direction: "outlet", finalDirection: "distribution" }, permitModality: "PER53", permitNumber: "PL/12346/DIS/DUC/2026" },
  { kind: "process_station", key: "REF-0002", code: "REF", tipo: "Refinacion", tankKey: "TQS-REF-0002", duct: { key: "DUC-DES-0002", direction: "inlet", finalDirection: "inlet" }, permitModality: "PER54", permitNumber: "SENER-REF-12-2026" },
  { kind: "pipeline", key: "TRA-0002", code: "TRA", tipo: "Transporte", tankKey: null, duct: { key: "DUC-TRA-0002", direction: "inlet", finalDirection: "transport" }, permitModality: "PER8", permitNumber: "PL/12347/TRA/DUC/2026" },
  { kind: "refinery", key: "REF-0001", code: "REF", tipo: "Refinacion", tankKey: "TQS-REF-0001", duct: { key: "DUC-CAR-0001", direction: "outlet", finalDirection: "outlet" }, permitModality: "PER54", permitNumber: "SENER-REF-13-2026" },
];

const SITE: Site = siteSchema.parse({
  taxpayer: { rfc: "EKU9003173C9", name: "Aforo Pruebas, S.A. de C.V.", legalRepresentativeRfc: "CACX7605101P8", providerRfcs: ["IIA040805DZ4"], character: "permisionario" },
  opcua: { port: 48999, namespaceUri: "urn:aforo:pruebas" },
  installations: CASES.map((c) => ({
    key: c.key,
    description: `Instalación de prueba ${c.kind}, Querétaro`,
    type: c.kind,
    permitModality: c.permitModality,
    permitNumber: c.permitNumber,
    latitude: 20.5888184,
    longitude: -100.3898881,
    timeZone: "America/Mexico_City",
    cutHour: "00:00",
    tanks: (c.tankKey ? [c.tankKey] : []).map((tankKey) => (
      {
        key: tankKey,
        description: `Tanque vertical de diésel de ${c.key}`,
        productKey: "PR03",
        subProductKey: "SP18",
        geometry: { kind: "vertical-cylinder", diameterMm: 10_000, heightMm: 8_000 },
        fondajeFraction: 0.02,
        operatingMaxFraction: 0.95,
        measurementSystemKey: `SME-${tankKey}`,
        density15KgM3: 840,
        initialFillFraction: 0.5,
        calibrationValidUntil: "2027-06-30",
      })),
    dispensers: [],
    ducts: [{ key: c.duct.key, description: `Ducto ${c.duct.key} de ${c.key}`, diameterIn: 8, direction: c.duct.direction, measurementSystemKey: `SMD-${c.duct.key}`, productKey: "PR03" }],
  })),
});

const CLIENT = { rfc: "CACX7605101P8", name: "Cliente Industrial del Centro, S.A. de C.V." };
const SUPPLIER = { rfc: "EWE1709045U0", name: "Proveedora de Combustibles del Bajío, S.A. de C.V." };

describe.each(testEngines)("SAT reports per installation type on %s (A30-RPT-01/02, A30-TYP)", (engine) => {
  let t: TestDatabase;

  async function linkCfdi(operationId: number, installationKey: string, uuid: string, type: "I" | "E" | "T", total: number, volume: number, unitPrice: number | null) {
    const [inst] = await t.db.query<{ id: number; taxpayer_id: number }>("select id, taxpayer_id from installations where key = $1", [installationKey]);
    const [row] = await t.db.query<{ id: number }>(
      `insert into cfdi (taxpayer_id, installation_id, uuid, version, type, purpose, issued_at, issuer_rfc, receiver_rfc, subtotal, total, currency, xml_sha256, xml)
       values ($1, $2, $3, '4.0', $4, 'service', $5, $6, $7, $8, $8, 'MXN', $9, '<cfdi:Comprobante/>') returning id`,
      [inst!.taxpayer_id, inst!.id, uuid.toUpperCase(), type, local(15), "EKU9003173C9", CLIENT.rfc, total.toFixed(2), uuid.replace(/-/g, "").padEnd(64, "0").slice(0, 64)],
    );
    if (unitPrice !== null) {
      await t.db.query(
        `insert into cfdi_concepts (cfdi_id, position, product_service_key, quantity, unit_key, unit_price, amount, description, volume, volume_unit)
         values ($1, 1, '78101500', $2, 'LTR', $3, $4, 'Servicio', $2, 'UM03')`,
        [row!.id, volume.toFixed(3), unitPrice.toFixed(6), total.toFixed(2)],
      );
    }
    await t.db.query("insert into cfdi_operation_links (cfdi_id, operation_id, volume_linked, unit) values ($1, $2, $3, 'UM03')", [row!.id, operationId, volume.toFixed(3)]);
  }

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, SITE, { now: SEED_AT });
    for (const c of CASES) {
      if (c.duct.finalDirection !== c.duct.direction) {
        await t.db.query("update ducts set direction = $1 where key = $2", [c.duct.finalDirection, c.duct.key]);
      }
    }
    // Site ducts carry no subproduct: a ducts-only installation gets PR03 without one; PR03 needs SP18 (diésel automotriz).
    await t.db.query(
      "update installation_products set sub_product_key = 'SP18' where product_key = 'PR03' and sub_product_key is null and installation_id = (select id from installations where key = 'TRA-0002')",
    );
    const [supervisor] = await t.db.query<{ id: number }>("select id from users where username = 'supervisor'");
    const actor = { userId: Number(supervisor!.id), username: "supervisor" };

    let n = 0;
    for (const c of CASES) {
      const [duct] = await t.db.query<{ id: number; installation_id: number; direction: string }>(
        "select d.id, d.installation_id, d.direction from ducts d where d.key = $1",
        [c.duct.key],
      );
      // Duct batches through the operations repository (no manual path for ducts).
      const ductBatch = (type: "reception" | "delivery", from: number, to: number, volume: number) =>
        t.db.transaction(async (tx) => {
          await lockOperationRegister(tx, Number(duct!.installation_id));
          return insertOperation(tx, {
            installationId: Number(duct!.installation_id),
            type,
            elementType: "duct",
            ductId: Number(duct!.id),
            productKey: "PR03",
            subProductKey: "SP18",
            startAt: local(from),
            endAt: local(to),
            netVolume: volume,
            temperatureC: 21,
            referenceTemperatureC: 20,
            counterpartyRfc: CLIENT.rfc,
            counterpartyName: CLIENT.name,
            status: "complete",
            origin: "automatic",
            sourceDevice: `prueba ${c.duct.key}`,
            createdAt: local(to),
          });
        });
      n += 1;
      const hex = String(n).padStart(2, "0");
      if (!c.tankKey) {
        // Transport ducts only: the shipper's injection and withdrawal.
        const injection = await ductBatch("reception", 9, 10, 20_000);
        const withdrawal = await ductBatch("delivery", 15, 16, 7_000.25);
        await linkCfdi(injection.id, c.key, `5f3c1a9e-2b7d-4e8a-9c61-0d4b7e2a8f${hex}`, "I", 15_000, 20_000, 0.75);
        await linkCfdi(withdrawal.id, c.key, `0c9a4e7b-3f12-4d86-a5b0-7e1f2c8d4a${hex}`, "I", 5_250.19, 7_000.25, null);
        continue;
      }
      const [tank] = await t.db.query<{ id: number; ms: number }>(
        "select k.id, m.id as ms from tanks k join installations i on i.id = k.installation_id join measurement_systems m on m.tank_id = k.id where i.key = $1 and k.key = $2",
        [c.key, c.tankKey],
      );
      // Stock readings around the day's movements (the report takes a manual operation's tank volumes from them).
      const readings: Array<[Date, number]> = [
        [new Date(SEED_AT.getTime() + 60_000), 200_000],
        [local(9), 200_000],
        [local(10), 220_000],
        [local(12), 220_000],
        [local(13), 207_999.5],
      ];
      for (const [time, volume] of readings) {
        await t.db.query("insert into tank_readings (tank_id, measurement_system_id, time, net_volume_l, reference_temperature_c, source) values ($1, $2, $3, $4, 20, 'prueba')", [
          tank!.id,
          tank!.ms,
          time,
          volume,
        ]);
      }
      const manual = (type: "reception" | "delivery", from: number, to: number, volume: number, party: { rfc: string; name: string }) =>
        registerManualOperation(
          t.db,
          manualOperationSchema.parse({
            installationKey: c.key,
            type,
            tankKey: c.tankKey,
            startAt: local(from).toISOString(),
            endAt: local(to).toISOString(),
            netVolume: volume,
            temperatureC: 20.5,
            counterpartyRfc: party.rfc,
            counterpartyName: party.name,
            justification: "Registro manual de prueba: el equipo no reportó la operación",
          }),
          actor,
          local(14),
        );
      const reception = await manual("reception", 9, 10, 20_000, c.kind === "pipeline" ? CLIENT : SUPPLIER);
      const delivery = await manual("delivery", 12, 13, 12_000.5, CLIENT);

      const ductOp = await ductBatch(duct!.direction === "inlet" ? "reception" : "delivery", 15, 16, 7_000.25);

      // CFDI: the reception's with a concept unit price; the duct batch's without one (fallback total / volume).
      await linkCfdi(reception.id, c.key, `5f3c1a9e-2b7d-4e8a-9c61-0d4b7e2a8f${hex}`, "I", c.kind === "pipeline" ? 15_000 : 420_000, 20_000, c.kind === "pipeline" ? 0.75 : 21);
      await linkCfdi(delivery.id, c.key, `b8e2d0f4-61a3-4c57-8e19-3a7c5d2e9b${hex}`, "T", 0, 12_000.5, null);
      await linkCfdi(ductOp.id, c.key, `0c9a4e7b-3f12-4d86-a5b0-7e1f2c8d4a${hex}`, "I", 5_250.19, 7_000.25, null);
    }

    await runDueCuts(t.db, CUTS_AT);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** Plain SQL sums of the current operations of an installation in [from, to). */
  async function rawSums(installationKey: string, from: Date, to: Date) {
    const rows = await t.db.query<{ type: string; n: number; total: string }>(
      `select o.type, count(*)::int as n, sum(o.net_volume)::text as total
         from operations o join installations i on i.id = o.installation_id
        where i.key = $1 and o.end_at >= $2 and o.end_at < $3
          and not exists (select 1 from operations s where s.supersedes_id = o.id)
        group by o.type`,
      [installationKey, from, to],
    );
    const pick = (type: string) => ({ n: rows.find((r) => r.type === type)?.n ?? 0, total: Number(rows.find((r) => r.type === type)?.total ?? 0) });
    return { receptions: pick("reception"), deliveries: pick("delivery") };
  }

  function complementTypes(value: unknown, out = new Set<string>()): Set<string> {
    if (Array.isArray(value)) value.forEach((v) => complementTypes(v, out));
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (k === "Complemento") for (const c of Array.isArray(v) ? v : [v]) out.add((c as Any).TipoComplemento);
        else complementTypes(v, out);
      }
    }
    return out;
  }

  it.each(CASES)("$key ($kind): daily report — $code, $tipo, totals equal the operations", async (c) => {
    const stored = await storeDailyReport(t.db, c.key, REPORT_DATE, { now: CUTS_AT }).catch((error: { errors?: unknown }) => {
      throw new Error(JSON.stringify(error.errors ?? error));
    });
    const report = stored.report as Any;
    const validation = assertValidReport("daily", report);
    expect(validation.ok ? [] : validation.errors.slice(0, 5)).toEqual([]);
    expect(stored.fileName).toMatch(new RegExp(`^D_[0-9a-f-]{36}_EKU9003173C9_IIA040805DZ4_${REPORT_DATE}_${c.key}_${c.code}_JSON$`));
    expect([...complementTypes(report)]).toEqual([c.tipo]);

    const raw = await rawSums(c.key, stored.periodStart, stored.cutAt);
    const elements = (report.Producto as Any[]).flatMap((p) => [...(p.Tanque ?? []), ...(p.Ducto ?? [])]);
    const rec = elements.reduce((a, e) => a + e.Recepciones.SumaVolumenRecepcion.ValorNumerico, 0);
    const del = elements.reduce((a, e) => a + e.Entregas.SumaVolumenEntregado.ValorNumerico, 0);
    const recN = elements.reduce((a, e) => a + e.Recepciones.TotalRecepciones, 0);
    const delN = elements.reduce((a, e) => a + e.Entregas.TotalEntregas, 0);
    expect(raw.receptions.n + raw.deliveries.n).toBe(c.tankKey ? 3 : 2);
    expect({ recN, delN }).toEqual({ recN: raw.receptions.n, delN: raw.deliveries.n });
    expect(rec).toBeCloseTo(raw.receptions.total, 3);
    expect(del).toBeCloseTo(raw.deliveries.total, 3);
    if (c.kind === "pipeline" || c.kind === "distribution") expect(report.NumeroDuctosTransporteDistribucion).toBe(1);
    else expect(report.NumeroDuctosEntradaSalida).toBe(1);

    // The complement's own CFDI field names (A30-RPT-01).
    const cfdis = JSON.stringify(report);
    if (c.kind === "pipeline") {
      expect(cfdis).toContain('"RfcCliente":"CACX7605101P8"');
      expect(cfdis).toContain('"TarifaDeTransporte":0.75');
    } else if (c.kind === "distribution") expect(cfdis).toContain('"PrecioVentaOCompraOContrap":420000');
    else expect(cfdis).toContain('"PrecioCompraOVenta":420000');
  });

  it.each(CASES)("$key ($kind): monthly report — $code, $tipo, totals equal the operations", async (c) => {
    const stored = await storeMonthlyReport(t.db, c.key, MONTH, { now: CUTS_AT }).catch((error: { errors?: unknown }) => {
      throw new Error(JSON.stringify(error.errors ?? error));
    });
    const report = stored.report as Any;
    const validation = assertValidReport("monthly", report);
    expect(validation.ok ? [] : validation.errors.slice(0, 5)).toEqual([]);
    expect(stored.fileName).toMatch(new RegExp(`^M_[0-9a-f-]{36}_EKU9003173C9_IIA040805DZ4_2026-11-30_${c.key}_${c.code}_JSON$`));
    expect([...complementTypes(report)]).toEqual([c.tipo]);

    const raw = await rawSums(c.key, stored.windowStart, stored.windowEnd);
    const monthly = (report.Producto as Any[]).map((p) => p.ReporteDeVolumenMensual);
    const rec = monthly.reduce((a, m) => a + m.Recepciones.SumaVolumenRecepcionMes.ValorNumerico, 0);
    const del = monthly.reduce((a, m) => a + m.Entregas.SumaVolumenEntregadoMes.ValorNumerico, 0);
    expect(monthly.reduce((a, m) => a + m.Recepciones.TotalRecepcionesMes, 0)).toBe(raw.receptions.n);
    expect(monthly.reduce((a, m) => a + m.Entregas.TotalEntregasMes, 0)).toBe(raw.deliveries.n);
    expect(rec).toBeCloseTo(raw.receptions.total, 3);
    expect(del).toBeCloseTo(raw.deliveries.total, 3);
    expect(monthly.reduce((a, m) => a + m.Recepciones.TotalDocumentosMes + m.Entregas.TotalDocumentosMes, 0)).toBe(c.tankKey ? 3 : 2);
    if (!c.tankKey) expect(stored.missingCutDates).toEqual([]);
  });

  it("the scheduled job also reports a pipeline without tanks (no inventory cut): its closed periods since registration, once each", async () => {
    const run = await runScheduledReports(t.db, CUTS_AT, { keyHex: "3c".repeat(32) });
    const tankless = (list: Array<{ installationKey: string; kind: string; period: string }>) => list.filter((g) => g.installationKey === "TRA-0002").map((g) => `${g.kind} ${g.period}`);
    expect(tankless(run.failed)).toEqual([]);
    // 30 November (daily) and November (monthly) were stored by the tests above; 28 and 29 November are new.
    expect(tankless(run.generated).sort()).toEqual(["daily 2026-11-28", "daily 2026-11-29"]);
    expect(tankless((await runScheduledReports(t.db, CUTS_AT, { keyHex: "3c".repeat(32) })).generated)).toEqual([]);
  });
});
