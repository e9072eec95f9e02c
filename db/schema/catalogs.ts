import { sql } from "drizzle-orm";
import { boolean, check, numeric, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { PHYSICAL_STATES, PRODUCT_CLASSES, VOLUME_UNITS } from "./enums";
import { checkIn, checkMatches } from "./internal";

/**
 * SAT product catalogues (A30-GEN-05), loaded by db/seed/catalogs.ts from db/seed/sat-catalogs.json
 * (a copy of the SAT-derived catalogue; the product never reads shared files at run time).
 */
export const products = pgTable(
  "products",
  {
    /** SAT ClaveProducto PR03…PR20. */
    key: text("key").primaryKey(),
    name: text("name").notNull(),
    /** A30-GEN-05: PR08/PR09/PR10 hidrocarburos, the rest petrolíferos. */
    productClass: text("class", { enum: PRODUCT_CLASSES }).notNull(),
    /** A30-GEN-05 / A30-INC-01: 0.5 % (liquid) or 1 % (gas) tolerance. */
    physicalState: text("physical_state", { enum: PHYSICAL_STATES }).notNull(),
    /** A30-MS-08: 15.56 °C hidrocarburos, 20 °C petrolíferos (both at 101.325 kPa). */
    referenceTemperatureC: numeric("reference_temperature_c", { precision: 5, scale: 2 }).notNull(),
    /** A30-MS-09 reporting unit: UM01 bbl (crude, condensates), UM04 m³ (gas), UM03 L (petrolíferos). */
    unit: text("unit", { enum: VOLUME_UNITS }).notNull(),
    /** SAT ProductosQueRequierenClaveSubProducto. */
    requiresSubProduct: boolean("requires_sub_product").notNull().default(false),
  },
  (t) => [
    checkMatches("products_key_check", t.key, "^PR[0-9]{2}$"),
    checkIn("products_class_check", t.productClass, PRODUCT_CLASSES),
    checkIn("products_physical_state_check", t.physicalState, PHYSICAL_STATES),
    check("products_reference_temperature_check", sql`${t.referenceTemperatureC} in (15.56, 20)`),
    checkIn("products_unit_check", t.unit, VOLUME_UNITS),
  ],
);

export const subProducts = pgTable(
  "sub_products",
  {
    /** SAT ClaveSubProducto SP1…SP49. */
    key: text("key").primaryKey(),
    name: text("name").notNull(),
  },
  (t) => [checkMatches("sub_products_key_check", t.key, "^SP([1-9]|[1-4][0-9])$")],
);

/** Which sub-products a product admits (SAT SubproductosPorProducto; SP20 and SP42 belong to two products). */
export const productSubProducts = pgTable(
  "product_sub_products",
  {
    productKey: text("product_key")
      .notNull()
      .references(() => products.key),
    subProductKey: text("sub_product_key")
      .notNull()
      .references(() => subProducts.key),
  },
  (t) => [primaryKey({ columns: [t.productKey, t.subProductKey] })],
);
