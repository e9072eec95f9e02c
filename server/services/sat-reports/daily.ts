/**
 * The SAT daily report of one installation and report date from the stored records only
 * (A30-RPT-01; issue #6 item 7): gathers a snapshot with parameterised SQL — the current version of
 * each tank's daily cut (inventory_cuts), the current versions of the operations of the cut period
 * (rows nobody supersedes), their CFDI links, the equipment catalogue and the bitácora entries of
 * the period, and the product composition of the latest dictamen — builds the Diario JSON with the pure builder and validates it with
 * `assertValidReport` (A30-RPT-04). An invalid report is never returned: DailyReportError carries
 * every failing path.
 *
 * Period: the cut period of the report date (inventory_cuts.period_start … cut_at), operations by
 * `end_at` in [period_start, cut_at) like the daily cut service; bitácora entries by `time` in the
 * same interval, of the installation or of no installation (system-wide entries). An installation
 * without tanks (a pipeline of transport ducts, A30-TYP) has no inventory cut: its period is the cut
 * schedule's period of the report date, reported once closed (`now`).
 */
import type { Database, SqlExecutor } from "../../../db/client";
import {
  DailyReportBuildError,
  buildDailyReport,
  type DailyReportSnapshot,
  type DailySnapshotMeter,
  type DailySnapshotOperation,
} from "../../domain/sat-report/daily-builder";
import type { ReportTypeCode } from "../../domain/sat-report/file-name";
import type { ReportPackage } from "../../domain/sat-report/package";
import { assertValidReport } from "../../domain/sat-report/report-rules";
import type { ReportValidationError } from "../../domain/sat-report/schema-loader";
import { schedulePeriodContaining, schedulePeriodForDate } from "../../domain/settings/cut-schedule";
import { loadCutSchedules } from "../settings/store";
import { storeReportVersion } from "./store-version";
import { date, loadBitacoraWindow, loadCfdisByOperationNumber, loadSnapshotProducts, num, numOrNull, snapshotHeader, type InstallationHeaderRow } from "./snapshot-shared";
// Re-exported: the monthly report, the CLI and tests read the SAT software version from here.
export { satSoftwareVersion } from "./snapshot-shared";

export type DailyReportErrorCode = "installation_not_found" | "no_cut" | "build_failed" | "invalid_report";

export class DailyReportError extends Error {
  constructor(
    readonly code: DailyReportErrorCode,
    message: string,
    /** Failing paths (invalid_report) or the data problems found (build_failed). */
    readonly errors: ReportValidationError[] = [],
  ) {
    super(message);
    this.name = "DailyReportError";
  }
}

export interface DailyReportResult {
  installationId: number;
  installationKey: string;
  installationType: string;
  /** IANA zone of the installation (report times, ZIP entry time). */
  timeZone: string;
  reportDate: string;
  periodStart: Date;
  cutAt: Date;
  /** RFCs for the SAT file name. */
  taxpayerRfc: string;
  providerRfc: string;
  /** The Diario JSON (valid against the schema and Aforo's rules). */
  report: Record<string, unknown>;
}


const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));

type InstallationRow = InstallationHeaderRow & { cut_hour: string; created_at: unknown };

export interface DailyReportOptions {
  /** Current time: an installation without tanks is reported only once its cut period has closed. Default: the clock. */
  now?: Date;
}

/**
 * The cut period of an installation without tanks (A30-TYP: a pipeline of transport ducts has no
 * inventory cut): the cut schedule's period of the report date, once closed and not before the
 * installation was registered; null otherwise.
 */
async function tanklessPeriod(db: SqlExecutor, inst: InstallationRow, reportDate: string, now: Date): Promise<{ start: Date; end: Date } | null> {
  const [tankCount] = await db.query<{ n: number }>(`select count(*)::int as n from tanks where installation_id = $1`, [inst.id]);
  if (Number(tankCount?.n ?? 0) > 0) return null;
  const schedule = (await loadCutSchedules(db, [{ id: inst.id, cut_hour: inst.cut_hour, time_zone: inst.time_zone }])).get(Number(inst.id))!;
  if (reportDate < schedulePeriodContaining(schedule, date(inst.created_at)).reportDate) return null;
  const period = schedulePeriodForDate(schedule, reportDate);
  return period.end.getTime() <= now.getTime() ? period : null;
}

