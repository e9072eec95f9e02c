/**
 * The SAT monthly report of one installation and month from the stored records only (A30-RPT-02;
 * issue #6 item 7): gathers a snapshot with parameterised SQL — the current version of each tank's
 * daily cuts of the month (inventory_cuts), the current versions of the operations of the month's
 * cut periods (rows nobody supersedes) with their CFDI links, the equipment counts, the bitácora
 * entries of the month (incl. the monthly rule-01 findings the daily cut stores at month end) and
 * the latest dictamen composition — builds the Mensual JSON with the pure builder and validates it
 * with `assertValidReport("monthly", …)` (A30-RPT-04). An invalid report is never returned:
 * MonthlyReportError carries every failing path.
 *
 * Month window: from the start of the cut period of the month's first day (or of the period in
 * which the installation was registered, when later — as the daily cut job) to the end of the cut
 * period of its last day (the installation's cut schedule, A30-INV-02); operations by `end_at` and
 * bitácora entries by `time` in [start, end), like the daily cut, so that for a month with all its
 * cuts the totals equal the sum of the daily cuts (A30-RPT-02). Days of the window without a cut
 * are listed in `missingCutDates` (the pre-check of A30-RPT-06 shows them); the cut of the month's
 * last day is required (the month-end stock). An installation without tanks (a pipeline of
 * transport ducts, A30-TYP) has no cuts: its month is reported from the schedule's window once
 * closed, with no missing cut dates.
 */
import type { Database, SqlExecutor } from "../../../db/client";
import type { DailySnapshotOperation } from "../../domain/sat-report/daily-builder";
import {
  MonthlyReportBuildError,
  buildMonthlyReport,
  isReportMonth,
  lastDayOfMonth,
  type MonthlyReportSnapshot,
  type MonthlySnapshotTank,
} from "../../domain/sat-report/monthly-builder";
import type { ReportPackage } from "../../domain/sat-report/package";
import { assertValidReport } from "../../domain/sat-report/report-rules";
import type { ReportValidationError } from "../../domain/sat-report/schema-loader";
import { schedulePeriodContaining, schedulePeriodForDate } from "../../domain/settings/cut-schedule";
import { loadCutSchedules } from "../settings/store";
import { DAILY_REPORT_TYPE_CODES } from "./daily";
import { storeReportVersion } from "./store-version";
import { date, loadBitacoraWindow, loadCfdisByOperationNumber, loadSnapshotProducts, num, numOrNull, snapshotHeader, type InstallationHeaderRow } from "./snapshot-shared";

export type MonthlyReportErrorCode = "invalid_month" | "installation_not_found" | "no_cut" | "build_failed" | "invalid_report";

export class MonthlyReportError extends Error {
  constructor(
    readonly code: MonthlyReportErrorCode,
    message: string,
    /** Failing paths (invalid_report) or the data problems found (build_failed, no_cut). */
    readonly errors: ReportValidationError[] = [],
  ) {
    super(message);
    this.name = "MonthlyReportError";
  }
}

export interface MonthlyReportResult {
  installationId: number;
  installationKey: string;
  installationType: string;
  timeZone: string;
  /** YYYY-MM. */
  month: string;
  /** First and last day of the month (YYYY-MM-DD). */
  firstDay: string;
  lastDay: string;
  /** The month's window (cut periods of its first and last day). */
  windowStart: Date;
  windowEnd: Date;
  /** Days of the month without any tank cut (warning; A30-RPT-06). */
  missingCutDates: string[];
  taxpayerRfc: string;
  providerRfc: string;
  /** The Mensual JSON (valid against the schema and Aforo's rules). */
  report: Record<string, unknown>;
}

const dateText = (v: unknown): string => (typeof v === "string" ? v.slice(0, 10) : date(v).toISOString().slice(0, 10));

function monthDays(month: string): string[] {
  const last = Number(lastDayOfMonth(month).slice(8, 10));
  return Array.from({ length: last }, (_, i) => `${month}-${String(i + 1).padStart(2, "0")}`);
}

interface InstallationRow extends InstallationHeaderRow {
  cut_hour: string;
  created_at: unknown;
}

export interface LoadedMonthlySnapshot {
  snapshot: MonthlyReportSnapshot;
  installationId: number;
  windowStart: Date;
  windowEnd: Date;
  missingCutDates: string[];
}

