import { sql } from "drizzle-orm";
import { check, date, integer, jsonb, numeric, pgTable, text, unique } from "drizzle-orm/pg-core";
import { collectors } from "./collectors";
import { dispensers, hoses } from "./dispensers";
import { ducts } from "./ducts";
import { CALIBRATION_STATUSES, CALIBRATION_SUBJECTS, ELEMENT_TYPES, EQUIPMENT_STATUSES, MEASUREMENT_KINDS, MEASUREMENT_TECHNOLOGIES } from "./enums";
import { installations } from "./installations";
import { KEY_PATTERN, checkIn, checkMatches, timestamptz } from "./internal";
import { analyzers } from "./quality";
import { tanks } from "./tanks";
import { users } from "./users";
import { wells } from "./wells";

/** Identity of a primary/secondary/tertiary element (A30-MS-07: make, model, serial, nameplate). */
export interface MeasurementElementJson {
  make?: string;
  model?: string;
  serial?: string;
  nameplate?: Record<string, string | number>;
  /** Secondary elements measure influence variables (temperature, pressure, density…). */
  variable?: string;
}

/**
 * A30-MS-07: measurement systems. Exactly one element column is set and it matches `element_type`,
 * so every system hangs off a real tank, duct, well, dispenser or hose (A30-STO-03).
 */
export const measurementSystems = pgTable(
  "measurement_systems",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    /** SME-STQ-EDS-0001, SMD-DISP-0004, SMD-DUC-TRA-0001… unique within the installation (A30-MS-01/02). */
    key: text("key").notNull(),
    kind: text("kind", { enum: MEASUREMENT_KINDS }).notNull(),
    elementType: text("element_type", { enum: ELEMENT_TYPES }).notNull(),
    tankId: integer("tank_id").references(() => tanks.id),
    ductId: integer("duct_id").references(() => ducts.id),
    wellId: integer("well_id").references(() => wells.id),
    dispenserId: integer("dispenser_id").references(() => dispensers.id),
    hoseId: integer("hose_id").references(() => hoses.id),
    /** A30-MS-11 technology of the primary element. */
    technology: text("technology", { enum: MEASUREMENT_TECHNOLOGIES }).notNull(),
    /** SAT LocalizODescripSistMedicion*. */
    description: text("description").notNull(),
    /** SAT VigenciaCalibracionSistMedicion* (A30-MS-07: mandatory; A30-MS-12 alarms on expiry). */
    calibrationValidUntil: date("calibration_valid_until", { mode: "string" }).notNull(),
    calibrationCertificate: text("calibration_certificate"),
    calibrationLaboratory: text("calibration_laboratory"),
    /** Measurement uncertainty in percent, 0–100 (reports divide by 100: SAT IncertidumbreMedicion 0.010 = 1 %). */
    uncertaintyPct: numeric("uncertainty_pct", { precision: 6, scale: 3 }).notNull(),
    primaryElement: jsonb("primary_element").$type<MeasurementElementJson>(),
    secondaryElements: jsonb("secondary_elements").$type<MeasurementElementJson[]>(),
    tertiaryElement: jsonb("tertiary_element").$type<MeasurementElementJson>(),
    /** Communication link that brings its values (A30-MS-13); null for manual systems. */
    collectorId: integer("collector_id").references(() => collectors.id),
    status: text("status", { enum: EQUIPMENT_STATUSES }).notNull().default("O"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("measurement_systems_installation_key_unique").on(t.installationId, t.key),
    checkMatches("measurement_systems_key_check", t.key, KEY_PATTERN),
    checkIn("measurement_systems_kind_check", t.kind, MEASUREMENT_KINDS),
    checkIn("measurement_systems_element_type_check", t.elementType, ELEMENT_TYPES),
    checkIn("measurement_systems_technology_check", t.technology, MEASUREMENT_TECHNOLOGIES),
    check(
      "measurement_systems_element_check",
      sql`num_nonnulls(${t.tankId}, ${t.ductId}, ${t.wellId}, ${t.dispenserId}, ${t.hoseId}) = 1 and case ${t.elementType}
        when 'tank' then ${t.tankId} is not null when 'duct' then ${t.ductId} is not null
        when 'well' then ${t.wellId} is not null when 'dispenser' then ${t.dispenserId} is not null
        when 'hose' then ${t.hoseId} is not null else false end`,
    ),
    // A30-MS-10: ducts, wells, dispensers and hoses are measured dynamically.
    check("measurement_systems_static_on_tank_check", sql`${t.kind} = 'dynamic' or ${t.elementType} = 'tank'`),
    check("measurement_systems_uncertainty_check", sql`${t.uncertaintyPct} >= 0 and ${t.uncertaintyPct} <= 100`),
    checkIn("measurement_systems_status_check", t.status, EQUIPMENT_STATUSES),
  ],
);

/**
 * Calibration certificates and the calibration programme (A30-MS-12, A31-07): one row per planned
 * or executed calibration of a tank (strapping), a measurement-system element or an analyzer.
 * The current validity is copied to tanks/measurement_systems.calibration_valid_until.
 */
export const calibrations = pgTable(
  "calibrations",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    subject: text("subject", { enum: CALIBRATION_SUBJECTS }).notNull(),
    tankId: integer("tank_id").references(() => tanks.id),
    measurementSystemId: integer("measurement_system_id").references(() => measurementSystems.id),
    /** Online analyzer (A32-12) verified by an accredited provider. */
    analyzerId: integer("analyzer_id").references(() => analyzers.id),
    status: text("status", { enum: CALIBRATION_STATUSES }).notNull(),
    plannedDate: date("planned_date", { mode: "string" }),
    performedDate: date("performed_date", { mode: "string" }),
    validUntil: date("valid_until", { mode: "string" }),
    certificateNumber: text("certificate_number"),
    laboratory: text("laboratory"),
    laboratoryRfc: text("laboratory_rfc"),
    notes: text("notes"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    createdBy: integer("created_by").references(() => users.id),
  },
  (t) => [
    checkIn("calibrations_subject_check", t.subject, CALIBRATION_SUBJECTS),
    checkIn("calibrations_status_check", t.status, CALIBRATION_STATUSES),
    check("calibrations_target_check", sql`num_nonnulls(${t.tankId}, ${t.measurementSystemId}, ${t.analyzerId}) = 1`),
    check("calibrations_done_check", sql`${t.status} <> 'done' or (${t.performedDate} is not null and ${t.validUntil} is not null)`),
  ],
);