/** Gathers the snapshot of the stored records (no validation). */
export async function loadDailyReportSnapshot(
  db: SqlExecutor,
  installationKey: string,
  reportDate: string,
  options: DailyReportOptions = {},
): Promise<{ snapshot: DailyReportSnapshot; installationId: number; periodStart: Date }> {
  const [inst] = await db.query<InstallationRow>(
    `select i.id, i.key, i.description, i.type, i.permit_modality, i.permit_number, i.contract_or_assignment_number,
            i.natural_gas_storage_installation, i.latitude, i.longitude, i.time_zone, i.cut_hour, i.created_at,
            t.rfc, t.legal_representative_rfc, t.provider_rfcs, t.character,
            t.permit_modality as tp_permit_modality, t.permit_number as tp_permit_number, t.contract_or_assignment_number as tp_contract
       from installations i join taxpayers t on t.id = i.taxpayer_id
      where i.key = $1`,
    [installationKey],
  );
  if (!inst) throw new DailyReportError("installation_not_found", `No existe la instalación ${installationKey}`);

  const cuts = await db.query<{
    tank_id: number;
    period_start: unknown;
    cut_at: unknown;
    opening_volume: string;
    opening_measured_at: unknown;
    receptions_volume: string;
    deliveries_volume: string;
    book_volume: string;
  }>(
    `select c.tank_id, c.period_start, c.cut_at, c.opening_volume, c.opening_measured_at, c.receptions_volume,
            c.deliveries_volume, c.book_volume
       from inventory_cuts c
      where c.installation_id = $1 and c.report_date = $2::date
        and not exists (select 1 from inventory_cuts s where s.supersedes_id = c.id)
      order by c.tank_id, c.measurement_system_id nulls last, c.id`,
    [inst.id, reportDate],
  );
  const tankless = cuts.length === 0 ? await tanklessPeriod(db, inst, reportDate, options.now ?? new Date()) : null;
  if (cuts.length === 0 && !tankless) {
    throw new DailyReportError("no_cut", `No hay corte diario de ${installationKey} para el ${reportDate}; el reporte diario se genera a partir del corte`);
  }
  const cutByTank = new Map<number, (typeof cuts)[number]>();
  for (const c of cuts) if (!cutByTank.has(c.tank_id)) cutByTank.set(c.tank_id, c);
  const periodStart = tankless ? tankless.start : new Date(Math.min(...cuts.map((c) => date(c.period_start).getTime())));
  const cutAt = tankless ? tankless.end : new Date(Math.max(...cuts.map((c) => date(c.cut_at).getTime())));

  const products = await loadSnapshotProducts(db, inst.id, reportDate);

  const meters = await db.query<{
    key: string;
    element_type: string;
    tank_id: number | null;
    duct_id: number | null;
    dispenser_id: number | null;
    hose_id: number | null;
    description: string;
    valid_until: string;
    uncertainty_pct: string;
  }>(
    `select key, element_type, tank_id, duct_id, dispenser_id, hose_id, description,
            to_char(calibration_valid_until, 'YYYY-MM-DD') as valid_until, uncertainty_pct
       from measurement_systems where installation_id = $1 order by key`,
    [inst.id],
  );
  const meter = (m: (typeof meters)[number]): DailySnapshotMeter => ({
    key: m.key,
    description: m.description,
    calibrationValidUntil: m.valid_until,
    uncertaintyPct: num(m.uncertainty_pct),
  });

  const tanks = await db.query<{
    id: number;
    key: string;
    description: string;
    product_key: string;
    sub_product_key: string | null;
    capacity_total_l: string;
    capacity_operating_l: string;
    capacity_useful_l: string;
    capacity_fondaje_l: string | null;
    capacity_gas_talon_l: string | null;
    minimum_operating_volume_l: string;
    valid_until: string | null;
    status: "O" | "F";
  }>(
    `select id, key, description, product_key, sub_product_key, capacity_total_l, capacity_operating_l, capacity_useful_l,
            capacity_fondaje_l, capacity_gas_talon_l, minimum_operating_volume_l,
            to_char(calibration_valid_until, 'YYYY-MM-DD') as valid_until, status
       from tanks where installation_id = $1 order by key`,
    [inst.id],
  );

  const ducts = await db.query<{
    id: number;
    key: string;
    description: string;
    diameter_in: string;
    gas_talon_capacity_m3: string | null;
    direction: "inlet" | "outlet" | "transport" | "distribution";
    product_key: string | null;
  }>(
    `select id, key, description, diameter_in, gas_talon_capacity_m3, direction, product_key
       from ducts where installation_id = $1 order by key`,
    [inst.id],
  );

  const dispensers = await db.query<{ id: number; key: string }>(
    `select id, key from dispensers where installation_id = $1 order by key`,
    [inst.id],
  );
  const hoses = await db.query<{ id: number; dispenser_id: number; key: string; product_key: string; sub_product_key: string | null; tank_id: number }>(
    `select h.id, h.dispenser_id, h.key, h.product_key, h.sub_product_key, h.tank_id
       from hoses h join dispensers d on d.id = h.dispenser_id
      where d.installation_id = $1 order by h.key`,
    [inst.id],
  );
  const [wells] = await db.query<{ n: number }>(`select count(*)::int as n from wells where installation_id = $1`, [inst.id]);

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
    element_volume_before: string | null;
    reading_before: number | null;
    reading_after: number | null;
    reading_temperature: number | null;
    element_volume_after: string | null;
    net_volume: string;
    temperature_c: string | null;
    pressure_abs_kpa: string | null;
    reference_pressure_kpa: string;
    counterparty_rfc: string | null;
    counterparty_name: string | null;
    counterparty_permit: string | null;
    totalizer_after: string | null;
    amount_mxn: string | null;
    clarification: string | null;
  }>(
    `select o.id, o.number, o.type, o.sat_record_type, o.element_type, o.tank_id, o.duct_id, o.dispenser_id, o.hose_id,
            o.product_key, o.sub_product_key, o.start_at, o.end_at, o.element_volume_before, o.element_volume_after,
            o.net_volume, o.temperature_c, o.pressure_abs_kpa, o.reference_pressure_kpa, o.counterparty_rfc,
            -- A manual operation (A30-REC-07) may lack the tank's volumes and temperature: the report then
            -- takes the tank's stored readings (net litres at reference conditions) at its start and end.
            (select r.net_volume_l from tank_readings r
              where o.tank_id is not null and r.tank_id = o.tank_id and r.time <= o.start_at order by r.time desc limit 1) as reading_before,
            (select r.net_volume_l from tank_readings r
              where o.tank_id is not null and r.tank_id = o.tank_id and r.time <= o.end_at order by r.time desc limit 1) as reading_after,
            (select r.temperature_c from tank_readings r
              where o.tank_id is not null and r.tank_id = o.tank_id and r.time <= o.end_at and r.temperature_c is not null order by r.time desc limit 1) as reading_temperature,
            o.counterparty_name, o.counterparty_permit, o.totalizer_after, o.amount_mxn, o.clarification
       from operations o
      where o.installation_id = $1 and o.end_at >= $2 and o.end_at < $3
        and not exists (select 1 from operations s where s.supersedes_id = o.id)
      order by o.end_at, o.number`,
    [inst.id, periodStart, cutAt],
  );

  const cfdisByNumber = await loadCfdisByOperationNumber(db, inst.id, periodStart, cutAt);

  const events = await loadBitacoraWindow(db, inst.id, periodStart, cutAt);

  const snapshot: DailyReportSnapshot = {
    ...snapshotHeader(inst, wells?.n ?? 0),
    reportDate,
    cutAt,
    products,
    tanks: tanks.map((t) => {
      const c = cutByTank.get(t.id);
      return {
        id: t.id,
        key: t.key,
        description: t.description,
        productKey: t.product_key,
        subProductKey: t.sub_product_key,
        capacityTotal: num(t.capacity_total_l),
        capacityOperating: num(t.capacity_operating_l),
        capacityUseful: num(t.capacity_useful_l),
        capacityFondaje: numOrNull(t.capacity_fondaje_l),
        capacityGasTalon: numOrNull(t.capacity_gas_talon_l),
        minimumOperatingVolume: num(t.minimum_operating_volume_l),
        calibrationValidUntil: t.valid_until,
        status: t.status,
        meters: meters.filter((m) => m.tank_id === t.id).map(meter),
        cut: c
          ? {
              periodStart: date(c.period_start),
              cutAt: date(c.cut_at),
              openingVolume: num(c.opening_volume),
              openingMeasuredAt: dateOrNull(c.opening_measured_at),
              receptionsVolume: num(c.receptions_volume),
              deliveriesVolume: num(c.deliveries_volume),
              bookVolume: num(c.book_volume),
            }
          : null,
      };
    }),
    ducts: ducts.map((d) => ({
      id: d.id,
      key: d.key,
      description: d.description,
      diameterIn: num(d.diameter_in),
      gasTalonCapacityM3: numOrNull(d.gas_talon_capacity_m3),
      direction: d.direction,
      productKey: d.product_key,
      meters: meters.filter((m) => m.duct_id === d.id).map(meter),
    })),
    dispensers: dispensers.map((d) => {
      const own = hoses.filter((h) => h.dispenser_id === d.id);
      const ownHoseIds = new Set(own.map((h) => h.id));
      return {
        id: d.id,
        key: d.key,
        meters: meters.filter((m) => m.dispenser_id === d.id || (m.hose_id !== null && ownHoseIds.has(m.hose_id))).map(meter),
        hoses: own.map((h) => ({ id: h.id, key: h.key, productKey: h.product_key, subProductKey: h.sub_product_key, tankId: h.tank_id })),
      };
    }),
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
      elementVolumeBefore: numOrNull(o.element_volume_before) ?? numOrNull(o.reading_before),
      elementVolumeAfter: numOrNull(o.element_volume_after) ?? numOrNull(o.reading_after),
      netVolume: num(o.net_volume),
      temperatureC: numOrNull(o.temperature_c) ?? numOrNull(o.reading_temperature),
      pressureAbsKpa: numOrNull(o.pressure_abs_kpa),
      referencePressureKpa: num(o.reference_pressure_kpa),
      counterpartyRfc: o.counterparty_rfc,
      counterpartyName: o.counterparty_name,
      counterpartyPermit: o.counterparty_permit,
      totalizerAfter: numOrNull(o.totalizer_after),
      amountMxn: numOrNull(o.amount_mxn),
      clarification: o.clarification,
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
  return { snapshot, installationId: inst.id, periodStart };
}

