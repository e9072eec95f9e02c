import { sql } from "drizzle-orm";
import { check, integer, numeric, pgTable, text, unique } from "drizzle-orm/pg-core";
import { products } from "./catalogs";
import { DUCT_DIRECTIONS, EQUIPMENT_STATUSES } from "./enums";
import { installations } from "./installations";
import { KEY_PATTERN, checkIn, checkMatches, timestamptz } from "./internal";

/** A30-MS-04: transport/distribution ducts and storage inlet/outlet or loading/unloading ducts. */
export const ducts = pgTable(
  "ducts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    /** SAT ClaveIdentificacionDucto (DUC-TRA-0001). */
    key: text("key").notNull(),
    /** SAT DescripcionDucto. */
    description: text("description").notNull(),
    /** SAT DiametroDucto: nominal diameter in inches (> 0, A30-MS-04). */
    diameterIn: numeric("diameter_in", { precision: 8, scale: 3 }).notNull(),
    /** SAT CapacidadGasTalon: heel/cushion gas (PR09), m³ at reference conditions. */
    gasTalonCapacityM3: numeric("gas_talon_capacity_m3", { precision: 18, scale: 3 }),
    direction: text("direction", { enum: DUCT_DIRECTIONS }).notNull(),
    productKey: text("product_key").references(() => products.key),
    status: text("status", { enum: EQUIPMENT_STATUSES }).notNull().default("O"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("ducts_installation_key_unique").on(t.installationId, t.key),
    checkMatches("ducts_key_check", t.key, KEY_PATTERN),
    check("ducts_diameter_check", sql`${t.diameterIn} > 0`),
    check("ducts_gas_talon_check", sql`${t.gasTalonCapacityM3} >= 0`),
    checkIn("ducts_direction_check", t.direction, DUCT_DIRECTIONS),
    checkIn("ducts_status_check", t.status, EQUIPMENT_STATUSES),
  ],
);
