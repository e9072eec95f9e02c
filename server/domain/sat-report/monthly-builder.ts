/**
 * Builder of the SAT monthly report (Mensual.schema.json) from a plain snapshot of the stored
 * records (A30-RPT-02): pure — no database, no clock; the service
 * (server/services/sat-reports/monthly.ts) gathers the snapshot and validates the result with
 * `assertValidReport("monthly", …)` (A30-RPT-04).
 *
 * Supported installation kinds: the same as the daily report, with the same complement per kind
 * and the same Nacional/CFDI field mapping (daily-builder.ts `COMPLEMENT_BY_INSTALLATION_TYPE`,
 * `COMPLEMENT_SPECS`): service station → Expendio, storage terminal → Almacenamiento, pipeline →
 * Transporte, distribution → Distribucion, process station / refinery → Refinacion (A30-TYP-*).
 *
 * Interpretations (research note sat-report-format.md §3b, test/fixtures/sat-report/README.md):
 *  - one `ReporteDeVolumenMensual` per product/subproduct (always emitted);
 *  - Recepciones / Entregas: every current operation of the product whose end lies in the month's
 *    cut periods, each counted once (a station's hose sales are deliveries); for complete months
 *    this equals the sum of the daily reports (A30-RPT-02);
 *  - ControlDeExistencias (products with tanks): VolumenExistenciasMes = sum of the book stock of
 *    each tank's last daily cut of the month, FechaYHoraEstaMedicionMes = that cut instant;
 *  - TotalDocumentosMes = distinct linked CFDIs; Importe… = their totals (Ingreso +, Egreso −,
 *    Traslado 0: net of credit notes, never below 0) plus the stored amount of the operations
 *    without a CFDI (a station's dispatches);
 *  - Complemento (required, ≥ 1): one object merging the operations' Nacional entries per
 *    counterparty (CFDIs once, VolumenDocumentado summed over the links), plus an Aclaracion when
 *    operations lack a CFDI or there were none;
 *  - FechaYHoraReporteMes = generation time (schema description), passed in as `reportedAt`.
 * SAT element names are kept verbatim.
 */
import {
  COMPLEMENT_BY_INSTALLATION_TYPE,
  complementIssues,
  localDateTime,
  netAmount,
  operationComplement,
  reportHeader,
  roundTo,
  signedCfdiAmount,
  SUPPORTED_DAILY_INSTALLATION_TYPES,
  type ReportComplementType,
  type DailySnapshotEvent,
  type DailySnapshotInstallation,
  type DailySnapshotOperation,
  type DailySnapshotProduct,
  type DailySnapshotTaxpayer,
  type SatVolumeUnit,
  type SupportedDailyInstallationType,
} from "./daily-builder";

export const SUPPORTED_MONTHLY_INSTALLATION_TYPES = SUPPORTED_DAILY_INSTALLATION_TYPES;

/** One stored daily cut of a tank (current version). */
export interface MonthlySnapshotCut {
  /** YYYY-MM-DD. */
  reportDate: string;
  periodStart: Date;
  cutAt: Date;
  openingVolume: number;
  receptionsVolume: number;
  deliveriesVolume: number;
  bookVolume: number;
}

export interface MonthlySnapshotTank {
  id: number;
  key: string;
  productKey: string;
  subProductKey: string | null;
  status: "O" | "F";
  /** The month's daily cuts, any order. */
  cuts: MonthlySnapshotCut[];
}

export interface MonthlyReportSnapshot {
  softwareVersion: string;
  taxpayer: DailySnapshotTaxpayer;
  installation: DailySnapshotInstallation;
  /** YYYY-MM. */
  month: string;
  /** Generation time (SAT FechaYHoraReporteMes). */
  reportedAt: Date;
  products: DailySnapshotProduct[];
  tanks: MonthlySnapshotTank[];
  ductCounts: { inletOutlet: number; transportDistribution: number };
  dispenserCount: number;
  /** Current versions of the operations of the month's cut periods. */
  operations: DailySnapshotOperation[];
  /** Bitácora entries of the month (SAT BitacoraMensual). */
  bitacora: DailySnapshotEvent[];
}

export class MonthlyReportBuildError extends Error {
  constructor(readonly issues: string[]) {
    super(`No se puede construir el reporte mensual: ${issues.join("; ")}`);
    this.name = "MonthlyReportBuildError";
  }
}