/**
 * Builds and validates the daily report (A30-RPT-01, A30-RPT-04). Throws DailyReportError:
 * installation_not_found, no_cut, build_failed (data the report cannot express) or
 * invalid_report (every failing path) — an invalid report is never returned.
 */
export async function buildDailyReportFromDatabase(
  db: SqlExecutor,
  installationKey: string,
  reportDate: string,
  options: DailyReportOptions = {},
): Promise<DailyReportResult> {
  const { snapshot, installationId, periodStart } = await loadDailyReportSnapshot(db, installationKey, reportDate, options);
  let report: Record<string, unknown>;
  try {
    report = buildDailyReport(snapshot);
  } catch (error) {
    if (error instanceof DailyReportBuildError) {
      throw new DailyReportError(
        "build_failed",
        error.message,
        error.issues.map((message) => ({ path: "", message, rule: "datos" })),
      );
    }
    throw error;
  }
  const validation = assertValidReport("daily", report);
  if (!validation.ok) {
    throw new DailyReportError(
      "invalid_report",
      `El reporte diario de ${installationKey} del ${reportDate} no es válido (${validation.errors.length} errores)`,
      validation.errors,
    );
  }
  return {
    installationId,
    installationKey: snapshot.installation.key,
    installationType: snapshot.installation.type,
    timeZone: snapshot.installation.timeZone,
    reportDate,
    periodStart,
    cutAt: snapshot.cutAt,
    taxpayerRfc: snapshot.taxpayer.rfc,
    providerRfc: snapshot.taxpayer.providerRfcs[0] ?? "",
    report,
  };
}

