import { sql } from "drizzle-orm";
import { check, integer, pgTable, text, unique } from "drizzle-orm/pg-core";
import { products, subProducts } from "./catalogs";
import { EQUIPMENT_STATUSES } from "./enums";
import { installations } from "./installations";
import { KEY_PATTERN, checkIn, checkMatches, timestamptz } from "./internal";
import { tanks } from "./tanks";

/** A30-MS-06: dispensers of a service station. */
export const dispensers = pgTable(
  "dispensers",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    /** SAT ClaveDispensario (DISP-0004). */
    key: text("key").notNull(),
    description: text("description"),
    status: text("status", { enum: EQUIPMENT_STATUSES }).notNull().default("O"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("dispensers_installation_key_unique").on(t.installationId, t.key),
    checkMatches("dispensers_key_check", t.key, KEY_PATTERN),
    checkIn("dispensers_status_check", t.status, EQUIPMENT_STATUSES),
  ],
);

/** A30-MS-06: hoses (mangueras), each bound to one product and one tank. */
export const hoses = pgTable(
  "hoses",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    dispenserId: integer("dispenser_id")
      .notNull()
      .references(() => dispensers.id),
    /** SAT IdentificadorManguera: the dispenser key + `-MGA-NNNN` (A30-MS-02). */
    key: text("key").notNull(),
    productKey: text("product_key")
      .notNull()
      .references(() => products.key),
    subProductKey: text("sub_product_key").references(() => subProducts.key),
    tankId: integer("tank_id")
      .notNull()
      .references(() => tanks.id),
    status: text("status", { enum: EQUIPMENT_STATUSES }).notNull().default("O"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("hoses_dispenser_key_unique").on(t.dispenserId, t.key),
    checkMatches("hoses_key_check", t.key, KEY_PATTERN),
    check("hoses_key_pattern_check", sql`${t.key} ~ '-MGA-[0-9]{4}$'`),
    checkIn("hoses_status_check", t.status, EQUIPMENT_STATUSES),
  ],
);