/** Per tank: first opening, last closing (book), sums of the month's cuts. */
export interface MonthlyTankSummary {
  tankKey: string;
  days: number;
  openingVolume: number;
  closingVolume: number;
  closingAt: Date;
  receptionsVolume: number;
  deliveriesVolume: number;
}

type Json = Record<string, unknown>;
type ComplementType = ReportComplementType;

/** CFDI types reported (TipoCfdi Ingreso/Egreso/Traslado), as the daily builder. */
const REPORTED_CFDI_TYPES = new Set(["I", "E", "T"]);

const SCALE5 = 100_000;
function sum5(values: number[]): number {
  return values.reduce((acc, v) => acc + Math.round(v * SCALE5), 0) / SCALE5;
}

const productId = (productKey: string, subProductKey: string | null) => `${productKey}/${subProductKey ?? ""}`;

function truncate(text: string, max: number): string {
  const clean = text.replace(/\s+/g, " ").trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

/** YYYY-MM-DD of the month's last day. */
export function lastDayOfMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const day = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(day).padStart(2, "0")}`;
}

/** True for a valid YYYY-MM. */
export function isReportMonth(value: string): boolean {
  const m = /^(\d{4})-(\d{2})$/.exec(value);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[1]) >= 2000;
}

/** Aggregate of one tank's month of cuts (null without cuts). */
export function summarizeTankMonth(tank: MonthlySnapshotTank): MonthlyTankSummary | null {
  if (tank.cuts.length === 0) return null;
  const cuts = [...tank.cuts].sort((a, b) => a.reportDate.localeCompare(b.reportDate));
  const first = cuts[0]!;
  const last = cuts[cuts.length - 1]!;
  return {
    tankKey: tank.key,
    days: cuts.length,
    openingVolume: first.openingVolume,
    closingVolume: last.bookVolume,
    closingAt: last.cutAt,
    receptionsVolume: sum5(cuts.map((c) => c.receptionsVolume)),
    deliveriesVolume: sum5(cuts.map((c) => c.deliveriesVolume)),
  };
}

function isSupported(type: string): type is SupportedDailyInstallationType {
  return (SUPPORTED_MONTHLY_INSTALLATION_TYPES as readonly string[]).includes(type);
}

/**
 * The Mensual JSON object for one installation and month (A30-RPT-02). Throws
 * MonthlyReportBuildError for what the snapshot cannot express (unsupported installation kind, no
 * provider RFC, a tank in operation without the cut of the month's last day); schema-level gaps
 * are left for `assertValidReport` to list.
 */
export function buildMonthlyReport(s: MonthlyReportSnapshot): Json {
  const { installation: inst, taxpayer: tp } = s;
  if (!isSupported(inst.type)) {
    throw new MonthlyReportBuildError([
      `tipo de instalación «${inst.type}» de ${inst.key} no soportado por el reporte mensual; soportados: ${SUPPORTED_MONTHLY_INSTALLATION_TYPES.join(", ")}`,
    ]);
  }
  const issues: string[] = [];
  if (tp.providerRfcs.length === 0) issues.push("el contribuyente no tiene RFC del proveedor del programa (RfcProveedor)");
  const lastDay = lastDayOfMonth(s.month);
  for (const t of s.tanks) {
    if (t.status !== "O") continue;
    if (!t.cuts.some((c) => c.reportDate === lastDay)) issues.push(`falta el corte diario de ${t.key} del ${lastDay} (cierre del mes)`);
  }
  const complementType = COMPLEMENT_BY_INSTALLATION_TYPE[inst.type];
  issues.push(...complementIssues(s.operations, complementType));
  if (issues.length > 0) throw new MonthlyReportBuildError(issues);

  const dt = (d: Date) => localDateTime(d, inst.timeZone);

  const products = new Map<string, DailySnapshotProduct>();
  for (const p of s.products) products.set(productId(p.productKey, p.subProductKey), p);
  const defaultUnit = (productKey: string): SatVolumeUnit => s.products.find((p) => p.productKey === productKey)?.unit ?? "UM03";
  const ensure = (productKey: string, subProductKey: string | null) => {
    const id = productId(productKey, subProductKey);
    if (!products.has(id)) products.set(id, { productKey, subProductKey, unit: defaultUnit(productKey) });
  };
  for (const t of s.tanks) ensure(t.productKey, t.subProductKey);
  for (const o of s.operations) ensure(o.productKey, o.subProductKey);
  const ordered = [...products.values()].sort((a, b) =>
    productId(a.productKey, a.subProductKey).localeCompare(productId(b.productKey, b.subProductKey)),
  );

  const producto = ordered.map((p) => {
    const id = productId(p.productKey, p.subProductKey);
    const vol = (v: number) => ({ ValorNumerico: roundTo(v, 5), UnidadDeMedida: p.unit });
    const out: Json = { ClaveProducto: p.productKey };
    if (p.subProductKey) out.ClaveSubProducto = p.subProductKey;
    Object.assign(out, productCharacteristics(p));

    const ops = s.operations
      .filter((o) => productId(o.productKey, o.subProductKey) === id)
      .sort((a, b) => a.endAt.getTime() - b.endAt.getTime() || a.number - b.number);
    const receptions = ops.filter((o) => o.type === "reception");
    const deliveries = ops.filter((o) => o.type === "delivery");

    const monthly: Json = {};
    const summaries = s.tanks
      .filter((t) => productId(t.productKey, t.subProductKey) === id)
      .map(summarizeTankMonth)
      .filter((x): x is MonthlyTankSummary => x !== null);
    if (summaries.length > 0) {
      const closingAt = new Date(Math.max(...summaries.map((x) => x.closingAt.getTime())));
      monthly.ControlDeExistencias = {
        VolumenExistenciasMes: roundTo(sum5(summaries.map((x) => roundTo(x.closingVolume, 5))), 5),
        FechaYHoraEstaMedicionMes: dt(closingAt),
      };
    }
    const rec = documentsAndAmount(receptions);
    monthly.Recepciones = {
      TotalRecepcionesMes: receptions.length,
      SumaVolumenRecepcionMes: vol(sum5(receptions.map((o) => roundTo(o.netVolume, 5)))),
      TotalDocumentosMes: rec.count,
      ImporteTotalRecepcionesMensual: rec.amount,
      Complemento: [mergedComplement(receptions, complementType, dt, "recepciones")],
    };
    const del = documentsAndAmount(deliveries);
    monthly.Entregas = {
      TotalEntregasMes: deliveries.length,
      SumaVolumenEntregadoMes: vol(sum5(deliveries.map((o) => roundTo(o.netVolume, 5)))),
      TotalDocumentosMes: del.count,
      ImporteTotalEntregasMes: del.amount,
      Complemento: [mergedComplement(deliveries, complementType, dt, "entregas")],
    };
    out.ReporteDeVolumenMensual = monthly;
    return out;
  });

  const report = reportHeader(s.softwareVersion, tp, inst);
  report.NumeroPozos = inst.wellCount;
  report.NumeroTanques = s.tanks.length;
  report.NumeroDuctosEntradaSalida = s.ductCounts.inletOutlet;
  report.NumeroDuctosTransporteDistribucion = s.ductCounts.transportDistribution;
  report.NumeroDispensarios = s.dispenserCount;
  report.FechaYHoraReporteMes = dt(s.reportedAt);
  report.Producto = producto;
  report.BitacoraMensual = [...s.bitacora]
    .sort((a, b) => a.number - b.number)
    .map((e) => {
      const item: Json = { NumeroRegistro: e.number, FechaYHoraEvento: dt(e.time) };
      if (e.username) item.UsuarioResponsable = truncate(e.username, 1000);
      item.TipoEvento = e.eventType;
      item.DescripcionEvento = truncate(e.description, 250);
      if (e.component && e.component.trim().length >= 2) item.IdentificacionComponenteAlarma = truncate(e.component, 250);
      return item;
    });
  return report;
}

/** Same product characteristics as the daily report (ClaveProducto siblings). */
function productCharacteristics(p: DailySnapshotProduct): Json {
  const out: Json = {};
  const nonFossil = p.nonFossilPct ?? 0;
  const flag = nonFossil > 0 ? "Sí" : "No";
  if (p.productKey === "PR07") {
    const fallback: Record<string, number> = { SP16: 87, SP17: 91 };
    const octane = p.octane ?? (p.subProductKey ? fallback[p.subProductKey] : undefined);
    if (octane !== undefined) out.ComposOctanajeGasolina = Math.round(octane);
    out.GasolinaConCombustibleNoFosil = flag;
    if (nonFossil > 0) out.ComposDeCombustibleNoFosilEnGasolina = Math.round(nonFossil);
  } else if (p.productKey === "PR03") {
    out.DieselConCombustibleNoFosil = flag;
    if (nonFossil > 0) out.ComposDeCombustibleNoFosilEnDiesel = Math.round(nonFossil);
  } else if (p.productKey === "PR11") {
    out.TurbosinaConCombustibleNoFosil = flag;
    if (nonFossil > 0) out.ComposDeCombustibleNoFosilEnTurbosina = Math.round(nonFossil);
  }
  if (p.otherDescription) out.Otros = truncate(p.otherDescription, 30);
  if (p.brand) out.MarcaComercial = truncate(p.brand, 200);
  if (p.marker) {
    out.Marcaje = truncate(p.marker, 40);
    if (p.markerConcentration !== null && p.markerConcentration !== undefined) out.ConcentracionSustanciaMarcaje = p.markerConcentration;
  }
  return out;
}

/** Distinct linked CFDIs and the amount: their totals plus the stored amount of operations without a CFDI. */
export function documentsAndAmount(ops: DailySnapshotOperation[]): { count: number; amount: number } {
  const seen = new Map<string, number>();
  const loose: number[] = [];
  for (const o of ops) {
    const cfdis = o.cfdis.filter((c) => REPORTED_CFDI_TYPES.has(c.type));
    for (const c of cfdis) seen.set(c.uuid.toUpperCase(), signedCfdiAmount(c));
    if (cfdis.length === 0 && o.amountMxn !== null) loose.push(roundTo(o.amountMxn, 5));
  }
  return { count: seen.size, amount: netAmount([...[...seen.values()].map((v) => roundTo(v, 5)), ...loose]) };
}

/** One complement for the month: Nacional entries merged per counterparty, plus an Aclaracion when due. */
function mergedComplement(ops: DailySnapshotOperation[], type: ComplementType, dt: (d: Date) => string, what: "recepciones" | "entregas"): Json {
  const nacional = new Map<string, Json & { CFDIs?: Json[] }>();
  const cfdiIndex = new Map<string, Json>();
  let withoutCfdi = 0;
  for (const o of ops) {
    if (!o.cfdis.some((c) => REPORTED_CFDI_TYPES.has(c.type))) withoutCfdi += 1;
    const c = operationComplement({ ...o, clarification: null }, type, dt);
    const entries = (c?.Nacional as Json[] | undefined) ?? [];
    for (const n of entries) {
      // Counterparty identity = the Nacional entry without its CFDIs (field names differ per complement).
      const identity: Json = { ...n };
      delete identity.CFDIs;
      const key = JSON.stringify(identity);
      let target = nacional.get(key);
      if (!target) {
        target = { ...n };
        delete target.CFDIs;
        nacional.set(key, target);
      }
      for (const cfdi of (n.CFDIs as Json[] | undefined) ?? []) {
        const uuidKey = `${key}|${String(cfdi.Cfdi).toUpperCase()}`;
        const existing = cfdiIndex.get(uuidKey);
        if (existing) {
          const a = existing.VolumenDocumentado as { ValorNumerico: number; UnidadDeMedida: string };
          const b = cfdi.VolumenDocumentado as { ValorNumerico: number };
          existing.VolumenDocumentado = { ValorNumerico: roundTo(sum5([a.ValorNumerico, b.ValorNumerico]), 5), UnidadDeMedida: a.UnidadDeMedida };
          continue;
        }
        const copy = { ...cfdi };
        cfdiIndex.set(uuidKey, copy);
        target.CFDIs = [...(target.CFDIs ?? []), copy];
      }
    }
  }
  const out: Json = { TipoComplemento: type };
  if (nacional.size > 0) out.Nacional = [...nacional.values()];
  if (ops.length === 0) out.Aclaracion = `Sin ${what} en el mes`;
  else if (withoutCfdi > 0) out.Aclaracion = `${withoutCfdi} de ${ops.length} ${what} del mes sin CFDI vinculado`;
  return out;
}