/** Alias with the name used by the issue: `buildDailyReport(db, installationKey, reportDate)`. */
export const buildDailyReportForInstallation = buildDailyReportFromDatabase;

/** The exact text of the report file: pretty-printed like the golden fixture, final newline. */
export function serializeDailyReport(report: Record<string, unknown>): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * SAT TipoReporte of the file name per installation kind (research note §6: EXO for service
 * stations; the validator's list has TRA transporte, DIS distribución, REF refinación — a process
 * station reports like a refinery, A30-TYP-*). Used by the daily and the monthly report.
 */
export const DAILY_REPORT_TYPE_CODES: Readonly<Record<string, ReportTypeCode>> = {
  service_station: "EXO",
  storage_terminal: "ALM",
  pipeline: "TRA",
  distribution: "DIS",
  process_station: "REF",
  refinery: "REF",
};

export interface StoreDailyReportOptions {
  /** Generation time: ZIP entry time (installation's wall clock), created_at and the bitácora entry. */
  now: Date;
  /** RFC 4122 v4 of the file name (lower case); random by default. */
  uuid?: string;
  userId?: number | null;
  /** UsuarioResponsable of the bitácora entry; 'sistema' by default. */
  username?: string;
}

export interface StoredDailyReport extends DailyReportResult {
  id: number;
  version: number;
  /** Base name `D_<uuid>_<rfc>_<rfc proveedor>_<fecha>_<instalación>_<tipo>_JSON`. */
  fileName: string;
  jsonText: string;
  package: ReportPackage;
  eventLogId: number;
}

