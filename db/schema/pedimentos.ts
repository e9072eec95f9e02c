import { sql, type SQL } from "drizzle-orm";
import { bigint, check, date, index, integer, jsonb, numeric, pgTable, text, unique, uniqueIndex, type AnyPgColumn } from "drizzle-orm/pg-core";
import { products, subProducts } from "./catalogs";
import { CUSTOMS_TRANSPORT_MEANS, INCOTERMS, PEDIMENTO_DIRECTIONS, VOLUME_UNITS } from "./enums";
import { installations } from "./installations";
import { checkIn, checkMatches, timestamptz, versionCheck } from "./internal";
import { operations } from "./operations";
import { lots } from "./quality";
import { taxpayers } from "./taxpayers";
import { users } from "./users";

const countryKey = (column: AnyPgColumn): SQL => sql`${column} ~ '^[A-Z]{3}$'`;

/**
 * Pedimentos (customs declarations) covering imports/exports of hydrocarbons and petrolíferos
 * (A30-PED-01…07; A30 30.6.1.2.5 I–VII). Fiscal record, versioned (A30-STO-02).
 */
export const pedimentos = pgTable(
  "pedimentos",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    taxpayerId: integer("taxpayer_id")
      .notNull()
      .references(() => taxpayers.id),
    installationId: integer("installation_id").references(() => installations.id),
    /** Normalised `YY  AA  PPPP  NNNNNNN` (two spaces between groups, A30-PED-03). */
    number: text("number").notNull(),
    /** Clave de pedimento (A1…). */
    pedimentoKey: text("pedimento_key"),
    direction: text("direction", { enum: PEDIMENTO_DIRECTIONS }).notNull().default("import"),
    date: date("date", { mode: "string" }).notNull(),
    /** I: export point; II: entry point (punto de internación) — customs key + optional section digit. */
    exportPoint: text("export_point"),
    entryPoint: text("entry_point"),
    /** III/IV: destination and origin country (SAT/SAAI three-letter keys). */
    destinationCountry: text("destination_country"),
    originCountry: text("origin_country").notNull(),
    /** V/VI: transport means entering and leaving customs (SAT MedioDeTransporte). */
    transportMeansIn: text("transport_means_in", { enum: CUSTOMS_TRANSPORT_MEANS }).notNull(),
    transportMeansOut: text("transport_means_out", { enum: CUSTOMS_TRANSPORT_MEANS }),
    /** VII: Incoterms (A30-PED-04; DPU exported as DAT). */
    incoterm: text("incoterm", { enum: INCOTERMS }).notNull(),
    /** Tariff fraction `2710.12.99` and NICO `05` (A30-PED-05). */
    tariffFraction: text("tariff_fraction").notNull(),
    nico: text("nico"),
    productKey: text("product_key")
      .notNull()
      .references(() => products.key),
    subProductKey: text("sub_product_key").references(() => subProducts.key),
    /** Declared volume (SAT VolumenDocumentado). */
    volume: numeric("volume", { precision: 18, scale: 3 }).notNull(),
    unit: text("unit", { enum: VOLUME_UNITS }).notNull(),
    /** Customs value and net import price (SAT PrecioDeImportacion), MXN. */
    customsValueMxn: numeric("customs_value_mxn", { precision: 18, scale: 2 }),
    importPriceMxn: numeric("import_price_mxn", { precision: 18, scale: 2 }),
    /** SAT PermisoImportacion (SENER import permit). */
    importPermit: text("import_permit"),
    /** Foreign supplier/customer. */
    counterpartyName: text("counterparty_name"),
    counterpartyTaxId: text("counterparty_tax_id"),
    /** Imported lot (A30-PED-07, A32-09). */
    lotId: integer("lot_id").references(() => lots.id),
    /** A30-PED-05 warnings ("fracción no corresponde al producto"…). */
    warnings: jsonb("warnings").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    version: integer("version").notNull().default(1),
    supersedesId: integer("supersedes_id")
      .unique()
      .references((): AnyPgColumn => pedimentos.id),
    correctionReason: text("correction_reason"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    createdBy: integer("created_by").references(() => users.id),
  },
  (t) => [
    unique("pedimentos_taxpayer_number_version_unique").on(t.taxpayerId, t.number, t.version),
    checkMatches("pedimentos_number_check", t.number, "^[0-9]{2}  [0-9]{2}  [0-9]{4}  [0-9]{7}$"),
    checkIn("pedimentos_direction_check", t.direction, PEDIMENTO_DIRECTIONS),
    checkMatches("pedimentos_entry_point_check", t.entryPoint, "^[0-9]{2}[0-7]?$"),
    checkMatches("pedimentos_export_point_check", t.exportPoint, "^[0-9]{2}[0-7]?$"),
    check("pedimentos_origin_country_check", countryKey(t.originCountry)),
    check("pedimentos_destination_country_check", countryKey(t.destinationCountry)),
    checkIn("pedimentos_transport_in_check", t.transportMeansIn, CUSTOMS_TRANSPORT_MEANS),
    checkIn("pedimentos_transport_out_check", t.transportMeansOut, CUSTOMS_TRANSPORT_MEANS),
    checkIn("pedimentos_incoterm_check", t.incoterm, INCOTERMS),
    checkMatches("pedimentos_tariff_fraction_check", t.tariffFraction, "^[0-9]{4}[.][0-9]{2}[.][0-9]{2}$"),
    checkMatches("pedimentos_nico_check", t.nico, "^[0-9]{2}$"),
    check("pedimentos_volume_check", sql`${t.volume} >= 0`),
    checkIn("pedimentos_unit_check", t.unit, VOLUME_UNITS),
    check("pedimentos_version_check", versionCheck(t.version, t.supersedesId)),
  ],
);

/** Pedimento ↔ reception links with the volume covered (A30-PED-07: "vinculado 60,000 / 60,000 L"). */
export const pedimentoOperationLinks = pgTable(
  "pedimento_operation_links",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    pedimentoId: integer("pedimento_id")
      .notNull()
      .references(() => pedimentos.id),
    operationId: bigint("operation_id", { mode: "number" })
      .notNull()
      .references(() => operations.id),
    volumeLinked: numeric("volume_linked", { precision: 18, scale: 3 }).notNull(),
    unit: text("unit", { enum: VOLUME_UNITS }).notNull(),
    linkedAt: timestamptz("linked_at").notNull().defaultNow(),
    linkedBy: integer("linked_by").references(() => users.id),
    unlinkedAt: timestamptz("unlinked_at"),
    unlinkedBy: integer("unlinked_by").references(() => users.id),
  },
  (t) => [
    uniqueIndex("pedimento_operation_links_active_unique").on(t.pedimentoId, t.operationId).where(sql`unlinked_at is null`),
    index("pedimento_operation_links_operation_idx").on(t.operationId),
    check("pedimento_operation_links_volume_check", sql`${t.volumeLinked} >= 0`),
    checkIn("pedimento_operation_links_unit_check", t.unit, VOLUME_UNITS),
  ],
);
