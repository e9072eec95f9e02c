/**
 * Pure builder of the SAT monthly report (issue #6 item 7, A30-RPT-02, A30-RPT-04): hand-made
 * snapshots of a service station and a storage terminal yield reports that pass
 * `assertValidReport("monthly", …)` and whose totals equal the inputs.
 */
import { describe, expect, it } from "vitest";

import type { DailySnapshotCfdi, DailySnapshotOperation } from "../../../../../server/domain/sat-report/daily-builder";
import {
  MonthlyReportBuildError,
  buildMonthlyReport,
  documentsAndAmount,
  isReportMonth,
  lastDayOfMonth,
  summarizeTankMonth,
  type MonthlyReportSnapshot,
} from "../../../../../server/domain/sat-report/monthly-builder";
import { assertValidReport } from "../../../../../server/domain/sat-report/report-rules";
import { testTaxpayer } from "../../../../helpers/sat-report-fixtures";

const TZ = "America/Mexico_City";

function op(partial: Partial<DailySnapshotOperation> & Pick<DailySnapshotOperation, "id" | "number" | "type" | "elementType" | "netVolume" | "endAt">): DailySnapshotOperation {
  return {
    satRecordType: "D",
    tankId: 1,
    ductId: null,
    dispenserId: null,
    hoseId: null,
    productKey: "PR07",
    subProductKey: "SP16",
    startAt: new Date(partial.endAt.getTime() - 120_000),
    elementVolumeBefore: null,
    elementVolumeAfter: null,
    temperatureC: 21.4,
    pressureAbsKpa: 81.4,
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

const SUPPLIER = { counterpartyRfc: "EWE1709045U0", counterpartyName: "Proveedora de Combustibles del Bajío, S.A. de C.V.", counterpartyPermit: "H/12345/COM/2019" };
const cfdi = (uuid: string, total: number, volumeLinked: number, issuedAt: string): DailySnapshotCfdi => ({
  uuid,
  type: "I",
  issuedAt: new Date(issuedAt),
  total,
  unitPrice: 21.35,
  volumeLinked,
  unit: "UM03",
});

function stationSnapshot(): MonthlyReportSnapshot {
  const global = cfdi("0c9a4e7b-3f12-4d86-a5b0-7e1f2c8d4a69", 1200, 25, "2026-12-01T05:59:59Z");
  const publico = { counterpartyRfc: "XAXX010101000", counterpartyName: "PUBLICO EN GENERAL", counterpartyPermit: null };
  const operations = [
    op({ id: 1, number: 101, type: "reception", elementType: "tank", netVolume: 19985.42, endAt: new Date("2026-11-29T15:00:00Z"), ...SUPPLIER, cfdis: [cfdi("5f3c1a9e-2b7d-4e8a-9c61-0d4b7e2a8f13", 427000, 20000, "2026-11-29T14:30:00Z")] }),
    op({ id: 2, number: 102, type: "reception", elementType: "tank", netVolume: 19985.42, endAt: new Date("2026-11-30T16:00:00Z"), ...SUPPLIER, cfdis: [cfdi("b8e2d0f4-61a3-4c57-8e19-3a7c5d2e9b40", 427000, 20000, "2026-11-30T15:05:00Z")] }),
    // Two dispatches on one global CFDI, one without CFDI (its stored amount counts).
    op({ id: 3, number: 201, type: "delivery", elementType: "hose", hoseId: 1, dispenserId: 1, netVolume: 10.5, amountMxn: 254, endAt: new Date("2026-11-29T18:00:00Z"), ...publico, cfdis: [{ ...global, volumeLinked: 10.5 }] }),
    op({ id: 4, number: 202, type: "delivery", elementType: "hose", hoseId: 1, dispenserId: 1, netVolume: 14.5, amountMxn: 350.76, endAt: new Date("2026-11-30T18:00:00Z"), ...publico, cfdis: [{ ...global, volumeLinked: 14.5 }] }),
    op({ id: 5, number: 203, type: "delivery", elementType: "hose", hoseId: 1, dispenserId: 1, netVolume: 40.125, amountMxn: 970.62, endAt: new Date("2026-11-30T20:00:00Z") }),
  ];
  return {
    softwareVersion: "1.0",
    taxpayer: testTaxpayer(),
    installation: {
      key: "EDS-0001",
      description: "Estación de servicio Aforo Demo, Santiago de Querétaro, Qro.",
      type: "service_station",
      permitModality: "PER2",
      permitNumber: "PL/12345/EXP/ES/2016",
      contractOrAssignmentNumber: null,
      naturalGasStorageInstallation: null,
      latitude: 20.5888184,
      longitude: -100.3898881,
      timeZone: TZ,
      wellCount: 0,
    },
    month: "2026-11",
    reportedAt: new Date("2026-12-01T06:15:00Z"),
    products: [
      { productKey: "PR07", subProductKey: "SP16", unit: "UM03" },
      { productKey: "PR03", subProductKey: "SP18", unit: "UM03" },
    ],
    tanks: [
      {
        id: 1,
        key: "TQS-EDS-0001",
        productKey: "PR07",
        subProductKey: "SP16",
        status: "O",
        cuts: [
          // Out of order on purpose: the builder sorts by date.
          { reportDate: "2026-11-30", periodStart: new Date("2026-11-30T06:00:00Z"), cutAt: new Date("2026-12-01T06:00:00Z"), openingVolume: 38460.53, receptionsVolume: 19985.42, deliveriesVolume: 54.625, bookVolume: 58391.325 },
          { reportDate: "2026-11-29", periodStart: new Date("2026-11-29T06:00:00Z"), cutAt: new Date("2026-11-30T06:00:00Z"), openingVolume: 18485.61, receptionsVolume: 19985.42, deliveriesVolume: 10.5, bookVolume: 38460.53 },
        ],
      },
      {
        id: 2,
        key: "TQS-EDS-0002",
        productKey: "PR03",
        subProductKey: "SP18",
        status: "O",
        cuts: [{ reportDate: "2026-11-30", periodStart: new Date("2026-11-30T06:00:00Z"), cutAt: new Date("2026-12-01T06:00:00Z"), openingVolume: 1000, receptionsVolume: 0, deliveriesVolume: 0, bookVolume: 1000 }],
      },
    ],
    ductCounts: { inletOutlet: 0, transportDistribution: 0 },
    dispenserCount: 1,
    operations,
    bitacora: [
      { number: 7002, time: new Date("2026-12-01T06:05:00Z"), username: "sistema", eventType: 5, description: "Corte diario del 2026-11-30", component: null },
      { number: 7001, time: new Date("2026-11-29T16:00:00Z"), username: "sistema", eventType: 7, description: "Diferencia en el balance", component: "TQS-EDS-0001" },
    ],
  };
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("buildMonthlyReport (A30-RPT-02)", () => {
  it("A30-RPT-04: a service station month passes assertValidReport('monthly')", () => {
    const report = buildMonthlyReport(stationSnapshot());
    const result = assertValidReport("monthly", report);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("totals equal the inputs: receptions, deliveries, documents, amounts, month-end stock", () => {
    const report = buildMonthlyReport(stationSnapshot()) as Any;
    expect(report.FechaYHoraReporteMes).toBe("2026-12-01T00:15:00-06:00");
    expect(report.NumeroTanques).toBe(2);
    expect(report.NumeroDispensarios).toBe(1);
    expect(report.Producto.map((p: Any) => p.ClaveProducto)).toEqual(["PR03", "PR07"]);
    const gasoline = report.Producto[1];
    expect(gasoline.ComposOctanajeGasolina).toBe(87);
    const m = gasoline.ReporteDeVolumenMensual;
    expect(m.ControlDeExistencias).toEqual({ VolumenExistenciasMes: 58391.325, FechaYHoraEstaMedicionMes: "2026-12-01T00:00:00-06:00" });
    expect(m.Recepciones.TotalRecepcionesMes).toBe(2);
    expect(m.Recepciones.SumaVolumenRecepcionMes).toEqual({ ValorNumerico: 39970.84, UnidadDeMedida: "UM03" });
    expect(m.Recepciones.TotalDocumentosMes).toBe(2);
    expect(m.Recepciones.ImporteTotalRecepcionesMensual).toBe(854000);
    const recNacional = m.Recepciones.Complemento[0].Nacional;
    expect(recNacional).toHaveLength(1);
    expect(recNacional[0].RfcClienteOProveedor).toBe("EWE1709045U0");
    expect(recNacional[0].CFDIs).toHaveLength(2);
    expect(m.Recepciones.Complemento[0].Aclaracion).toBeUndefined();

    expect(m.Entregas.TotalEntregasMes).toBe(3);
    expect(m.Entregas.SumaVolumenEntregadoMes.ValorNumerico).toBe(65.125);
    expect(m.Entregas.TotalDocumentosMes).toBe(1);
    // The global CFDI once (1200) + the dispatch without CFDI (970.62).
    expect(m.Entregas.ImporteTotalEntregasMes).toBe(2170.62);
    const del = m.Entregas.Complemento[0];
    expect(del.Nacional[0].CFDIs).toHaveLength(1);
    expect(del.Nacional[0].CFDIs[0].VolumenDocumentado).toEqual({ ValorNumerico: 25, UnidadDeMedida: "UM03" });
    expect(del.Aclaracion).toBe("1 de 3 entregas del mes sin CFDI vinculado");

    const diesel = report.Producto[0].ReporteDeVolumenMensual;
    expect(diesel.ControlDeExistencias.VolumenExistenciasMes).toBe(1000);
    expect(diesel.Recepciones.TotalRecepcionesMes).toBe(0);
    expect(diesel.Recepciones.Complemento).toEqual([{ TipoComplemento: "Expendio", Aclaracion: "Sin recepciones en el mes" }]);
    expect(diesel.Entregas.ImporteTotalEntregasMes).toBe(0);

    expect(report.BitacoraMensual.map((b: Any) => b.NumeroRegistro)).toEqual([7001, 7002]);
    expect(report.BitacoraMensual[0].IdentificacionComponenteAlarma).toBe("TQS-EDS-0001");
  });

  it("storage terminal: Almacenamiento complements, duct/tank operations counted once, valid", () => {
    const s = stationSnapshot();
    s.installation = { ...s.installation, key: "TDA-0001", type: "storage_terminal", permitModality: "PER11", permitNumber: "PL/23456/ALM/2026", description: "Terminal de almacenamiento Aforo Demo" };
    s.dispenserCount = 0;
    s.ductCounts = { inletOutlet: 2, transportDistribution: 0 };
    s.operations = s.operations.map((o) => (o.elementType === "hose" ? { ...o, elementType: "duct", hoseId: null, dispenserId: null, ductId: 7 } : o));
    const report = buildMonthlyReport(s) as Any;
    const result = assertValidReport("monthly", report);
    expect(result.ok ? [] : result.errors).toEqual([]);
    const m = report.Producto[1].ReporteDeVolumenMensual;
    expect(m.Recepciones.Complemento[0].TipoComplemento).toBe("Almacenamiento");
    expect(m.Entregas.Complemento[0].TipoComplemento).toBe("Almacenamiento");
    expect(m.Entregas.TotalEntregasMes).toBe(3);
    expect(report.NumeroDuctosEntradaSalida).toBe(2);
  });

  it("refuses what it cannot express: missing month-end cut, no provider RFC, unsupported kind", () => {
    const s = stationSnapshot();
    s.tanks[1]!.cuts = [];
    s.taxpayer.providerRfcs = [];
    let caught: unknown;
    try {
      buildMonthlyReport(s);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MonthlyReportBuildError);
    expect((caught as MonthlyReportBuildError).issues).toEqual([
      "el contribuyente no tiene RFC del proveedor del programa (RfcProveedor)",
      "falta el corte diario de TQS-EDS-0002 del 2026-11-30 (cierre del mes)",
    ]);
    const u = stationSnapshot();
    u.installation.type = "extraction";
    expect(() => buildMonthlyReport(u)).toThrow(MonthlyReportBuildError);
    // A tank out of operation without cuts is not required.
    const f = stationSnapshot();
    f.tanks[1]!.cuts = [];
    f.tanks[1]!.status = "F";
    expect(assertValidReport("monthly", buildMonthlyReport(f)).ok).toBe(true);
  });

  it("helpers: month parsing, last day, tank summary, documents and amount", () => {
    expect(isReportMonth("2026-11")).toBe(true);
    expect(isReportMonth("2026-13")).toBe(false);
    expect(isReportMonth("2026-1")).toBe(false);
    expect(lastDayOfMonth("2026-02")).toBe("2026-02-28");
    expect(lastDayOfMonth("2028-02")).toBe("2028-02-29");
    expect(lastDayOfMonth("2026-11")).toBe("2026-11-30");
    const summary = summarizeTankMonth(stationSnapshot().tanks[0]!);
    expect(summary).toMatchObject({ days: 2, openingVolume: 18485.61, closingVolume: 58391.325, receptionsVolume: 39970.84, deliveriesVolume: 65.125 });
    expect(documentsAndAmount([])).toEqual({ count: 0, amount: 0 });
  });
});
