import { sql } from "drizzle-orm";
import { check, integer, pgTable, text } from "drizzle-orm/pg-core";
import { ACTIVITY_FRACTIONS, TAXPAYER_CHARACTERS } from "./enums";
import { PERMIT_MODALITY_PATTERN, RFC_PATTERN, checkIn, checkMatches, timestamptz } from "./internal";

/** A30-GEN-02: the obligated taxpayer (contribuyente). */
export const taxpayers = pgTable(
  "taxpayers",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    /** A30-GEN-03: trimmed, upper-case; 12 (moral) or 13 (física) characters; never a generic RFC. */
    rfc: text("rfc").notNull().unique(),
    name: text("name").notNull(),
    /** SAT RfcRepresentanteLegal (required for personas morales). */
    legalRepresentativeRfc: text("legal_representative_rfc"),
    /** SAT RfcProveedor (first) and RfcProveedores: suppliers of the volumetric-control equipment/software. */
    providerRfcs: text("provider_rfcs").array().notNull().default(sql`'{}'::text[]`),
    character: text("character", { enum: TAXPAYER_CHARACTERS }).notNull(),
    /** Regla 2.6.1.2 fraction I–VIII; drives A30-GEN-06 behaviour. */
    activityFraction: text("activity_fraction", { enum: ACTIVITY_FRACTIONS }),
    /** SAT ModalidadPermiso PER1…PER56 (taxpayer-level; installations may carry their own). */
    permitModality: text("permit_modality"),
    /** CRE/SENER permit number (SAT NumPermiso). */
    permitNumber: text("permit_number"),
    /** CNH contract or SENER assignment number (SAT NumContratoOAsignacion, contratista/asignatario). */
    contractOrAssignmentNumber: text("contract_or_assignment_number"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    checkMatches("taxpayers_rfc_check", t.rfc, RFC_PATTERN),
    check("taxpayers_rfc_not_generic_check", sql`${t.rfc} not in ('XAXX010101000', 'XEXX010101000')`),
    checkIn("taxpayers_character_check", t.character, TAXPAYER_CHARACTERS),
    // NULL passes a CHECK, so optional columns need no "is null or".
    checkIn("taxpayers_activity_fraction_check", t.activityFraction, ACTIVITY_FRACTIONS),
    checkMatches("taxpayers_permit_modality_check", t.permitModality, PERMIT_MODALITY_PATTERN),
  ],
);
