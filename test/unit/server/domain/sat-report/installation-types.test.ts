/**
 * Daily and monthly SAT reports for the installation kinds beyond service stations and storage
 * terminals (issue #6 item 7, A30-RPT-01/02/04, A30-TYP-*): a pipeline (Transporte), a
 * distribution installation (Distribucion), a process station and a refinery (Refinacion). Each
 * hand-made snapshot yields reports that pass `assertValidReport`, with the complement's own
 * Nacional/CFDI field names; a CFDI without a unit price uses the documented fallback (total /
 * linked volume) or, without a linked volume either, is refused with a clear message.
 */
import { describe, expect, it } from "vitest";

import {
  COMPLEMENT_BY_INSTALLATION_TYPE,
  DailyReportBuildError,
  buildDailyReport,
  type DailyReportSnapshot,
  type DailySnapshotCfdi,
  type DailySnapshotDuct,
  type DailySnapshotOperation,
  type DailySnapshotTank,
} from "../../../../../server/domain/sat-report/daily-builder";
import { MonthlyReportBuildError, buildMonthlyReport, type MonthlyReportSnapshot } from "../../../../../server/domain/sat-report/monthly-builder";
import { assertValidReport } from "../../../../../server/domain/sat-report/report-rules";
import { testTaxpayer } from "../../../../helpers/sat-report-fixtures";

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Kind = "pipeline" | "distribution" | "process_station" | "refinery";

const TZ = "America/Mexico_City";
const PERIOD_START = new Date("2026-11-30T06:00:00Z");
const CUT_AT = new Date("2026-12-01T06:00:00Z");

const CLIENT = { counterpartyRfc: "CACX7605101P8", counterpartyName: "Cliente Industrial del Centro, S.A. de C.V.", counterpartyPermit: null };
const SUPPLIER = { counterpartyRfc: "EWE1709045U0", counterpartyName: "Proveedora de Combustibles del Bajío, S.A. de C.V.", counterpartyPermit: "H/12345/COM/2019" };

function op(partial: Partial<DailySnapshotOperation> & Pick<DailySnapshotOperation, "id" | "number" | "type" | "elementType" | "netVolume" | "endAt">): DailySnapshotOperation {
  return {
    satRecordType: "D",
    tankId: null,
    ductId: null,
    dispenserId: null,
    hoseId: null,
    productKey: "PR03",
    subProductKey: "SP18",
    startAt: new Date(partial.endAt.getTime() - 3_600_000),
    elementVolumeBefore: null,
    elementVolumeAfter: null,
    temperatureC: 20.5,
    pressureAbsKpa: null,
    referencePressureKpa: 101.325,
    counterpartyRfc: null,
    counterpartyName: null,
    counterpartyPermit: null,
    totalizerAfter: null,
    amountMxn: null,
    clarification: null,
    cfdis: [],
    ...partial,
  };
}

const cfdi = (uuid: string, type: string, total: number, unitPrice: number | null, volumeLinked: number): DailySnapshotCfdi => ({
  uuid,
  type,
  issuedAt: new Date("2026-11-30T20:00:00Z"),
  total,
  unitPrice,
  volumeLinked,
  unit: "UM03",
});

const meter = (key: string) => ({ key, description: `Medidor ${key}`, calibrationValidUntil: "2027-06-30", uncertaintyPct: 0.3 });

function tank(prefix: string, opening: number, receptions: number, deliveries: number): DailySnapshotTank {
  return {
    id: 1,
    key: `TQS-${prefix}-0001`,
    description: "Tanque vertical de diésel",
    productKey: "PR03",
    subProductKey: "SP18",
    capacityTotal: 500_000,
    capacityOperating: 480_000,
    capacityUseful: 470_000,
    capacityFondaje: 10_000,
    capacityGasTalon: null,
    minimumOperatingVolume: 10_000,
    calibrationValidUntil: "2027-06-30",
    status: "O",
    meters: [meter(`SME-TQS-${prefix}-0001`)],
    cut: {
      periodStart: PERIOD_START,
      cutAt: CUT_AT,
      openingVolume: opening,
      openingMeasuredAt: PERIOD_START,
      receptionsVolume: receptions,
      deliveriesVolume: deliveries,
      bookVolume: opening + receptions - deliveries,
    },
  };
}

