import { sql } from "drizzle-orm";
import { boolean, check, date, integer, jsonb, pgTable, text, unique, uniqueIndex } from "drizzle-orm/pg-core";
import { attachments } from "./documents";
import { CERTIFICATE_RESULTS, CSD_STATUSES } from "./enums";
import { RFC_PATTERN, bytea, checkIn, checkMatches, timestamptz } from "./internal";
import { taxpayers } from "./taxpayers";
import { users } from "./users";

/**
 * Digital-seal certificates (CSD) used to seal reports (A30-CSD-01…06, A30-RPT-03). The private
 * key and its password are encrypted at rest with AES-256-GCM under AFORO_ENCRYPTION_KEY, each with
 * its own IV and tag; neither is ever returned by an API or logged (A30-CSD-04).
 * At most one active CSD per taxpayer (A30-CSD-03).
 */
export const csdCertificates = pgTable(
  "csd_certificates",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    taxpayerId: integer("taxpayer_id")
      .notNull()
      .references(() => taxpayers.id),
    /** 20-digit serial (e.g. 30001000000500003441). */
    serialNumber: text("serial_number").notNull(),
    /** Subject RFC and name; must equal the taxpayer's RFC (A30-CSD-02). */
    rfc: text("rfc").notNull(),
    subjectName: text("subject_name").notNull(),
    issuerName: text("issuer_name").notNull(),
    validFrom: timestamptz("valid_from").notNull(),
    validTo: timestamptz("valid_to").notNull(),
    /** The .cer file (DER X.509), base64. Public data. */
    certificateDerBase64: text("certificate_der_base64").notNull(),
    /** The .key file (encrypted PKCS#8 DER) re-encrypted with the server key. */
    encryptedPrivateKey: bytea("encrypted_private_key").notNull(),
    privateKeyIv: bytea("private_key_iv").notNull(),
    privateKeyTag: bytea("private_key_tag").notNull(),
    /** The certificate password (clave del certificado), encrypted. */
    encryptedPassword: bytea("encrypted_password").notNull(),
    passwordIv: bytea("password_iv").notNull(),
    passwordTag: bytea("password_tag").notNull(),
    /** Identifies the server key generation used (key rotation). */
    encryptionKeyId: text("encryption_key_id").notNull().default("v1"),
    status: text("status", { enum: CSD_STATUSES }).notNull(),
    /** "sustituido por <serial>", "caducado"… (A30-CSD-03 additional information). */
    statusInfo: text("status_info"),
    statusChangedAt: timestamptz("status_changed_at").notNull().defaultNow(),
    /** Known SAT test certificate: refused in production, badge "PRUEBAS" in demo (A30-CSD-06). */
    isTest: boolean("is_test").notNull().default(false),
    installedAt: timestamptz("installed_at").notNull().defaultNow(),
    installedBy: integer("installed_by").references(() => users.id),
  },
  (t) => [
    unique("csd_certificates_taxpayer_serial_unique").on(t.taxpayerId, t.serialNumber),
    uniqueIndex("csd_certificates_one_active_idx").on(t.taxpayerId).where(sql`status = 'active'`),
    checkMatches("csd_certificates_serial_check", t.serialNumber, "^[0-9]{20}$"),
    checkMatches("csd_certificates_rfc_check", t.rfc, RFC_PATTERN),
    check("csd_certificates_validity_check", sql`${t.validTo} > ${t.validFrom}`),
    checkIn("csd_certificates_status_check", t.status, CSD_STATUSES),
  ],
);

/**
 * Annual certificates of correct operation (Anexo 31, A31-01, A31-12), issued by an accredited
 * verifier. Files named `CE-<RFC contribuyente>_<RFC proveedor><NNNNN><YYYY>`.
 */
export const annualCertificates = pgTable(
  "annual_certificates",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    taxpayerId: integer("taxpayer_id")
      .notNull()
      .references(() => taxpayers.id),
    /** Year the certificate covers (due by 30 September, A31-01). */
    year: integer("year").notNull(),
    taxpayerRfc: text("taxpayer_rfc").notNull(),
    taxpayerName: text("taxpayer_name").notNull(),
    verifierRfc: text("verifier_rfc").notNull(),
    verifierName: text("verifier_name").notNull(),
    verifierLegalRepresentativeRfc: text("verifier_legal_representative_rfc"),
    /** A31-13: verifier accreditation / competence evaluation reference. */
    verifierAccreditation: text("verifier_accreditation"),
    /** RFC of the supplier that sold/installed the equipment/software. */
    supplierRfc: text("supplier_rfc"),
    verificationAddress: text("verification_address"),
    issuerName: text("issuer_name"),
    folio: text("folio").notNull(),
    issueDate: date("issue_date", { mode: "string" }).notNull(),
    verificationStart: date("verification_start", { mode: "string" }),
    verificationEnd: date("verification_end", { mode: "string" }),
    /** Equipment and software verified, last verification information, norms applied. */
    scope: jsonb("scope").$type<Record<string, unknown>>(),
    lastVerificationInfo: text("last_verification_info"),
    normsApplied: text("norms_applied").array(),
    /** Compliance table: [{requirementId, complies, detail}] (A31-11). */
    complianceTable: jsonb("compliance_table").$type<{ requirementId: string; complies: boolean; detail?: string }[]>(),
    result: text("result", { enum: CERTIFICATE_RESULTS }).notNull(),
    observations: text("observations"),
    fileName: text("file_name"),
    pdfAttachmentId: integer("pdf_attachment_id").references(() => attachments.id),
    dataAttachmentId: integer("data_attachment_id").references(() => attachments.id),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    createdBy: integer("created_by").references(() => users.id),
  },
  (t) => [
    unique("annual_certificates_verifier_folio_unique").on(t.verifierRfc, t.folio),
    checkMatches("annual_certificates_taxpayer_rfc_check", t.taxpayerRfc, RFC_PATTERN),
    checkMatches("annual_certificates_verifier_rfc_check", t.verifierRfc, RFC_PATTERN),
    checkIn("annual_certificates_result_check", t.result, CERTIFICATE_RESULTS),
    check("annual_certificates_year_check", sql`${t.year} between 2000 and 2200`),
  ],
);
