/**
 * Pure builder of the SAT daily report (issue #6 item 7, A30-RPT-01, A30-RPT-04): a hand-made
 * snapshot of one service-station tank with two hoses yields a report that passes
 * `assertValidReport("daily", …)` and whose totals equal the inputs.
 */
import { describe, expect, it } from "vitest";

import {
  DailyReportBuildError,
  buildDailyReport,
  localDateTime,
  localTime,
  roundTo,
  type DailyReportSnapshot,
  type DailySnapshotOperation,
} from "../../../../../server/domain/sat-report/daily-builder";
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

function snapshot(): DailyReportSnapshot {
  const periodStart = new Date("2026-11-01T06:00:00Z");
  const cutAt = new Date("2026-11-02T06:00:00Z");
  const sales = [
    op({ id: 11, number: 1001, type: "delivery", elementType: "hose", hoseId: 1, dispenserId: 1, netVolume: 40.125, amountMxn: 970.62, endAt: new Date("2026-11-01T13:15:32Z") }),
    op({ id: 12, number: 1002, type: "delivery", elementType: "hose", hoseId: 2, dispenserId: 1, netVolume: 35, amountMxn: 846.65, endAt: new Date("2026-11-01T15:41:05Z") }),
    op({ id: 13, number: 1003, type: "delivery", elementType: "hose", hoseId: 1, dispenserId: 1, netVolume: 52.31, amountMxn: 1265.38, endAt: new Date("2026-11-02T00:22:47Z") }),
  ];
  const reception = op({
    id: 10,
    number: 2001,
    type: "reception",
    elementType: "tank",
    netVolume: 19985.42,
    elementVolumeBefore: 28375.11,
    elementVolumeAfter: 48360.53,
    pressureAbsKpa: 81.4,
    startAt: new Date("2026-11-01T16:12:00Z"),
    endAt: new Date("2026-11-01T16:58:00Z"),
    counterpartyRfc: "EWE1709045U0",
    counterpartyName: "Proveedora de Combustibles del Bajío, S.A. de C.V.",
    counterpartyPermit: "H/12345/COM/2019",
    cfdis: [
      { uuid: "5f3c1a9e-2b7d-4e8a-9c61-0d4b7e2a8f13", type: "I", issuedAt: new Date("2026-11-01T14:30:00Z"), total: 427000, unitPrice: 21.35, volumeLinked: 20000, unit: "UM03" },
    ],
  });
  const delivered = 40.125 + 35 + 52.31;
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
      latitude: 20.58881841234,
      longitude: -100.3898881,
      timeZone: TZ,
      wellCount: 0,
    },
    reportDate: "2026-11-01",
    cutAt,
    products: [{ productKey: "PR07", subProductKey: "SP16", unit: "UM03" }],
    tanks: [
      {
        id: 1,
        key: "TQS-EDS-0001",
        description: "Tanque subterráneo de gasolina regular",
        productKey: "PR07",
        subProductKey: "SP16",
        capacityTotal: 60000,
        capacityOperating: 57000,
        capacityUseful: 54000,
        capacityFondaje: 1800,
        capacityGasTalon: null,
        minimumOperatingVolume: 3000,
        calibrationValidUntil: "2027-03-15",
        status: "O",
        meters: [{ key: "SME-TQS-EDS-0001", description: "Sonda magnetoestrictiva", calibrationValidUntil: "2027-03-15", uncertaintyPct: 0.5 }],
        cut: {
          periodStart,
          cutAt,
          openingVolume: 28450.235,
          openingMeasuredAt: periodStart,
          receptionsVolume: 19985.42,
          deliveriesVolume: delivered,
          bookVolume: 28450.235 + 19985.42 - delivered,
        },
      },
    ],
    ducts: [],
    dispensers: [
      {
        id: 1,
        key: "DISP-0001",
        meters: [{ key: "SMD-DISP-0001", description: "Medidor del dispensario 1", calibrationValidUntil: "2027-01-20", uncertaintyPct: 0.5 }],
        hoses: [
          { id: 1, key: "DISP-0001-MGA-0001", productKey: "PR07", subProductKey: "SP16", tankId: 1 },
          { id: 2, key: "DISP-0001-MGA-0002", productKey: "PR07", subProductKey: "SP16", tankId: 1 },
        ],
      },
    ],
    operations: [...sales, reception],
    bitacora: [
      { number: 5002, time: new Date("2026-11-02T05:59:59Z"), username: "sistema", eventType: 5, description: "Generación del corte diario", component: null },
      { number: 5001, time: new Date("2026-11-01T16:58:30Z"), username: "supervisor", eventType: 7, description: "x".repeat(300), component: "TQS-EDS-0001" },
    ],
  };
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("buildDailyReport (A30-RPT-01)", () => {
  it("A30-RPT-04: a service station with one tank and two hoses passes assertValidReport", () => {
    const report = buildDailyReport(snapshot());
    const result = assertValidReport("daily", report);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("totals equal the inputs (tank receptions, cut existences, hose sales)", () => {
    const s = snapshot();
    const report = buildDailyReport(s) as Any;
    expect(report.FechaYHoraCorte).toBe("2026-11-02T00:00:00-06:00");
    expect(report.NumeroTanques).toBe(1);
    expect(report.NumeroDispensarios).toBe(1);
    expect(report.Geolocalizacion[0].GeolocalizacionLatitud).toBe(20.5888184);
    const producto = report.Producto[0];
    expect(producto.ComposOctanajeGasolina).toBe(87);
    expect(producto.GasolinaConCombustibleNoFosil).toBe("No");
    const tank = producto.Tanque[0];
    expect(tank.Existencias.VolumenExistenciasAnterior).toBe(28450.235);
    expect(tank.Existencias.VolumenAcumOpsRecepcion.ValorNumerico).toBe(19985.42);
    expect(tank.Existencias.VolumenAcumOpsEntrega.ValorNumerico).toBe(127.435);
    expect(tank.Existencias.VolumenExistencias).toBe(48308.22);
    expect(tank.Existencias.HoraRecepcionAcumulado).toBe("00:00:00-06:00");
    expect(tank.Recepciones.TotalRecepciones).toBe(1);
    expect(tank.Recepciones.SumaVolumenRecepcion.ValorNumerico).toBe(19985.42);
    expect(tank.Recepciones.TotalDocumentos).toBe(1);
    expect(tank.Recepciones.SumaCompras).toBe(427000);
    const complement = tank.Recepciones.Recepcion[0].Complemento;
    expect(complement.TipoComplemento).toBe("Expendio");
    expect(complement.Nacional[0].CFDIs[0]).toMatchObject({ TipoCfdi: "Ingreso", PrecioCompra: 427000, PrecioVenta: 21.35 });
    expect(tank.Entregas).toEqual({ TotalEntregas: 0, SumaVolumenEntregado: { ValorNumerico: 0, UnidadDeMedida: "UM03" }, TotalDocumentos: 0 });

    const hoses = producto.Dispensario[0].Manguera;
    expect(hoses.map((h: Any) => h.IdentificadorManguera)).toEqual(["DISP-0001-MGA-0001", "DISP-0001-MGA-0002"]);
    const h1 = hoses[0].Entregas[0];
    expect(h1.TotalEntregas).toBe(2);
    expect(h1.SumaVolumenEntregado.ValorNumerico).toBe(92.435);
    expect(h1.SumaVentas).toBe(2236);
    expect(h1.Entrega.map((e: Any) => e.VolumenEntregadoTotalizadorAcum.ValorNumerico)).toEqual([40.125, 92.435]);
    const allSales = hoses.flatMap((h: Any) => h.Entregas[0].Entrega.map((e: Any) => e.VolumenEntregadoTotalizadorInsta.ValorNumerico));
    expect(roundTo(allSales.reduce((a: number, b: number) => a + b, 0), 5)).toBe(127.435);

    expect(report.Bitacora.map((b: Any) => b.NumeroRegistro)).toEqual([5001, 5002]);
    expect(report.Bitacora[0].DescripcionEvento).toHaveLength(250);
    expect(report.Bitacora[0].IdentificacionComponenteAlarma).toBe("TQS-EDS-0001");
  });

  it("falls back to the reference pressure and omits the complement without counterparty", () => {
    const s = snapshot();
    const reception = s.operations.find((o) => o.type === "reception")!;
    Object.assign(reception, { pressureAbsKpa: null, counterpartyRfc: null, counterpartyName: null, cfdis: [] });
    const report = buildDailyReport(s) as Any;
    const item = report.Producto[0].Tanque[0].Recepciones.Recepcion[0];
    expect(item.PresionAbsoluta).toBe(101.325);
    expect(item.Complemento).toBeUndefined();
    expect(report.Producto[0].Tanque[0].Recepciones.SumaCompras).toBeUndefined();
    expect(assertValidReport("daily", report).ok).toBe(true);
  });

  it("a storage terminal reports ducts with the Almacenamiento complement", () => {
    const s = snapshot();
    s.installation = { ...s.installation, key: "TDA-0001", type: "storage_terminal", permitModality: "PER11", permitNumber: "PL/23456/ALM/2026" };
    s.tanks[0]!.key = "TQS-TDA-0001";
    s.tanks[0]!.meters[0]!.key = "SME-TQS-TDA-0001";
    s.dispensers = [];
    const delivery = op({
      id: 20, number: 7, type: "delivery", elementType: "duct", ductId: 1, netVolume: 127.435, elementVolumeBefore: 48360.53, elementVolumeAfter: 48233.095,
      endAt: new Date("2026-11-01T20:00:00Z"), counterpartyRfc: "CACX7605101P8", counterpartyName: "Cliente Uno",
    });
    s.operations = [s.operations.find((o) => o.type === "reception")!, delivery];
    s.ducts = [{ id: 1, key: "DUC-CAR-0001", description: "Ducto de carga", diameterIn: 6, gasTalonCapacityM3: null, direction: "outlet", productKey: "PR07", meters: [{ key: "SMD-DUC-CAR-0001", description: "Computador de flujo", calibrationValidUntil: "2027-12-31", uncertaintyPct: 0.3 }] }];
    const report = buildDailyReport(s) as Any;
    const result = assertValidReport("daily", report);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(report.NumeroDuctosEntradaSalida).toBe(1);
    const producto = report.Producto[0];
    expect(producto.Tanque[0].Entregas.Entrega[0].Complemento.TipoComplemento).toBe("Almacenamiento");
    expect(producto.Tanque[0].Recepciones.Recepcion[0].Complemento.TipoComplemento).toBe("Almacenamiento");
    expect(producto.Ducto[0].Entregas.SumaVolumenEntregado.ValorNumerico).toBe(127.435);
    expect(producto.Ducto[0].Entregas.Entrega[0].VolumenPuntoSalida.ValorNumerico).toBe(127.435);
  });

  it("duct records past SAT's 2000 limit: the day's chronological position, the report stays valid; small numbers are kept", () => {
    const s = snapshot();
    s.installation = { ...s.installation, key: "TDA-0001", type: "storage_terminal", permitModality: "PER11", permitNumber: "PL/23456/ALM/2026" };
    s.tanks[0]!.key = "TQS-TDA-0001";
    s.tanks[0]!.meters[0]!.key = "SME-TQS-TDA-0001";
    s.dispensers = [];
    const loading = (id: number, number: number, hour: number) =>
      op({ id, number, type: "delivery", elementType: "duct", ductId: 1, netVolume: 20_000, elementVolumeBefore: 48_000, elementVolumeAfter: 28_000, endAt: new Date(`2026-11-01T${String(hour).padStart(2, "0")}:30:00Z`), counterpartyRfc: "CACX7605101P8", counterpartyName: "Cliente Uno" });
    s.ducts = [{ id: 1, key: "DUC-CAR-0001", description: "Ducto de carga", diameterIn: 6, gasTalonCapacityM3: null, direction: "outlet", productKey: "PR07", meters: [{ key: "SMD-DUC-CAR-0001", description: "Computador de flujo", calibrationValidUntil: "2027-12-31", uncertaintyPct: 0.3 }] }];
    s.operations = [s.operations.find((o) => o.type === "reception")!, loading(31, 2745, 14), loading(30, 2744, 12), loading(32, 2746, 16)];
    const report = buildDailyReport(s) as Any;
    const result = assertValidReport("daily", report);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(report.Producto[0].Ducto[0].Entregas.Entrega.map((e: Any) => e.NumeroDeRegistro)).toEqual([1, 2, 3]);
    s.operations = [s.operations[0]!, loading(30, 12, 12), loading(31, 15, 14)];
    expect((buildDailyReport(s) as Any).Producto[0].Ducto[0].Entregas.Entrega.map((e: Any) => e.NumeroDeRegistro)).toEqual([12, 15]);
  });

  it("uses the dictamen's composition when the snapshot has it (octane, non-fossil content)", () => {
    const s = snapshot();
    s.products = [{ productKey: "PR07", subProductKey: "SP16", unit: "UM03", octane: 87.4, nonFossilPct: 5.6, brand: "Aforo Regular" }];
    const report = buildDailyReport(s) as Any;
    expect(report.Producto[0]).toMatchObject({
      ComposOctanajeGasolina: 87,
      GasolinaConCombustibleNoFosil: "Sí",
      ComposDeCombustibleNoFosilEnGasolina: 6,
      MarcaComercial: "Aforo Regular",
    });
    const result = assertValidReport("daily", report);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("rejects unsupported installation kinds, naming the supported ones, and tanks without their cut", () => {
    const s = snapshot();
    s.installation.type = "extraction";
    expect(() => buildDailyReport(s)).toThrow(/service_station, storage_terminal, pipeline, distribution, process_station, refinery/);
    const t = snapshot();
    t.tanks[0]!.cut = null;
    try {
      buildDailyReport(t);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DailyReportBuildError);
      expect((error as DailyReportBuildError).issues[0]).toMatch(/falta el corte diario de TQS-EDS-0001/);
    }
  });

  it("formats instants with the zone's explicit offset", () => {
    expect(localDateTime(new Date("2026-11-01T16:58:00Z"), TZ)).toBe("2026-11-01T10:58:00-06:00");
    expect(localDateTime(new Date("2026-11-01T16:58:00Z"), "UTC")).toBe("2026-11-01T16:58:00+00:00");
    expect(localTime(new Date("2026-07-01T05:00:00Z"), "America/Tijuana")).toBe("22:00:00-07:00");
  });
});

describe("CFDI amounts net of credit notes (issue #6 decision)", () => {
  it("Ingreso adds, Egreso subtracts, Traslado adds nothing; the net never goes below SAT's minimum 0", async () => {
    const { netAmount, signedCfdiAmount } = await import("../../../../../server/domain/sat-report/daily-builder");
    expect([signedCfdiAmount({ type: "I", total: 427000 }), signedCfdiAmount({ type: "E", total: 7000 }), signedCfdiAmount({ type: "T", total: 0 })]).toEqual([427000, -7000, 0]);
    expect(netAmount([427000, -7000, 0])).toBe(420000);
    expect(netAmount([0.1, 0.2])).toBe(0.3);
    expect(netAmount([-50])).toBe(0);
  });
});
