import { sql } from "drizzle-orm";
import { bigint, check, doublePrecision, index, integer, jsonb, numeric, pgTable, text, unique } from "drizzle-orm/pg-core";
import { READING_ORIGINS } from "./enums";
import { checkIn, timestamptz } from "./internal";
import { measurementSystems } from "./measurement-systems";
import { qualityRecords } from "./quality";
import { strappingTables, tanks } from "./tanks";
import { users } from "./users";

/**
 * Tank stock readings at reference conditions: level → gross observed volume (strapping table)
 * → VCF → net volume (A30-MS-08, A30-MS-18, A31-09). Written by the measurement pipeline
 * (collectors, one row per computed reading) and by users for manual gauges (A30-MS-21).
 * Physical quantities in litres/°C/kPa; double precision because this is a moderately
 * high-rate series — fiscal records copy the figures they use into numeric(18,3) columns.
 */
export const tankReadings = pgTable(
  "tank_readings",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tankId: integer("tank_id")
      .notNull()
      .references(() => tanks.id),
    /** Static system that produced it (A30-INV-06); null for manual readings without a registered system. */
    measurementSystemId: integer("measurement_system_id").references(() => measurementSystems.id),
    time: timestamptz("time").notNull(),
    levelMm: doublePrecision("level_mm"),
    waterLevelMm: doublePrecision("water_level_mm"),
    temperatureC: doublePrecision("temperature_c"),
    /** Observed density at temperature_c. */
    densityKgM3: doublePrecision("density_kg_m3"),
    /** Density at the base temperature used for the VCF (from dictamen or configuration, A30-MS-22). */
    baseDensityKgM3: doublePrecision("base_density_kg_m3"),
    /** Absolute pressure. */
    pressureKpa: doublePrecision("pressure_kpa"),
    /** A30-MS-21: manual level in percent of the gauge (magnetic-float indicators). */
    levelPct: doublePrecision("level_pct"),
    grossVolumeL: doublePrecision("gross_volume_l"),
    waterVolumeL: doublePrecision("water_volume_l"),
    netVolumeL: doublePrecision("net_volume_l").notNull(),
    /** Volume correction factor applied (CTL·CPL rounded as the standard rounds it). */
    vcf: numeric("vcf", { precision: 7, scale: 5 }),
    /** 15.56 (hidrocarburos) or 20 (petrolíferos) — the reference condition of net_volume_l (A30-MS-08). */
    referenceTemperatureC: numeric("reference_temperature_c", { precision: 5, scale: 2 }).notNull(),
    referencePressureKpa: numeric("reference_pressure_kpa", { precision: 8, scale: 3 }).notNull().default("101.325"),
    strappingTableId: integer("strapping_table_id").references(() => strappingTables.id),
    /** A30-MS-18: algorithm identity/version when the UCC computed the volume (e.g. vcf-api11.1 / 1.2.0). */
    algorithmId: text("algorithm_id"),
    algorithmVersion: text("algorithm_version"),
    /** Quality record (dictamen / online instrument) whose density was used (A30-MS-22). */
    qualityRecordId: integer("quality_record_id").references(() => qualityRecords.id),
    /** Device or path that produced the values: `SME-STQ-EDS-0001 (terciario)`, `UCC`, `manual`. */
    source: text("source").notNull(),
    origin: text("origin", { enum: READING_ORIGINS }).notNull().default("automatic"),
    /** Manual readings: instrument used (A30-MS-21). */
    instrument: text("instrument"),
    userId: integer("user_id").references(() => users.id),
    /** Raw values received from the tertiary element, kept unaltered (A30-MS-18). */
    raw: jsonb("raw").$type<Record<string, unknown>>(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("tank_readings_tank_system_time_unique").on(t.tankId, t.measurementSystemId, t.time, t.origin).nullsNotDistinct(),
    index("tank_readings_tank_time_idx").on(t.tankId, t.time),
    check("tank_readings_reference_temperature_check", sql`${t.referenceTemperatureC} in (15.56, 20)`),
    checkIn("tank_readings_origin_check", t.origin, READING_ORIGINS),
    check("tank_readings_manual_user_check", sql`${t.origin} <> 'manual' or ${t.userId} is not null`),
    check("tank_readings_level_pct_check", sql`${t.levelPct} between 0 and 100`),
  ],
);
