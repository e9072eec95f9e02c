import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgTable, text, unique } from "drizzle-orm/pg-core";
import { IMPORTED_FILE_KINDS } from "./enums";
import { SHA256_HEX, bytea, checkIn, checkMatches, timestamptz } from "./internal";
import { users } from "./users";

/**
 * Stored files: dictamen PDF/XML/JSON (A32-11), annual certificate files (A31-12), evidence for the
 * compliance checklist (A30-SEC-29) and the measurement-system file (expediente, A31-06).
 * `subject_table`/`subject_id` is the generic owner link for evidence; documents with a fixed role
 * (dictamen PDF, certificate PDF…) are referenced by FK from their owner instead.
 */
export const attachments = pgTable(
  "attachments",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    sha256: text("sha256").notNull(),
    fileName: text("file_name").notNull(),
    mediaType: text("media_type").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    content: bytea("content").notNull(),
    /** dictamen_pdf, dictamen_data, translation, certificate_pdf, evidence, expediente_<category>… */
    category: text("category").notNull(),
    subjectTable: text("subject_table"),
    subjectId: text("subject_id"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    createdBy: integer("created_by").references(() => users.id),
  },
  (t) => [
    checkMatches("attachments_sha256_check", t.sha256, SHA256_HEX),
    check("attachments_size_check", sql`${t.sizeBytes} >= 0`),
    index("attachments_subject_idx").on(t.subjectTable, t.subjectId),
  ],
);

/**
 * Original files of imported volume/quality records: provider records of marketers (A30-REC-09),
 * third-party measurements (A30-MS-24), lot quality data from another taxpayer (A32-10).
 * The (kind, sha256) key makes re-importing the same file a detectable duplicate.
 */
export const importedFiles = pgTable(
  "imported_files",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind", { enum: IMPORTED_FILE_KINDS }).notNull(),
    sha256: text("sha256").notNull(),
    fileName: text("file_name").notNull(),
    /** RFC of the provider / counterparty that supplied the file. */
    providerRfc: text("provider_rfc"),
    content: bytea("content").notNull(),
    recordCount: integer("record_count").notNull().default(0),
    importedAt: timestamptz("imported_at").notNull().defaultNow(),
    importedBy: integer("imported_by").references(() => users.id),
  },
  (t) => [
    unique("imported_files_kind_sha256_unique").on(t.kind, t.sha256),
    checkIn("imported_files_kind_check", t.kind, IMPORTED_FILE_KINDS),
    checkMatches("imported_files_sha256_check", t.sha256, SHA256_HEX),
  ],
);