/** Gathers the snapshot of the stored records (no validation). `reportedAt` = generation time. */
export async function loadMonthlyReportSnapshot(db: SqlExecutor, installationKey: string, month: string, reportedAt: Date): Promise<LoadedMonthlySnapshot> {
  if (!isReportMonth(month)) throw new MonthlyReportError("invalid_month", `Mes inválido «${month}»: se espera AAAA-MM`);
  const firstDay = `${month}-01`;
  const lastDay = lastDayOfMonth(month);
  const [inst] = await db.query<InstallationRow>(
    `select i.id, i.key, i.description, i.type, i.permit_modality, i.permit_number, i.contract_or_assignment_number,
            i.natural_gas_storage_installation, i.latitude, i.longitude, i.time_zone, i.cut_hour, i.created_at,
            t.rfc, t.legal_representative_rfc, t.provider_rfcs, t.character,
            t.permit_modality as tp_permit_modality, t.permit_number as tp_permit_number, t.contract_or_assignment_number as tp_contract
       from installations i join taxpayers t on t.id = i.taxpayer_id
      where i.key = $1`,
    [installationKey],
  );
  if (!inst) throw new MonthlyReportError("installation_not_found", `No existe la instalación ${installationKey}`);

  const schedule = (await loadCutSchedules(db, [{ id: inst.id, cut_hour: inst.cut_hour, time_zone: inst.time_zone }])).get(Number(inst.id))!;
  // The installation's records start with the cut period it was registered in (as the daily cut job).
  const registeredDate = schedulePeriodContaining(schedule, date(inst.created_at)).reportDate;
  const firstCovered = registeredDate > firstDay ? registeredDate : firstDay;
  const windowStart = schedulePeriodForDate(schedule, firstCovered <= lastDay ? firstCovered : firstDay).start;
  const windowEnd = schedulePeriodForDate(schedule, lastDay).end;

  const cuts = await db.query<{
    tank_id: number;
    report_date: unknown;
    period_start: unknown;
    cut_at: unknown;
    opening_volume: string;
    receptions_volume: string;
    deliveries_volume: string;
    book_volume: string;
  }>(
    `select c.tank_id, c.report_date, c.period_start, c.cut_at, c.opening_volume, c.receptions_volume, c.deliveries_volume, c.book_volume
       from inventory_cuts c
      where c.installation_id = $1 and c.report_date between $2::date and $3::date
        and not exists (select 1 from inventory_cuts s where s.supersedes_id = c.id)
      order by c.tank_id, c.report_date, c.measurement_system_id nulls last, c.id`,
    [inst.id, firstDay, lastDay],
  );
  // A30-TYP: an installation without tanks (a pipeline of transport ducts) has no inventory cut;
  // its month is the cut schedule's window, reported once that window has closed.
  const [tankCount] = await db.query<{ n: number }>(`select count(*)::int as n from tanks where installation_id = $1`, [inst.id]);
  const tankless = Number(tankCount?.n ?? 0) === 0;
  if (cuts.length === 0 && !(tankless && windowEnd.getTime() <= reportedAt.getTime() && firstCovered <= lastDay)) {
    throw new MonthlyReportError("no_cut", `No hay cortes diarios de ${installationKey} en ${month}; el reporte mensual se genera a partir de los cortes`);
  }
  // One cut per tank and date (the first measurement system's, as the daily report).
  const cutsByTank = new Map<number, MonthlySnapshotTank["cuts"]>();
  for (const c of cuts) {
    const list = cutsByTank.get(c.tank_id) ?? [];
    const reportDate = dateText(c.report_date);
    if (list.some((x) => x.reportDate === reportDate)) continue;
    list.push({
      reportDate,
      periodStart: date(c.period_start),
      cutAt: date(c.cut_at),
      openingVolume: num(c.opening_volume),
      receptionsVolume: num(c.receptions_volume),
      deliveriesVolume: num(c.deliveries_volume),
      bookVolume: num(c.book_volume),
    });
    cutsByTank.set(c.tank_id, list);
  }
  const cutDates = new Set(cuts.map((c) => dateText(c.report_date)));
  const missingCutDates = tankless ? [] : monthDays(month).filter((d) => d >= firstCovered && !cutDates.has(d));

  const products = await loadSnapshotProducts(db, inst.id, lastDay);

  const tanks = await db.query<{ id: number; key: string; product_key: string; sub_product_key: string | null; status: "O" | "F" }>(
    `select id, key, product_key, sub_product_key, status from tanks where installation_id = $1 order by key`,
    [inst.id],
  );
  const [counts] = await db.query<{ inlet_outlet: number; transport_distribution: number; dispensers: number; wells: number }>(
    `select (select count(*)::int from ducts d where d.installation_id = $1 and d.direction in ('inlet', 'outlet')) as inlet_outlet,
            (select count(*)::int from ducts d where d.installation_id = $1 and d.direction in ('transport', 'distribution')) as transport_distribution,
            (select count(*)::int from dispensers d where d.installation_id = $1) as dispensers,
            (select count(*)::int from wells w where w.installation_id = $1) as wells`,
    [inst.id],
  );

  const operations = await db.query<{
    id: number;
    number: number;
    type: "reception" | "delivery";
    sat_record_type: string;
    element_type: DailySnapshotOperation["elementType"];
    tank_id: number | null;
    duct_id: number | null;
    dispenser_id: number | null;
    hose_id: number | null;
    product_key: string;
    sub_product_key: string | null;
    start_at: unknown;
    end_at: unknown;
    net_volume: string;
    temperature_c: string | null;
    pressure_abs_kpa: string | null;
    reference_pressure_kpa: string;
    counterparty_rfc: string | null;
    counterparty_name: string | null;
    counterparty_permit: string | null;
    amount_mxn: string | null;
  }>(
    `select o.id, o.number, o.type, o.sat_record_type, o.element_type, o.tank_id, o.duct_id, o.dispenser_id, o.hose_id,
            o.product_key, o.sub_product_key, o.start_at, o.end_at, o.net_volume, o.temperature_c, o.pressure_abs_kpa,
            o.reference_pressure_kpa, o.counterparty_rfc, o.counterparty_name, o.counterparty_permit, o.amount_mxn
       from operations o
      where o.installation_id = $1 and o.end_at >= $2 and o.end_at < $3
        and not exists (select 1 from operations s where s.supersedes_id = o.id)
      order by o.end_at, o.number`,
    [inst.id, windowStart, windowEnd],
  );

  const cfdisByNumber = await loadCfdisByOperationNumber(db, inst.id, windowStart, windowEnd);

  const events = await loadBitacoraWindow(db, inst.id, windowStart, windowEnd);

  const snapshot: MonthlyReportSnapshot = {
    ...snapshotHeader(inst, counts?.wells ?? 0),
    month,
    reportedAt,
    products,
    tanks: tanks.map((t) => ({
      id: t.id,
      key: t.key,
      productKey: t.product_key,
      subProductKey: t.sub_product_key,
      status: t.status,
      cuts: cutsByTank.get(t.id) ?? [],
    })),
    ductCounts: { inletOutlet: counts?.inlet_outlet ?? 0, transportDistribution: counts?.transport_distribution ?? 0 },
    dispenserCount: counts?.dispensers ?? 0,
    operations: operations.map((o) => ({
      id: num(o.id),
      number: num(o.number),
      type: o.type,
      satRecordType: o.sat_record_type,
      elementType: o.element_type,
      tankId: o.tank_id,
      ductId: o.duct_id,
      dispenserId: o.dispenser_id,
      hoseId: o.hose_id,
      productKey: o.product_key,
      subProductKey: o.sub_product_key,
      startAt: date(o.start_at),
      endAt: date(o.end_at),
      elementVolumeBefore: null,
      elementVolumeAfter: null,
      netVolume: num(o.net_volume),
      temperatureC: numOrNull(o.temperature_c),
      pressureAbsKpa: numOrNull(o.pressure_abs_kpa),
      referencePressureKpa: num(o.reference_pressure_kpa),
      counterpartyRfc: o.counterparty_rfc,
      counterpartyName: o.counterparty_name,
      counterpartyPermit: o.counterparty_permit,
      totalizerAfter: null,
      amountMxn: numOrNull(o.amount_mxn),
      clarification: null,
      cfdis: cfdisByNumber.get(num(o.number)) ?? [],
    })),
    bitacora: events.map((e) => ({
      number: num(e.id),
      time: date(e.time),
      username: e.username,
      eventType: num(e.event_type),
      description: e.description,
      component: e.component,
    })),
  };
  return { snapshot, installationId: inst.id, windowStart, windowEnd, missingCutDates };
}

