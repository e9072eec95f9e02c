/**
 * Reading, downloading and sending stored SAT reports (issue #6 items 9 and 12; A30-RPT-02/03,
 * A30-ACC-08): the list for the Reportes page, one report with its human-readable preview, the
 * exact files (JSON inside the stored ZIP, the ZIP, the detached signature .p7s) and the bitácora
 * entries "descarga de reporte" and "envío al SAT". File names always come from the stored row.
 */
import type { SqlExecutor } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { unpackReport } from "../../domain/sat-report/package";
import { reportPreview, type ReportPreview } from "./preview";
import { loadReportPackage, loadReportRow, reportLabel, reportRowFrom, type ReportActor, type StoredReportRow } from "./seal";

export const REPORT_FILES = ["json", "zip", "sig"] as const;
export type ReportFile = (typeof REPORT_FILES)[number];

export function isReportFile(value: unknown): value is ReportFile {
  return typeof value === "string" && (REPORT_FILES as readonly string[]).includes(value);
}

export const REPORT_FILE_LABELS: Record<ReportFile, string> = { json: "JSON", zip: "ZIP", sig: "firma .p7s" };

export interface ReportView {
  id: number;
  kind: "daily" | "monthly";
  installationKey: string;
  periodStart: string;
  periodEnd: string;
  version: number;
  /** A newer version of the same period exists. */
  superseded: boolean;
  fileName: string;
  sha256: string;
  status: StoredReportRow["status"];
  sealed: boolean;
  isTest: boolean;
  noCertificado: string | null;
  createdAt: string;
  createdBy: string | null;
  /** The ZIP package is stored (JSON and ZIP downloads available). */
  hasPackage: boolean;
}

const LIST_SQL = `select g.id, g.kind, g.installation_id, i.key as installation_key, i.taxpayer_id,
       to_char(g.period_start, 'YYYY-MM-DD') as period_start, to_char(g.period_end, 'YYYY-MM-DD') as period_end,
       g.file_name, g.sha256, g.status, g.csd_certificate_id, g.signature_base64, g.is_test, g.version, g.supersedes_id,
       exists (select 1 from generated_reports s where s.supersedes_id = g.id) as superseded,
       g.created_at, u.username as created_by, c.serial_number as no_certificado,
       exists (select 1 from attachments a where a.category = 'sat_report_zip' and a.subject_table = 'generated_reports' and a.subject_id = g.id::text) as has_package
  from generated_reports g
  join installations i on i.id = g.installation_id
  left join users u on u.id = g.created_by
  left join csd_certificates c on c.id = g.csd_certificate_id
 where ($1::text is null or i.key = $1) and ($2::integer is null or g.id = $2)
 order by g.period_start desc, i.key, g.kind, g.version desc
 limit $3`;

type ListRow = Parameters<typeof reportRowFrom>[0] & { no_certificado: string | null; has_package: boolean };

function viewOf(raw: ListRow): ReportView {
  const r = reportRowFrom(raw);
  return {
    id: r.id,
    kind: r.kind,
    installationKey: r.installationKey,
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
    version: r.version,
    superseded: r.superseded,
    fileName: r.fileName,
    sha256: r.sha256,
    status: r.status,
    sealed: r.status === "sealed",
    isTest: r.isTest,
    noCertificado: raw.no_certificado,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
    hasPackage: raw.has_package,
  };
}

/** Stored reports, newest period first (every version). */
export async function listReports(db: SqlExecutor, options: { installationKey?: string; limit?: number } = {}): Promise<ReportView[]> {
  const rows = await db.query<ListRow>(LIST_SQL, [options.installationKey ?? null, null, Math.min(Math.max(options.limit ?? 200, 1), 1000)]);
  return rows.map(viewOf);
}

export interface ReportDetail extends ReportView {
  preview: ReportPreview;
  installationDescription: string | null;
}