/**
 * Builds, validates, packages (ZIP + SHA-256) and stores the daily report (A30-RPT-01, A30-RPT-04)
 * in generated_reports with status 'draft' (valid, not yet sealed: A30-RPT-03 is a later step), as
 * a new version when the date was generated before (the previous one stays readable), and writes
 * one bitácora entry (operaciones cotidianas) — all in one transaction. `sha256` is the hash of the
 * JSON text stored in `content`'s serialisation (`jsonText`); the ZIP's hash is in the entry details.
 */
export async function storeDailyReport(
  db: Database,
  installationKey: string,
  reportDate: string,
  options: StoreDailyReportOptions,
): Promise<StoredDailyReport> {
  const result = await buildDailyReportFromDatabase(db, installationKey, reportDate, { now: options.now });
  const jsonText = serializeDailyReport(result.report);
  const stored = await storeReportVersion(
    db,
    {
      kind: "daily",
      installationId: result.installationId,
      installationKey: result.installationKey,
      installationType: result.installationType,
      timeZone: result.timeZone,
      taxpayerRfc: result.taxpayerRfc,
      providerRfc: result.providerRfc,
      tipoReporte: DAILY_REPORT_TYPE_CODES[result.installationType],
      periodStart: reportDate,
      periodEnd: reportDate,
      fileDate: reportDate,
      jsonText,
      describe: (version, zipName) => `Generación del reporte diario SAT de ${result.installationKey} del ${reportDate} (versión ${version}): ${zipName}`,
      details: {},
    },
    options,
    (message, errors) => new DailyReportError("build_failed", message, errors),
  );
  return { ...result, ...stored, jsonText };
}