export interface BuildMonthlyReportOptions {
  /** Generation time (SAT FechaYHoraReporteMes). */
  now: Date;
}

/**
 * Builds and validates the monthly report (A30-RPT-02, A30-RPT-04). Throws MonthlyReportError:
 * invalid_month, installation_not_found, no_cut, build_failed (data the report cannot express,
 * e.g. no cut of the month's last day) or invalid_report (every failing path) — an invalid report
 * is never returned.
 */
export async function buildMonthlyReportFromDatabase(
  db: SqlExecutor,
  installationKey: string,
  month: string,
  options: BuildMonthlyReportOptions,
): Promise<MonthlyReportResult> {
  const loaded = await loadMonthlyReportSnapshot(db, installationKey, month, options.now);
  const { snapshot } = loaded;
  let report: Record<string, unknown>;
  try {
    report = buildMonthlyReport(snapshot);
  } catch (error) {
    if (error instanceof MonthlyReportBuildError) {
      throw new MonthlyReportError(
        "build_failed",
        error.message,
        error.issues.map((message) => ({ path: "", message, rule: "datos" })),
      );
    }
    throw error;
  }
  const validation = assertValidReport("monthly", report);
  if (!validation.ok) {
    throw new MonthlyReportError(
      "invalid_report",
      `El reporte mensual de ${installationKey} de ${month} no es válido (${validation.errors.length} errores)`,
      validation.errors,
    );
  }
  return {
    installationId: loaded.installationId,
    installationKey: snapshot.installation.key,
    installationType: snapshot.installation.type,
    timeZone: snapshot.installation.timeZone,
    month,
    firstDay: `${month}-01`,
    lastDay: lastDayOfMonth(month),
    windowStart: loaded.windowStart,
    windowEnd: loaded.windowEnd,
    missingCutDates: loaded.missingCutDates,
    taxpayerRfc: snapshot.taxpayer.rfc,
    providerRfc: snapshot.taxpayer.providerRfcs[0] ?? "",
    report,
  };
}