const duct = (id: number, key: string, direction: DailySnapshotDuct["direction"]): DailySnapshotDuct => ({
  id,
  key,
  description: `Ducto ${key}`,
  diameterIn: 8,
  gasTalonCapacityM3: null,
  direction,
  productKey: "PR03",
  meters: [meter(`SMD-${key}`)],
});

const INSTALLATION: Record<Kind, { key: string; permitModality: string; permitNumber: string }> = {
  pipeline: { key: "TRA-0001", permitModality: "PER8", permitNumber: "PL/12345/TRA/DUC/2026" },
  distribution: { key: "DIS-0001", permitModality: "PER53", permitNumber: "PL/12345/DIS/DUC/2026" },
  process_station: { key: "REF-0002", permitModality: "PER54", permitNumber: "SENER-REF-12-2026" },
  refinery: { key: "REF-0001", permitModality: "PER54", permitNumber: "SENER-REF-12-2026" },
};

/** One installation of `kind` with one reception and two deliveries, each with a CFDI. */
function dailySnapshot(kind: Kind): DailyReportSnapshot {
  const inst = INSTALLATION[kind];
  const at = (h: number) => new Date(PERIOD_START.getTime() + h * 3_600_000);
  let tanks: DailySnapshotTank[] = [];
  let ducts: DailySnapshotDuct[] = [];
  let operations: DailySnapshotOperation[];
  if (kind === "pipeline") {
    // Transport duct only: injection by the shipper, two withdrawals (A30-TYP: transporte por ducto).
    ducts = [duct(1, "DUC-TRA-0001", "transport")];
    operations = [
      op({ id: 1, number: 11, type: "reception", elementType: "duct", ductId: 1, netVolume: 20000, endAt: at(3), ...CLIENT, cfdis: [cfdi("5f3c1a9e-2b7d-4e8a-9c61-0d4b7e2a8f13", "I", 15000, 0.75, 20000)] }),
      op({ id: 2, number: 12, type: "delivery", elementType: "duct", ductId: 1, netVolume: 12000.5, endAt: at(8), ...CLIENT, cfdis: [cfdi("b8e2d0f4-61a3-4c57-8e19-3a7c5d2e9b40", "I", 9000, null, 12000)] }),
      op({ id: 3, number: 13, type: "delivery", elementType: "duct", ductId: 1, netVolume: 7000, endAt: at(12), ...CLIENT, cfdis: [cfdi("0c9a4e7b-3f12-4d86-a5b0-7e1f2c8d4a69", "T", 0, null, 7000)] }),
    ];
  } else if (kind === "distribution") {
    tanks = [tank(inst.key.slice(0, 3), 100_000, 20000, 19000.5)];
    ducts = [duct(1, "DUC-DIS-0001", "distribution")];
    operations = [
      op({ id: 1, number: 11, type: "reception", elementType: "tank", tankId: 1, netVolume: 20000, elementVolumeBefore: 100_000, elementVolumeAfter: 120_000, endAt: at(3), ...SUPPLIER, cfdis: [cfdi("5f3c1a9e-2b7d-4e8a-9c61-0d4b7e2a8f13", "I", 420000, 21, 20000)] }),
      op({ id: 2, number: 12, type: "delivery", elementType: "tank", tankId: 1, netVolume: 12000.5, elementVolumeBefore: 120_000, elementVolumeAfter: 107_999.5, endAt: at(8), ...CLIENT, cfdis: [cfdi("b8e2d0f4-61a3-4c57-8e19-3a7c5d2e9b40", "I", 276011.5, null, 12000.5)] }),
      op({ id: 3, number: 13, type: "delivery", elementType: "tank", tankId: 1, netVolume: 7000, elementVolumeBefore: 107_999.5, elementVolumeAfter: 100_999.5, endAt: at(12), ...CLIENT, cfdis: [cfdi("0c9a4e7b-3f12-4d86-a5b0-7e1f2c8d4a69", "T", 0, null, 7000)] }),
      op({ id: 4, number: 14, type: "delivery", elementType: "duct", ductId: 1, netVolume: 7000, endAt: at(12), ...CLIENT, cfdis: [cfdi("0c9a4e7b-3f12-4d86-a5b0-7e1f2c8d4a69", "T", 0, null, 7000)] }),
    ];
  } else {
    tanks = [tank(inst.key.slice(0, 3), 100_000, 20000, 19000.5)];
    ducts = [duct(1, "DUC-DES-0001", "inlet"), duct(2, "DUC-CAR-0001", "outlet")];
    operations = [
      op({ id: 1, number: 11, type: "reception", elementType: "tank", tankId: 1, netVolume: 20000, elementVolumeBefore: 100_000, elementVolumeAfter: 120_000, endAt: at(3), ...SUPPLIER, cfdis: [cfdi("5f3c1a9e-2b7d-4e8a-9c61-0d4b7e2a8f13", "I", 420000, 21, 20000)] }),
      op({ id: 2, number: 12, type: "delivery", elementType: "tank", tankId: 1, netVolume: 12000.5, elementVolumeBefore: 120_000, elementVolumeAfter: 107_999.5, endAt: at(8), ...CLIENT, cfdis: [cfdi("b8e2d0f4-61a3-4c57-8e19-3a7c5d2e9b40", "E", 1200, null, 12000.5)] }),
      op({ id: 3, number: 13, type: "delivery", elementType: "tank", tankId: 1, netVolume: 7000, elementVolumeBefore: 107_999.5, elementVolumeAfter: 100_999.5, endAt: at(12), ...CLIENT, cfdis: [cfdi("0c9a4e7b-3f12-4d86-a5b0-7e1f2c8d4a69", "T", 0, 0, 7000)] }),
      op({ id: 4, number: 14, type: "reception", elementType: "duct", ductId: 1, netVolume: 20000, endAt: at(3), ...SUPPLIER }),
    ];
  }
  return {
    softwareVersion: "1.0",
    taxpayer: testTaxpayer(),
    installation: {
      key: inst.key,
      description: `Instalación ${kind} de prueba, Querétaro`,
      type: kind,
      permitModality: inst.permitModality,
      permitNumber: inst.permitNumber,
      contractOrAssignmentNumber: null,
      naturalGasStorageInstallation: null,
      latitude: 20.5888184,
      longitude: -100.3898881,
      timeZone: TZ,
      wellCount: 0,
    },
    reportDate: "2026-11-30",
    cutAt: CUT_AT,
    products: [{ productKey: "PR03", subProductKey: "SP18", unit: "UM03" }],
    tanks,
    ducts,
    dispensers: [],
    operations,
    bitacora: [{ number: 1, time: new Date("2026-11-30T12:00:00Z"), username: "sistema", eventType: 5, description: "Generación del corte diario", component: null }],
  };
}

