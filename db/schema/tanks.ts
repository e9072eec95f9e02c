import { sql } from "drizzle-orm";
import { check, date, integer, jsonb, numeric, pgTable, text, unique } from "drizzle-orm/pg-core";
import { products, subProducts } from "./catalogs";
import { MEASUREMENT_APPROACHES, TANK_STATUSES } from "./enums";
import { installations } from "./installations";
import { KEY_PATTERN, checkIn, checkMatches, timestamptz } from "./internal";

/** Shape of `tanks.geometry` (same union as server/domain/measurement/tank-geometry.ts). */
export type TankGeometryJson =
  | { kind: "horizontal-cylinder"; diameterMm: number; lengthMm: number }
  | { kind: "vertical-cylinder"; diameterMm: number; heightMm: number };

export interface StrappingPointJson {
  levelMm: number;
  volumeL: number;
}

/** A30-MS-03: tanks and other storage media. Capacities in litres (reports convert per A30-MS-09). */
export const tanks = pgTable(
  "tanks",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    /** SAT ClaveIdentificacionTanque, unique within the installation, immutable once referenced (A30-MS-01). */
    key: text("key").notNull(),
    /** SAT Localizaciony/oDescripcionTanque. */
    description: text("description").notNull(),
    productKey: text("product_key")
      .notNull()
      .references(() => products.key),
    subProductKey: text("sub_product_key").references(() => subProducts.key),
    /** SAT CapacidadTotalTanque: maximum design capacity. */
    capacityTotalL: numeric("capacity_total_l", { precision: 18, scale: 3 }).notNull(),
    /** SAT CapacidadOperativaTanque: volume that can be extracted (max operating level − fondaje). */
    capacityOperatingL: numeric("capacity_operating_l", { precision: 18, scale: 3 }).notNull(),
    /** SAT CapacidadUtilTanque: total − minimum operating volume. */
    capacityUsefulL: numeric("capacity_useful_l", { precision: 18, scale: 3 }).notNull(),
    /** SAT CapacidadFondajeTanque: bottom liquid needed for pumping. */
    capacityFondajeL: numeric("capacity_fondaje_l", { precision: 18, scale: 3 }),
    /** SAT VolumenMinimoOperacion. */
    minimumOperatingVolumeL: numeric("minimum_operating_volume_l", { precision: 18, scale: 3 }).notNull(),
    /** SAT CapacidadGasTalon (PR09 storage). */
    capacityGasTalonL: numeric("capacity_gas_talon_l", { precision: 18, scale: 3 }),
    /** Shell geometry used by the simulator / generated strapping tables. */
    geometry: jsonb("geometry").$type<TankGeometryJson>(),
    /** SAT VigenciaCalibracionTanque; a tank without it cannot be put in operation (A30-MS-03, A30-MS-12). */
    calibrationValidUntil: date("calibration_valid_until", { mode: "string" }),
    calibrationCertificate: text("calibration_certificate"),
    calibrationLaboratory: text("calibration_laboratory"),
    /** A30-MS-10: static measurement or by differences; stored with every stock record too. */
    measurementApproach: text("measurement_approach", { enum: MEASUREMENT_APPROACHES }).notNull().default("static"),
    /** SAT EstadoTanque: O en operación, F fuera de operación. */
    status: text("status", { enum: TANK_STATUSES }).notNull().default("O"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("tanks_installation_key_unique").on(t.installationId, t.key),
    checkMatches("tanks_key_check", t.key, KEY_PATTERN),
    check(
      "tanks_capacities_check",
      sql`${t.capacityTotalL} > 0 and ${t.capacityOperatingL} >= 0 and ${t.capacityUsefulL} >= 0 and ${t.minimumOperatingVolumeL} >= 0
        and ${t.capacityOperatingL} <= ${t.capacityTotalL} and ${t.capacityUsefulL} <= ${t.capacityTotalL}
        and coalesce(${t.capacityFondajeL}, 0) >= 0 and coalesce(${t.capacityFondajeL}, 0) <= ${t.capacityTotalL}`,
    ),
    checkIn("tanks_measurement_approach_check", t.measurementApproach, MEASUREMENT_APPROACHES),
    checkIn("tanks_status_check", t.status, TANK_STATUSES),
    check("tanks_in_operation_calibrated_check", sql`${t.status} <> 'O' or ${t.calibrationValidUntil} is not null`),
  ],
);

/**
 * Certified strapping tables (cartas de calibración/cubicación, A30-MS-03, A30-MS-12), versioned:
 * a new certificate is a new version; readings keep the version they were computed with.
 */
export const strappingTables = pgTable(
  "strapping_tables",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    tankId: integer("tank_id")
      .notNull()
      .references(() => tanks.id),
    version: integer("version").notNull(),
    validFrom: timestamptz("valid_from").notNull(),
    certificateNumber: text("certificate_number"),
    laboratory: text("laboratory"),
    /** Points sorted by level, strictly increasing level and non-decreasing volume: [{levelMm, volumeL}]. */
    points: jsonb("points").$type<StrappingPointJson[]>().notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("strapping_tables_tank_version_unique").on(t.tankId, t.version),
    check("strapping_tables_version_check", sql`${t.version} >= 1`),
    check("strapping_tables_points_check", sql`jsonb_typeof(${t.points}) = 'array' and jsonb_array_length(${t.points}) >= 2`),
  ],
);