/** The exact text of the report file: pretty-printed like the golden fixture, final newline. */
export function serializeMonthlyReport(report: Record<string, unknown>): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export interface StoreMonthlyReportOptions {
  /** Generation time: FechaYHoraReporteMes, ZIP entry time, created_at and the bitácora entry. */
  now: Date;
  /** RFC 4122 v4 of the file name (lower case); random by default. */
  uuid?: string;
  userId?: number | null;
  /** UsuarioResponsable of the bitácora entry; 'sistema' by default. */
  username?: string;
}

export interface StoredMonthlyReport extends MonthlyReportResult {
  id: number;
  version: number;
  /** Base name `M_<uuid>_<rfc>_<rfc proveedor>_<último día del mes>_<instalación>_<tipo>_JSON`. */
  fileName: string;
  jsonText: string;
  package: ReportPackage;
  eventLogId: number;
}

/**
 * Builds, validates, packages (ZIP + SHA-256) and stores the monthly report (A30-RPT-02,
 * A30-RPT-04) in generated_reports (kind 'monthly', period = the month's first and last day,
 * status 'draft'), as a new version when the month was generated before, and writes one bitácora
 * entry (operaciones cotidianas) — one transaction. The file name's date is the month's last day
 * (research note §6: "period date"; public generators use the last day of the month).
 */
export async function storeMonthlyReport(
  db: Database,
  installationKey: string,
  month: string,
  options: StoreMonthlyReportOptions,
): Promise<StoredMonthlyReport> {
  const result = await buildMonthlyReportFromDatabase(db, installationKey, month, { now: options.now });
  const jsonText = serializeMonthlyReport(result.report);
  const stored = await storeReportVersion(
    db,
    {
      kind: "monthly",
      installationId: result.installationId,
      installationKey: result.installationKey,
      installationType: result.installationType,
      timeZone: result.timeZone,
      taxpayerRfc: result.taxpayerRfc,
      providerRfc: result.providerRfc,
      tipoReporte: DAILY_REPORT_TYPE_CODES[result.installationType],
      periodStart: result.firstDay,
      periodEnd: result.lastDay,
      fileDate: result.lastDay,
      jsonText,
      describe: (version, zipName) => `Generación del reporte mensual SAT de ${result.installationKey} de ${month} (versión ${version}): ${zipName}`,
      details: { month, missingCutDates: result.missingCutDates },
    },
    options,
    (message, errors) => new MonthlyReportError("build_failed", message, errors),
  );
  return { ...result, ...stored, jsonText };
}
