import { sql } from "drizzle-orm";
import { bigint, check, date, index, integer, numeric, pgTable, text, unique, type AnyPgColumn } from "drizzle-orm/pg-core";
import { products, subProducts } from "./catalogs";
import { CALORIFIC_UNITS, INVENTORY_CUT_STATUSES, MEASUREMENT_APPROACHES, VOLUME_UNITS } from "./enums";
import { installations } from "./installations";
import { checkIn, fiscalVolume, timestamptz, versionCheck } from "./internal";
import { measurementSystems } from "./measurement-systems";
import { lots, qualityRecords } from "./quality";
import { tanks } from "./tanks";
import { users } from "./users";

/**
 * Daily inventory control records (A30-INV-01…06): one per tank × measurement system × product at
 * each cut, numbered gap-free per installation (register 'inventory_cut', A30-REC-04). Book stock =
 * opening measured + receptions − deliveries − process losses (A30-INV-03); difference against the
 * measured stock drives A30-INV-04 and A30-INC-01. Volumes in `unit` (A30-MS-09). Versioned,
 * never updated (A30-STO-02).
 */
export const inventoryCuts = pgTable(
  "inventory_cuts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    number: bigint("number", { mode: "number" }).notNull(),
    tankId: integer("tank_id")
      .notNull()
      .references(() => tanks.id),
    /** Static system that measured the stock; null for tanks kept by differences (A30-MS-10). */
    measurementSystemId: integer("measurement_system_id").references(() => measurementSystems.id),
    productKey: text("product_key")
      .notNull()
      .references(() => products.key),
    subProductKey: text("sub_product_key").references(() => subProducts.key),
    /** Report date: local date on which the period starts (A30-INV-02). */
    reportDate: date("report_date", { mode: "string" }).notNull(),
    periodStart: timestamptz("period_start").notNull(),
    /** The cut instant (SAT FechaYHoraEstaMedicion). */
    cutAt: timestamptz("cut_at").notNull(),
    /** Stock at the previous cut (SAT VolumenExistenciasAnterior) and when it was measured (FechaYHoraMedicionAnterior). */
    openingVolume: fiscalVolume("opening_volume").notNull(),
    openingMeasuredAt: timestamptz("opening_measured_at"),
    /** SAT VolumenAcumOpsRecepcion / VolumenAcumOpsEntrega of the period. */
    receptionsVolume: fiscalVolume("receptions_volume").notNull(),
    deliveriesVolume: fiscalVolume("deliveries_volume").notNull(),
    processLossesVolume: fiscalVolume("process_losses_volume").notNull().default("0"),
    receptionCount: integer("reception_count").notNull().default(0),
    deliveryCount: integer("delivery_count").notNull().default(0),
    /** Stock calculated by the software (A30-INV-03, A30-INV-05 "calculado"). */
    bookVolume: fiscalVolume("book_volume").notNull(),
    /** Stock delivered by the static system at the cut (A30-INV-05 "medido"); null when kept by differences. */
    measuredVolume: fiscalVolume("measured_volume"),
    measuredAt: timestamptz("measured_at"),
    /** measured − book. */
    differenceVolume: fiscalVolume("difference_volume"),
    /** |measured − book| / |book| × 100; null when book = 0 (A30-INC-01 decision). */
    differencePct: numeric("difference_pct", { precision: 12, scale: 6 }),
    unit: text("unit", { enum: VOLUME_UNITS }).notNull(),
    referenceTemperatureC: numeric("reference_temperature_c", { precision: 5, scale: 2 }).notNull(),
    calorificValue: numeric("calorific_value", { precision: 14, scale: 3 }),
    calorificValueUnit: text("calorific_value_unit", { enum: CALORIFIC_UNITS }),
    /** A30-MS-10: labels the stock as measured (static) or calculated (by differences). */
    approach: text("approach", { enum: MEASUREMENT_APPROACHES }).notNull(),
    /** 'deferred' = made on restart after the cut hour was missed ("corte diferido", A30-INV-01). */
    status: text("status", { enum: INVENTORY_CUT_STATUSES }).notNull().default("on_time"),
    lotId: integer("lot_id").references(() => lots.id),
    qualityRecordId: integer("quality_record_id").references(() => qualityRecords.id),
    version: integer("version").notNull().default(1),
    supersedesId: bigint("supersedes_id", { mode: "number" })
      .unique()
      .references((): AnyPgColumn => inventoryCuts.id),
    correctionReason: text("correction_reason"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    createdBy: integer("created_by").references(() => users.id),
  },
  (t) => [
    unique("inventory_cuts_installation_number_version_unique").on(t.installationId, t.number, t.version),
    // One record per tank × system × product × day (A30-INV-06); NULL system (by differences) counts as one value.
    unique("inventory_cuts_tank_day_unique")
      .on(t.tankId, t.measurementSystemId, t.productKey, t.reportDate, t.version)
      .nullsNotDistinct(),
    index("inventory_cuts_installation_date_idx").on(t.installationId, t.reportDate),
    check("inventory_cuts_number_check", sql`${t.number} >= 1`),
    check("inventory_cuts_period_check", sql`${t.cutAt} > ${t.periodStart}`),
    check(
      "inventory_cuts_movements_check",
      sql`${t.receptionsVolume} >= 0 and ${t.deliveriesVolume} >= 0 and ${t.processLossesVolume} >= 0`,
    ),
    check(
      "inventory_cuts_book_check",
      sql`${t.bookVolume} = ${t.openingVolume} + ${t.receptionsVolume} - ${t.deliveriesVolume} - ${t.processLossesVolume}`,
    ),
    check(
      "inventory_cuts_difference_check",
      sql`${t.measuredVolume} is null or ${t.differenceVolume} = ${t.measuredVolume} - ${t.bookVolume}`,
    ),
    checkIn("inventory_cuts_unit_check", t.unit, VOLUME_UNITS),
    check("inventory_cuts_reference_temperature_check", sql`${t.referenceTemperatureC} in (15.56, 20)`),
    checkIn("inventory_cuts_approach_check", t.approach, MEASUREMENT_APPROACHES),
    checkIn("inventory_cuts_status_check", t.status, INVENTORY_CUT_STATUSES),
    check("inventory_cuts_version_check", versionCheck(t.version, t.supersedesId)),
  ],
);
