import { sql } from "drizzle-orm";
import type { AforoOrm, Database } from "../client";
import { productSubProducts, products, roles, subProducts } from "../schema/index";
import catalogs from "./sat-catalogs.json" with { type: "json" };

/**
 * Seeds the fixed catalogues: the four profiles (A30-ACC-02) and the SAT product and sub-product
 * keys (A30-GEN-05) from db/seed/sat-catalogs.json, a copy of the SAT-derived catalogue kept in the
 * repository (the product never reads the shared folder at run time). Idempotent: rows are
 * upserted and only rewritten when their content differs.
 */

const ROLE_NAMES_ES = {
  administrador: "Administrador",
  supervisor: "Supervisor",
  operador: "Operador",
  auditor_fiscal: "Auditor Fiscal",
} as const;

/** A30-GEN-05: hidrocarburos (15.56 °C); every other key is a petrolífero (20 °C). */
const HYDROCARBON_KEYS = new Set(["PR08", "PR09", "PR10"]);
/** A30-GEN-05: natural gas is the only gaseous product (LPG/LNG are handled as liquids, §20 #10). */
const GAS_KEYS = new Set(["PR09"]);
/** A30-MS-09 reporting unit: barrels for crude and condensates, m³ for natural gas, litres otherwise. */
const UNIT_BY_PRODUCT: Record<string, "UM01" | "UM04"> = { PR08: "UM01", PR10: "UM01", PR09: "UM04" };

export interface CatalogRows {
  products: (typeof products.$inferInsert)[];
  subProducts: (typeof subProducts.$inferInsert)[];
  productSubProducts: (typeof productSubProducts.$inferInsert)[];
}

/** The catalogue rows, derived from the JSON (pure; exported for tests). */
export function catalogRows(): CatalogRows {
  const requiresSub = new Set<string>(catalogs.ProductosQueRequierenClaveSubProducto);
  const productRows = Object.entries(catalogs.ClaveProducto).map(([key, name]) => {
    const hydrocarbon = HYDROCARBON_KEYS.has(key);
    return {
      key,
      name,
      productClass: hydrocarbon ? ("hidrocarburo" as const) : ("petrolifero" as const),
      physicalState: GAS_KEYS.has(key) ? ("gas" as const) : ("liquid" as const),
      referenceTemperatureC: hydrocarbon ? "15.56" : "20.00",
      unit: UNIT_BY_PRODUCT[key] ?? ("UM03" as const),
      requiresSubProduct: requiresSub.has(key),
    };
  });
  const subProductRows = Object.entries(catalogs.ClaveSubProducto).map(([key, name]) => ({ key, name }));
  const subKeys = subProductRows.map((row) => row.key);
  const associations: CatalogRows["productSubProducts"] = [];
  for (const [productKey, allowed] of Object.entries(catalogs.SubproductosPorProducto_segunDiarioSchema)) {
    // Most entries are lists; PR08 (crude) is a pattern over SP1…SP15 in the SAT schema.
    const keys = Array.isArray(allowed) ? allowed : subKeys.filter((key) => new RegExp(allowed).test(key));
    for (const subProductKey of keys) associations.push({ productKey, subProductKey });
  }
  return { products: productRows, subProducts: subProductRows, productSubProducts: associations };
}

/** Upserts roles, products, sub-products and their associations with the given drizzle handle (inside a transaction). */
export async function seedCatalogsWith(orm: AforoOrm): Promise<void> {
  const rows = catalogRows();
  await orm
    .insert(roles)
    .values(Object.entries(ROLE_NAMES_ES).map(([key, nameEs]) => ({ key: key as keyof typeof ROLE_NAMES_ES, nameEs })))
    .onConflictDoUpdate({ target: roles.key, set: { nameEs: sql`excluded.name_es` }, setWhere: sql`${roles.nameEs} is distinct from excluded.name_es` });
  await orm
    .insert(products)
    .values(rows.products)
    .onConflictDoUpdate({
      target: products.key,
      set: {
        name: sql`excluded.name`,
        productClass: sql`excluded.class`,
        physicalState: sql`excluded.physical_state`,
        referenceTemperatureC: sql`excluded.reference_temperature_c`,
        unit: sql`excluded.unit`,
        requiresSubProduct: sql`excluded.requires_sub_product`,
      },
      setWhere: sql`(${products.name}, ${products.productClass}, ${products.physicalState}, ${products.referenceTemperatureC}, ${products.unit}, ${products.requiresSubProduct})
        is distinct from (excluded.name, excluded.class, excluded.physical_state, excluded.reference_temperature_c, excluded.unit, excluded.requires_sub_product)`,
    });
  await orm
    .insert(subProducts)
    .values(rows.subProducts)
    .onConflictDoUpdate({ target: subProducts.key, set: { name: sql`excluded.name` }, setWhere: sql`${subProducts.name} is distinct from excluded.name` });
  await orm.insert(productSubProducts).values(rows.productSubProducts).onConflictDoNothing();
}

/** Seeds the catalogues in one transaction. */
export async function seedCatalogs(db: Pick<Database, "transaction">): Promise<void> {
  await db.transaction((tx) => seedCatalogsWith(tx.orm));
}