function monthlySnapshot(kind: Kind): MonthlyReportSnapshot {
  const d = dailySnapshot(kind);
  return {
    softwareVersion: d.softwareVersion,
    taxpayer: d.taxpayer,
    installation: d.installation,
    month: "2026-11",
    reportedAt: new Date("2026-12-01T06:15:00Z"),
    products: d.products,
    tanks: d.tanks.map((t) => ({
      id: t.id,
      key: t.key,
      productKey: t.productKey,
      subProductKey: t.subProductKey,
      status: t.status,
      cuts: t.cut
        ? [{ reportDate: "2026-11-30", periodStart: t.cut.periodStart, cutAt: t.cut.cutAt, openingVolume: t.cut.openingVolume, receptionsVolume: t.cut.receptionsVolume, deliveriesVolume: t.cut.deliveriesVolume, bookVolume: t.cut.bookVolume }]
        : [],
    })),
    ductCounts: {
      inletOutlet: d.ducts.filter((x) => x.direction === "inlet" || x.direction === "outlet").length,
      transportDistribution: d.ducts.filter((x) => x.direction === "transport" || x.direction === "distribution").length,
    },
    dispenserCount: 0,
    operations: d.operations,
    bitacora: d.bitacora,
  };
}

/** Every complement object of a report. */
function complements(value: unknown, out: Any[] = []): Any[] {
  if (Array.isArray(value)) value.forEach((v) => complements(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "Complemento") (Array.isArray(v) ? v : [v]).forEach((c) => out.push(c as Any));
      else complements(v, out);
    }
  }
  return out;
}

