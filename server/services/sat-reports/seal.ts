/**
 * Storage and sealing of generated SAT reports (issue #6 items 9–10; A30-RPT-02, A30-RPT-03).
 *
 * Where each piece lives:
 *  - generated_reports: the report row (kind, installation, period, version, `sha256` = SHA-256 of
 *    the exact JSON bytes, `content` = the JSON as jsonb, `file_name` = `<base>.zip`), and — once
 *    sealed — `signature_base64` (detached CMS/PKCS#7, DER, base64), `csd_certificate_id`, `is_test`
 *    and `status = 'sealed'`.
 *  - attachments (category `sat_report_zip`, subject `generated_reports`/<id>): the ZIP package
 *    exactly as generated. generated_reports has no column for the package bytes and jsonb does not
 *    keep the JSON text byte for byte (key order, spacing), so the package is stored here; the JSON
 *    download is the package's only entry, whose SHA-256 is the row's `sha256`.
 *
 * Immutability (issue #6 item 9): nothing here ever UPDATEs the content, hash, file name or package
 * of a stored version; sealing writes only the status/signature columns of a draft row. A
 * regeneration is a new version (storeDailyReport).
 */
import { createHash } from "node:crypto";
import type { Database, SqlExecutor } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { signDetachedCms, verifyDetachedCms } from "../../domain/csd/cms";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { unpackReport, type ReportPackage } from "../../domain/sat-report/package";
import { activeSigner, CsdUnavailableError } from "../csd/certificates";

/** attachments.category of a stored report package. */
export const REPORT_PACKAGE_CATEGORY = "sat_report_zip";
export const REPORT_PACKAGE_SUBJECT = "generated_reports";

/** A30-RPT-03: why a report stays unsealed when no CSD is active. */
export const REPORT_NO_CSD_MESSAGE = "Reporte sin sellar: no hay un CSD activo: instale el certificado en «Certificados».";

export type ReportSealErrorCode = "not_found" | "no_package" | "no_csd" | "not_sealable";

export class ReportSealError extends Error {
  constructor(
    readonly code: ReportSealErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ReportSealError";
  }
}

/** Who asks (bitácora UsuarioResponsable); null id for the system. */
export interface ReportActor {
  id: number | null;
  username: string;
}

const SYSTEM: ReportActor = { id: null, username: "sistema" };

export interface StoredReportRow {
  id: number;
  kind: "daily" | "monthly";
  installationId: number;
  installationKey: string;
  taxpayerId: number;
  periodStart: string;
  periodEnd: string;
  fileName: string;
  sha256: string;
  status: "draft" | "invalid" | "sealed" | "failed";
  csdCertificateId: number | null;
  signatureBase64: string | null;
  isTest: boolean;
  version: number;
  supersedesId: number | null;
  /** A newer version of the same period exists. */
  superseded: boolean;
  createdAt: Date;
  createdBy: string | null;
}

const REPORT_ROW_SQL = `select g.id, g.kind, g.installation_id, i.key as installation_key, i.taxpayer_id,
       to_char(g.period_start, 'YYYY-MM-DD') as period_start, to_char(g.period_end, 'YYYY-MM-DD') as period_end,
       g.file_name, g.sha256, g.status, g.csd_certificate_id, g.signature_base64, g.is_test, g.version, g.supersedes_id,
       exists (select 1 from generated_reports s where s.supersedes_id = g.id) as superseded,
       g.created_at, u.username as created_by
  from generated_reports g
  join installations i on i.id = g.installation_id
  left join users u on u.id = g.created_by
 where g.id = $1`;

interface RawReportRow {
  id: number | string;
  kind: "daily" | "monthly";
  installation_id: number | string;
  installation_key: string;
  taxpayer_id: number | string;
  period_start: string;
  period_end: string;
  file_name: string;
  sha256: string;
  status: StoredReportRow["status"];
  csd_certificate_id: number | string | null;
  signature_base64: string | null;
  is_test: boolean;
  version: number | string;
  supersedes_id: number | string | null;
  superseded: boolean;
  created_at: Date | string;
  created_by: string | null;
}

export function reportRowFrom(r: RawReportRow): StoredReportRow {
  return {
    id: Number(r.id),
    kind: r.kind,
    installationId: Number(r.installation_id),
    installationKey: r.installation_key,
    taxpayerId: Number(r.taxpayer_id),
    periodStart: r.period_start,
    periodEnd: r.period_end,
    fileName: r.file_name,
    sha256: r.sha256,
    status: r.status,
    csdCertificateId: r.csd_certificate_id === null ? null : Number(r.csd_certificate_id),
    signatureBase64: r.signature_base64,
    isTest: r.is_test,
    version: Number(r.version),
    supersedesId: r.supersedes_id === null ? null : Number(r.supersedes_id),
    superseded: r.superseded,
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
    createdBy: r.created_by,
  };
}

