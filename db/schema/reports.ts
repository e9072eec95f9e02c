import { sql } from "drizzle-orm";
import { boolean, check, date, integer, jsonb, pgTable, text, unique, type AnyPgColumn } from "drizzle-orm/pg-core";
import { csdCertificates } from "./certificates";
import { REPORT_KINDS, REPORT_STATUSES } from "./enums";
import { installations } from "./installations";
import { SHA256_HEX, checkIn, checkMatches, timestamptz, versionCheck } from "./internal";
import { users } from "./users";

/** A JSON-Schema validation error with the path of the offending value (A30-RPT-04). */
export interface ReportValidationErrorJson {
  path: string;
  message: string;
}

/**
 * Generated SAT reports (A30-RPT-01…05): the daily/monthly JSON, its SHA-256, validation result,
 * and the detached CMS signature made with the active CSD (A30-RPT-03). A regeneration is a new
 * version; the previous one stays readable.
 */
export const generatedReports = pgTable(
  "generated_reports",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind", { enum: REPORT_KINDS }).notNull(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    /** Daily: the report date twice; monthly: first and last day of the month. */
    periodStart: date("period_start", { mode: "string" }).notNull(),
    periodEnd: date("period_end", { mode: "string" }).notNull(),
    /** SAT file name (e.g. M_<uuid>_<rfc>_<rfc prov>_<date>_<instalación>_<tipo>_JSON). */
    fileName: text("file_name").notNull(),
    /** SHA-256 hex of the exact bytes delivered. */
    sha256: text("sha256").notNull(),
    status: text("status", { enum: REPORT_STATUSES }).notNull(),
    /** The report document (SAT field names verbatim). */
    content: jsonb("content").$type<Record<string, unknown>>(),
    validationErrors: jsonb("validation_errors").$type<ReportValidationErrorJson[]>(),
    /** CSD used to seal, and the detached CMS/PKCS#7 signature (DER, base64). */
    csdCertificateId: integer("csd_certificate_id").references(() => csdCertificates.id),
    signatureBase64: text("signature_base64"),
    /** Sealed with a test CSD (demo badge "PRUEBAS", A30-CSD-06). */
    isTest: boolean("is_test").notNull().default(false),
    version: integer("version").notNull().default(1),
    supersedesId: integer("supersedes_id")
      .unique()
      .references((): AnyPgColumn => generatedReports.id),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    createdBy: integer("created_by").references(() => users.id),
  },
  (t) => [
    unique("generated_reports_period_version_unique").on(t.kind, t.installationId, t.periodStart, t.version),
    checkIn("generated_reports_kind_check", t.kind, REPORT_KINDS),
    checkIn("generated_reports_status_check", t.status, REPORT_STATUSES),
    checkMatches("generated_reports_sha256_check", t.sha256, SHA256_HEX),
    check("generated_reports_period_check", sql`${t.periodEnd} >= ${t.periodStart}`),
    check("generated_reports_sealed_check", sql`${t.status} <> 'sealed' or (${t.csdCertificateId} is not null and ${t.signatureBase64} is not null)`),
    check("generated_reports_version_check", versionCheck(t.version, t.supersedesId)),
  ],
);
