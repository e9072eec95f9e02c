/**
 * Storing one generated SAT report as a new version (A30-RPT-01/02, issue #6 item 9): the SAT file
 * name, the ZIP package, the `generated_reports` row superseding the previous version of the same
 * kind, installation and period, and its bitácora entry, in one transaction. Shared by the daily
 * and the monthly report (their builders and checks stay in daily.ts / monthly.ts).
 */
import { randomUUID } from "node:crypto";
import type { Database } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { localDateTime } from "../../domain/sat-report/daily-builder";
import { reportFileName, type ReportTypeCode } from "../../domain/sat-report/file-name";
import { packageReport, type ReportPackage } from "../../domain/sat-report/package";
import type { ReportValidationError } from "../../domain/sat-report/schema-loader";

export interface ReportVersionInput {
  kind: "daily" | "monthly";
  installationId: number;
  installationKey: string;
  timeZone: string;
  taxpayerRfc: string;
  providerRfc: string;
  /** SAT TipoReporte of the installation kind; undefined when the kind has none. */
  tipoReporte: ReportTypeCode | undefined;
  installationType: string;
  periodStart: string;
  periodEnd: string;
  /** The date in the file name (daily: the report date; monthly: the month's last day). */
  fileDate: string;
  jsonText: string;
  describe: (version: number, zipName: string) => string;
  details: Record<string, unknown>;
}

export interface StoreVersionOptions {
  now: Date;
  userId?: number | null;
  username?: string;
  /** UUID of the file name (default random v4). */
  uuid?: string;
}

export interface StoredVersion {
  id: number;
  version: number;
  /** Base name `{D|M}_<uuid>_<rfc>_<rfc proveedor>_<fecha>_<instalación>_<tipo>_JSON`. */
  fileName: string;
  package: ReportPackage;
  eventLogId: number;
}

const PREVIOUS_VERSION_SQL = `select g.id, g.version from generated_reports g
  where g.kind = $1 and g.installation_id = $2 and g.period_start = $3::date
    and not exists (select 1 from generated_reports s where s.supersedes_id = g.id)
  order by g.version desc limit 1`;
const INSERT_VERSION_SQL = `insert into generated_reports (kind, installation_id, period_start, period_end, file_name, sha256, status, content,
                                 validation_errors, version, supersedes_id, created_at, created_by)
  values ($1, $2, $3::date, $4::date, $5, $6, 'draft', $7, null, $8, $9, $10, $11)
  returning id`;

/** `invalidName` turns a file-name problem into the caller's typed error (build_failed). */
export async function storeReportVersion(
  db: Database,
  input: ReportVersionInput,
  options: StoreVersionOptions,
  invalidName: (message: string, errors: ReportValidationError[]) => Error,
): Promise<StoredVersion> {
  const name = input.tipoReporte
    ? reportFileName({
        kind: input.kind === "daily" ? "D" : "M",
        uuid: options.uuid ?? randomUUID(),
        rfcContribuyente: input.taxpayerRfc,
        rfcProveedor: input.providerRfc,
        date: input.fileDate,
        claveInstalacion: input.installationKey,
        tipoReporte: input.tipoReporte,
      })
    : ({ ok: false, errors: [{ field: "tipoReporte", message: `sin TipoReporte para «${input.installationType}»` }] } as const);
  if (!name.ok) {
    throw invalidName(
      `Nombre de archivo del reporte inválido: ${name.errors.map((e) => e.message).join("; ")}`,
      name.errors.map((e) => ({ path: "", message: e.message, rule: `nombre-archivo:${e.field}` })),
    );
  }
  const pkg = packageReport(name.value, input.jsonText, localDateTime(options.now, input.timeZone));
  return db.transaction(async (tx) => {
    const [previous] = await tx.query<{ id: number; version: number }>(PREVIOUS_VERSION_SQL, [input.kind, input.installationId, input.periodStart]);
    const version = previous ? previous.version + 1 : 1;
    const [row] = await tx.query<{ id: number }>(INSERT_VERSION_SQL, [
      input.kind,
      input.installationId,
      input.periodStart,
      input.periodEnd,
      pkg.zipName,
      pkg.sha256Json,
      input.jsonText,
      version,
      previous?.id ?? null,
      options.now,
      options.userId ?? null,
    ]);
    if (!row) throw new Error("generated_reports: insert sin id");
    const entry = await appendEventLog(tx, {
      time: options.now,
      userId: options.userId ?? null,
      username: options.username ?? "sistema",
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: input.describe(version, pkg.zipName),
      component: input.installationKey,
      installationId: input.installationId,
      details: { reportId: row.id, kind: input.kind, ...input.details, version, fileName: pkg.zipName, sha256Json: pkg.sha256Json, sha256Zip: pkg.sha256Zip },
    });
    return { id: row.id, version, fileName: name.value, package: pkg, eventLogId: entry.id };
  });
}