const EXPECTED: Record<Kind, { tipo: string; nacional: string[]; price: string }> = {
  pipeline: { tipo: "Transporte", nacional: ["RfcCliente", "NombreCliente"], price: "TarifaDeTransporte" },
  distribution: { tipo: "Distribucion", nacional: ["RfcClienteOProveedor", "NombreClienteOProveedor"], price: "PrecioVentaOCompraOContrap" },
  process_station: { tipo: "Refinacion", nacional: ["RfcClienteOProveedor", "NombreClienteOProveedor"], price: "PrecioCompraOVenta" },
  refinery: { tipo: "Refinacion", nacional: ["RfcClienteOProveedor", "NombreClienteOProveedor"], price: "PrecioCompraOVenta" },
};

describe.each(["pipeline", "distribution", "process_station", "refinery"] as const)("%s reports (A30-RPT-01/02, A30-TYP)", (kind) => {
  const expected = EXPECTED[kind];

  it(`maps to the ${expected.tipo} complement`, () => {
    expect(COMPLEMENT_BY_INSTALLATION_TYPE[kind]).toBe(expected.tipo);
  });

  it("A30-RPT-04: the daily report validates, with the complement's own field names", () => {
    const report = buildDailyReport(dailySnapshot(kind)) as Any;
    const result = assertValidReport("daily", report);
    expect(result.ok ? [] : result.errors).toEqual([]);
    const all = complements(report);
    expect(all.length).toBeGreaterThan(0);
    for (const c of all) {
      expect(c.TipoComplemento).toBe(expected.tipo);
      for (const n of c.Nacional) {
        expect(Object.keys(n)).toEqual(expect.arrayContaining(expected.nacional));
        for (const item of n.CFDIs ?? []) expect(item).toHaveProperty(expected.price);
      }
    }
  });

  it("A30-RPT-04: the monthly report validates, totals equal the operations", () => {
    const s = monthlySnapshot(kind);
    const report = buildMonthlyReport(s) as Any;
    const result = assertValidReport("monthly", report);
    expect(result.ok ? [] : result.errors).toEqual([]);
    const m = report.Producto[0].ReporteDeVolumenMensual;
    const sum = (type: string) => s.operations.filter((o) => o.type === type).reduce((a, o) => a + o.netVolume, 0);
    expect(m.Recepciones.SumaVolumenRecepcionMes.ValorNumerico).toBeCloseTo(sum("reception"), 5);
    expect(m.Entregas.SumaVolumenEntregadoMes.ValorNumerico).toBeCloseTo(sum("delivery"), 5);
    for (const c of [...m.Recepciones.Complemento, ...m.Entregas.Complemento]) {
      expect(c.TipoComplemento).toBe(expected.tipo);
      for (const n of c.Nacional ?? []) for (const item of n.CFDIs ?? []) expect(item).toHaveProperty(expected.price);
    }
  });
});