export async function loadReportRow(db: SqlExecutor, reportId: number): Promise<StoredReportRow | null> {
  const [row] = await db.query<RawReportRow>(REPORT_ROW_SQL, [reportId]);
  return row ? reportRowFrom(row) : null;
}

const bytes = (value: Buffer | Uint8Array): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(value));
const sha256Hex = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

/**
 * Stores the ZIP package of a report (A30-RPT-02) as an attachment of the report row. Called once,
 * right after the row is stored; a package is never replaced.
 */
export async function storeReportPackage(
  db: SqlExecutor,
  reportId: number,
  pkg: Pick<ReportPackage, "zip" | "zipName" | "sha256Zip">,
  now: Date,
  userId: number | null = null,
): Promise<number> {
  const [existing] = await db.query<{ id: number }>(
    `select id from attachments where category = $1 and subject_table = $2 and subject_id = $3 limit 1`,
    [REPORT_PACKAGE_CATEGORY, REPORT_PACKAGE_SUBJECT, String(reportId)],
  );
  if (existing) throw new Error(`El reporte ${reportId} ya tiene su paquete guardado; un paquete no se reemplaza`);
  const [row] = await db.query<{ id: number }>(
    `insert into attachments (sha256, file_name, media_type, size_bytes, content, category, subject_table, subject_id, created_at, created_by)
     values ($1, $2, 'application/zip', $3, $4, $5, $6, $7, $8, $9) returning id`,
    [pkg.sha256Zip, pkg.zipName, pkg.zip.byteLength, Buffer.from(pkg.zip), REPORT_PACKAGE_CATEGORY, REPORT_PACKAGE_SUBJECT, String(reportId), now, userId],
  );
  if (!row) throw new Error("attachments: insert sin id");
  return Number(row.id);
}

/** The stored ZIP package of a report with its recorded SHA-256, or null when none was stored. */
export async function loadReportPackage(db: SqlExecutor, reportId: number): Promise<{ zip: Buffer; sha256: string; fileName: string } | null> {
  const [row] = await db.query<{ content: Buffer | Uint8Array; sha256: string; file_name: string }>(
    `select content, sha256, file_name from attachments where category = $1 and subject_table = $2 and subject_id = $3 order by id limit 1`,
    [REPORT_PACKAGE_CATEGORY, REPORT_PACKAGE_SUBJECT, String(reportId)],
  );
  return row ? { zip: bytes(row.content), sha256: row.sha256, fileName: row.file_name } : null;
}

export interface SealedReport {
  reportId: number;
  noCertificado: string;
  certificateId: number;
  /** Detached CMS signature (DER). */
  signature: Buffer;
  isTest: boolean;
  eventLogId: number;
}

const KIND_LABEL = { daily: "diario", monthly: "mensual" } as const;

function periodLabel(row: Pick<StoredReportRow, "kind" | "periodStart">): string {
  return row.kind === "monthly" ? row.periodStart.slice(0, 7) : row.periodStart;
}

/** «reporte diario SAT de EDS-0001 del 2026-11-19 (versión 2)». */
export function reportLabel(row: Pick<StoredReportRow, "kind" | "installationKey" | "periodStart" | "version">): string {
  return `reporte ${KIND_LABEL[row.kind]} SAT de ${row.installationKey} del ${periodLabel(row)} (versión ${row.version})`;
}

/**
 * A30-RPT-03 (issue #6 item 10): seals the stored ZIP of a draft report with the active CSD of the
 * installation's taxpayer — a detached CMS/PKCS#7 SignedData (DER) — and stores the signature,
 * the certificate used and `status = 'sealed'`, with one bitácora entry, in one transaction.
 * Throws ReportSealError: not_found, no_package, not_sealable (already sealed or not a draft) or
 * no_csd (no usable CSD: the report stays unsealed, message for the person).
 */
