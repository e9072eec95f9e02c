import { integer, pgTable, text, unique } from "drizzle-orm/pg-core";
import { products } from "./catalogs";
import { EQUIPMENT_STATUSES } from "./enums";
import { installations } from "./installations";
import { KEY_PATTERN, checkIn, checkMatches, timestamptz } from "./internal";

/** A30-MS-05: wells of contract/assignment areas. */
export const wells = pgTable(
  "wells",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    /** SAT ClavePozo (POZ-NOBLES0001DEL style; mixed case allowed in field names, A30-MS-02). */
    key: text("key").notNull(),
    /** SAT DescripcionPozo. */
    description: text("description").notNull(),
    productKey: text("product_key").references(() => products.key),
    status: text("status", { enum: EQUIPMENT_STATUSES }).notNull().default("O"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("wells_installation_key_unique").on(t.installationId, t.key),
    checkMatches("wells_key_check", t.key, KEY_PATTERN),
    checkIn("wells_status_check", t.status, EQUIPMENT_STATUSES),
  ],
);