describe("complement price interpretations and refusals", () => {
  it("Transporte: Contraprestacion = total, TarifaDeTransporte = unit price, else total / linked volume", () => {
    const report = buildDailyReport(dailySnapshot("pipeline")) as Any;
    const d = report.Producto[0].Ducto[0];
    expect(report.NumeroDuctosTransporteDistribucion).toBe(1);
    expect(d.Recepciones.Recepcion[0].Complemento.Nacional[0]).toMatchObject({ RfcCliente: "CACX7605101P8" });
    expect(d.Recepciones.Recepcion[0].Complemento.Nacional[0]).not.toHaveProperty("RfcClienteOProveedor");
    expect(d.Recepciones.Recepcion[0].Complemento.Nacional[0].CFDIs[0]).toMatchObject({ TipoCfdi: "Ingreso", Contraprestacion: 15000, TarifaDeTransporte: 0.75 });
    // Documented fallback: no concept unit price → 9000 / 12000.
    expect(d.Entregas.Entrega[0].Complemento.Nacional[0].CFDIs[0]).toMatchObject({ Contraprestacion: 9000, TarifaDeTransporte: 0.75 });
  });

  it("Transporte: a CFDI without unit price nor linked volume is refused (daily and monthly)", () => {
    const s = dailySnapshot("pipeline");
    s.operations[1]!.cfdis = [cfdi("b8e2d0f4-61a3-4c57-8e19-3a7c5d2e9b40", "I", 9000, null, 0)];
    try {
      buildDailyReport(s);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DailyReportBuildError);
      expect((error as DailyReportBuildError).issues).toEqual([
        "el CFDI b8e2d0f4-61a3-4c57-8e19-3a7c5d2e9b40 del registro 12 no tiene precio unitario ni volumen vinculado: no se puede expresar TarifaDeTransporte, PrecioVenta del complemento Transporte",
      ]);
    }
    const m = monthlySnapshot("pipeline");
    m.operations[1]!.cfdis = [cfdi("b8e2d0f4-61a3-4c57-8e19-3a7c5d2e9b40", "I", 9000, null, 0)];
    expect(() => buildMonthlyReport(m)).toThrow(MonthlyReportBuildError);
    expect(() => buildMonthlyReport(m)).toThrow(/TarifaDeTransporte/);
  });

  it("Distribucion: PrecioVentaOCompraOContrap = CFDI total, also for Traslado; no unit price needed", () => {
    const s = dailySnapshot("distribution");
    s.operations[1]!.cfdis = [cfdi("b8e2d0f4-61a3-4c57-8e19-3a7c5d2e9b40", "I", 276011.5, null, 0)];
    const report = buildDailyReport(s) as Any;
    expect(assertValidReport("daily", report).ok).toBe(true);
    const t = report.Producto[0].Tanque[0];
    expect(t.Recepciones.Recepcion[0].Complemento.Nacional[0]).toMatchObject({ PermisoClienteOProveedor: "H/12345/COM/2019" });
    expect(t.Entregas.Entrega[0].Complemento.Nacional[0].CFDIs[0]).toMatchObject({ TipoCfdi: "Ingreso", PrecioVentaOCompraOContrap: 276011.5 });
    expect(t.Entregas.Entrega[1].Complemento.Nacional[0].CFDIs[0]).toMatchObject({ TipoCfdi: "Traslado", PrecioVentaOCompraOContrap: 0 });
    expect(report.Producto[0].Ducto[0].Entregas.TotalEntregas).toBe(1);
  });

  it("Refinacion: PrecioCompraOVenta = total; an Egreso without unit price nor volume is refused", () => {
    const report = buildDailyReport(dailySnapshot("refinery")) as Any;
    const t = report.Producto[0].Tanque[0];
    expect(t.Recepciones.Recepcion[0].Complemento.Nacional[0].CFDIs[0]).toEqual({
      Cfdi: "5f3c1a9e-2b7d-4e8a-9c61-0d4b7e2a8f13",
      TipoCfdi: "Ingreso",
      PrecioCompraOVenta: 420000,
      FechaYHoraTransaccion: "2026-11-30T14:00:00-06:00",
      VolumenDocumentado: { ValorNumerico: 20000, UnidadDeMedida: "UM03" },
    });
    expect(t.Entregas.Entrega[0].Complemento.Nacional[0].CFDIs[0]).toMatchObject({ TipoCfdi: "Egreso", PrecioCompraOVenta: 1200, PrecioVenta: 0.1 });
    const s = dailySnapshot("refinery");
    s.operations[1]!.cfdis = [cfdi("b8e2d0f4-61a3-4c57-8e19-3a7c5d2e9b40", "E", 1200, null, 0)];
    expect(() => buildDailyReport(s)).toThrow(/no se puede expresar PrecioVenta del complemento Refinacion/);
  });
});