export async function sealReport(db: Database, reportId: number, now: Date, keyHex: string, actor: ReportActor = SYSTEM): Promise<SealedReport> {
  const row = await loadReportRow(db, reportId);
  if (!row) throw new ReportSealError("not_found", `No existe el reporte ${reportId}`);
  if (row.status !== "draft") {
    throw new ReportSealError("not_sealable", row.status === "sealed" ? `El ${reportLabel(row)} ya está sellado` : `El ${reportLabel(row)} no se puede sellar (estado ${row.status})`);
  }
  const pkg = await loadReportPackage(db, reportId);
  if (!pkg) throw new ReportSealError("no_package", `El ${reportLabel(row)} no tiene su paquete ZIP guardado; genere una nueva versión`);
  let signer: Awaited<ReturnType<typeof activeSigner>>;
  try {
    signer = await activeSigner(db, now, keyHex, { taxpayerId: row.taxpayerId });
  } catch (error) {
    if (error instanceof CsdUnavailableError) throw new ReportSealError("no_csd", error.code === "none" ? REPORT_NO_CSD_MESSAGE : error.message);
    throw error;
  }
  const signature = signDetachedCms(pkg.zip, signer.certificateDer, signer.privateKey, now);
  return db.transaction(async (tx) => {
    // Only the status/signature columns of a draft change; content, hash and file name never do.
    const updated = await tx.query<{ id: number }>(
      `update generated_reports set status = 'sealed', csd_certificate_id = $2, signature_base64 = $3, is_test = $4
        where id = $1 and status = 'draft' returning id`,
      [reportId, signer.certificateId, signature.toString("base64"), signer.isTest],
    );
    if (updated.length !== 1) throw new ReportSealError("not_sealable", `El ${reportLabel(row)} cambió de estado mientras se sellaba`);
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.id,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `Sellado del ${reportLabel(row)} con el CSD ${signer.noCertificado}${signer.isTest ? " (certificado de PRUEBAS)" : ""}: ${row.fileName}`,
      component: row.installationKey,
      installationId: row.installationId,
      details: { reportId, kind: row.kind, version: row.version, fileName: row.fileName, noCertificado: signer.noCertificado, sha256Zip: pkg.sha256 },
    });
    return { reportId, noCertificado: signer.noCertificado, certificateId: signer.certificateId, signature, isTest: signer.isTest, eventLogId: entry.id };
  });
}

export interface StoredReportVerification {
  /** Package intact (hashes) and, when sealed, the signature verifies. */
  ok: boolean;
  sealed: boolean;
  /** The stored ZIP's SHA-256 equals the recorded one and its JSON's SHA-256 equals the row's sha256. */
  hashOk: boolean;
  signatureOk: boolean | null;
  noCertificado: string | null;
  signingTime: string | null;
  /** Spanish explanation when something does not verify (or the report is not sealed). */
  reason: string | null;
}

/**
 * A30-RPT-03: re-checks a stored report — SHA-256 of the stored ZIP against the recorded hash, the
 * JSON inside it against the row's `sha256`, and the detached CMS signature against the CSD
 * certificate recorded on the row (verifyDetachedCms). null when the report does not exist.
 */
export async function verifyStoredReport(db: SqlExecutor, reportId: number): Promise<StoredReportVerification | null> {
  const row = await loadReportRow(db, reportId);
  if (!row) return null;
  const pkg = await loadReportPackage(db, reportId);
  const result: StoredReportVerification = { ok: false, sealed: row.status === "sealed", hashOk: false, signatureOk: null, noCertificado: null, signingTime: null, reason: null };
  if (!pkg) return { ...result, reason: "El paquete ZIP del reporte no está guardado" };
  const zipHash = sha256Hex(pkg.zip);
  const unpacked = unpackReport(pkg.zip);
  if (zipHash !== pkg.sha256) {
    result.reason = "El SHA-256 del ZIP guardado no coincide con el registrado: el paquete fue alterado";
  } else if (!unpacked.ok) {
    result.reason = `El ZIP guardado no es válido: ${unpacked.error}`;
  } else if (unpacked.value.sha256Json !== row.sha256) {
    result.reason = "El SHA-256 del JSON del paquete no coincide con el registrado en el reporte";
  } else {
    result.hashOk = true;
  }
  if (!row.signatureBase64 || row.csdCertificateId === null) {
    return { ...result, reason: result.reason ?? "Reporte sin sellar" };
  }
  const [cert] = await db.query<{ certificate_der_base64: string }>(`select certificate_der_base64 from csd_certificates where id = $1`, [row.csdCertificateId]);
  const verification = verifyDetachedCms(pkg.zip, Buffer.from(row.signatureBase64, "base64"), cert ? Buffer.from(cert.certificate_der_base64, "base64") : undefined);
  result.signatureOk = verification.ok;
  result.noCertificado = verification.signerNoCertificado;
  result.signingTime = verification.signingTime ? verification.signingTime.toISOString() : null;
  if (!verification.ok) result.reason = result.reason ?? `La firma no es válida: ${verification.reason ?? "motivo desconocido"}`;
  result.ok = result.hashOk && result.sealed && verification.ok;
  return result;
}