/** One stored report with the preview of its content, or null. */
export async function getReportDetail(db: SqlExecutor, reportId: number): Promise<ReportDetail | null> {
  const [raw] = await db.query<ListRow>(LIST_SQL, [null, reportId, 1]);
  if (!raw) return null;
  const view = viewOf(raw);
  const [content] = await db.query<{ content: unknown; description: string }>(
    `select g.content, i.description from generated_reports g join installations i on i.id = g.installation_id where g.id = $1`,
    [reportId],
  );
  const json = typeof content?.content === "string" ? (JSON.parse(content.content) as unknown) : content?.content;
  return { ...view, preview: reportPreview(view.kind, json ?? {}), installationDescription: content?.description ?? null };
}

export interface ReportFileContent {
  bytes: Buffer;
  /** From the stored row: `<base>.json`, `<base>.zip`, `<base>.zip.p7s`. */
  fileName: string;
  mediaType: string;
}

export type ReportFileResult = { ok: true; value: ReportFileContent } | { ok: false; status: 404 | 409; error: string };

const baseName = (fileName: string) => fileName.replace(/\.zip$/i, "");

/**
 * The exact bytes of a stored report file: `json` is the only entry of the stored ZIP (its SHA-256
 * is the row's sha256), `zip` the stored package, `sig` the detached CMS signature (DER).
 */
export async function readReportFile(db: SqlExecutor, reportId: number, what: ReportFile): Promise<ReportFileResult> {
  const row = await loadReportRow(db, reportId);
  if (!row) return { ok: false, status: 404, error: `No existe el reporte ${reportId}` };
  const name = baseName(row.fileName);
  if (what === "sig") {
    if (!row.signatureBase64) return { ok: false, status: 409, error: `El ${reportLabel(row)} no está sellado: no tiene firma` };
    return { ok: true, value: { bytes: Buffer.from(row.signatureBase64, "base64"), fileName: `${name}.zip.p7s`, mediaType: "application/pkcs7-signature" } };
  }
  const pkg = await loadReportPackage(db, reportId);
  if (!pkg) return { ok: false, status: 409, error: `El paquete del ${reportLabel(row)} no está guardado; genere una nueva versión` };
  if (what === "zip") return { ok: true, value: { bytes: pkg.zip, fileName: `${name}.zip`, mediaType: "application/zip" } };
  const unpacked = unpackReport(pkg.zip);
  if (!unpacked.ok) return { ok: false, status: 409, error: `El paquete guardado no es válido: ${unpacked.error}` };
  return { ok: true, value: { bytes: Buffer.from(unpacked.value.jsonText, "utf8"), fileName: `${name}.json`, mediaType: "application/json" } };
}

/** Issue #6 item 9: one bitácora entry "descarga de reporte" per download. */
export async function recordDownload(db: SqlExecutor, actor: ReportActor, reportId: number, what: ReportFile, now: Date): Promise<number> {
  const row = await loadReportRow(db, reportId);
  if (!row) throw new Error(`No existe el reporte ${reportId}`);
  const entry = await appendEventLog(db, {
    time: now,
    userId: actor.id,
    username: actor.username,
    category: EVENT_CATEGORY.dailyOperations,
    eventType: EVENT_CATEGORY.dailyOperations,
    description: `Descarga de reporte: ${REPORT_FILE_LABELS[what]} del ${reportLabel(row)}`,
    component: row.installationKey,
    installationId: row.installationId,
    details: { action: "descarga_reporte", reportId, file: what, kind: row.kind, version: row.version, fileName: row.fileName },
  });
  return entry.id;
}

/** Issue #6 item 9: one bitácora entry "envío al SAT" (the person delivered the package to SAT). */
export async function markSent(db: SqlExecutor, actor: ReportActor, reportId: number, now: Date, note?: string): Promise<number | null> {
  const row = await loadReportRow(db, reportId);
  if (!row) return null;
  const entry = await appendEventLog(db, {
    time: now,
    userId: actor.id,
    username: actor.username,
    category: EVENT_CATEGORY.dailyOperations,
    eventType: EVENT_CATEGORY.dailyOperations,
    description: `Envío al SAT del ${reportLabel(row)}: ${row.fileName}${row.status === "sealed" ? "" : " (sin sellar)"}${note ? `. Nota: ${note}` : ""}`,
    component: row.installationKey,
    installationId: row.installationId,
    details: { action: "envio_sat", reportId, kind: row.kind, version: row.version, fileName: row.fileName, sha256: row.sha256, sealed: row.status === "sealed" },
  });
  return entry.id;
}
