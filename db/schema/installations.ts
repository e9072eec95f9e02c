import { sql } from "drizzle-orm";
import { check, doublePrecision, integer, numeric, pgTable, text, unique } from "drizzle-orm/pg-core";
import { products, subProducts } from "./catalogs";
import { INSTALLATION_STATUSES, INSTALLATION_TYPES } from "./enums";
import { HHMM_PATTERN, KEY_PATTERN, PERMIT_MODALITY_PATTERN, checkIn, checkMatches, timestamptz } from "./internal";
import { taxpayers } from "./taxpayers";

/** A30-GEN-04: an installation or process where measurement systems are installed. */
export const installations = pgTable(
  "installations",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    taxpayerId: integer("taxpayer_id")
      .notNull()
      .references(() => taxpayers.id),
    /** SAT ClaveInstalacion (EDS-0001, REF-0001, ACL-TRE-0045); unique across the database so tag names stay unique. */
    key: text("key").notNull().unique(),
    /** SAT DescripcionInstalacion (5–250 chars). */
    description: text("description").notNull(),
    type: text("type", { enum: INSTALLATION_TYPES }).notNull(),
    /** SAT ModalidadPermiso PER1…PER56 and NumPermiso of this installation. */
    permitModality: text("permit_modality"),
    permitNumber: text("permit_number"),
    /** SAT NumContratoOAsignacion (contract areas). */
    contractOrAssignmentNumber: text("contract_or_assignment_number"),
    /** SAT InstalacionAlmacenGasNatural (natural-gas storage installation, when applicable). */
    naturalGasStorageInstallation: text("natural_gas_storage_installation"),
    /** SAT Geolocalizacion (WGS84 degrees). */
    latitude: doublePrecision("latitude"),
    longitude: doublePrecision("longitude"),
    /** IANA zone in which cut periods are computed (A30-INV-02). */
    timeZone: text("time_zone").notNull().default("America/Mexico_City"),
    /** Daily cut hour, local HH:MM (A30-INV-02, A30-REC-02). */
    cutHour: text("cut_hour").notNull().default("00:00"),
    status: text("status", { enum: INSTALLATION_STATUSES }).notNull().default("active"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    checkMatches("installations_key_check", t.key, KEY_PATTERN),
    check("installations_description_check", sql`char_length(${t.description}) between 5 and 250`),
    checkIn("installations_type_check", t.type, INSTALLATION_TYPES),
    checkMatches("installations_permit_modality_check", t.permitModality, PERMIT_MODALITY_PATTERN),
    check("installations_latitude_check", sql`${t.latitude} between -90 and 90`),
    check("installations_longitude_check", sql`${t.longitude} between -180 and 180`),
    checkMatches("installations_cut_hour_check", t.cutHour, HHMM_PATTERN),
    checkIn("installations_status_check", t.status, INSTALLATION_STATUSES),
  ],
);

/** A30-GEN-04: product keys an installation handles, with the report's per-product extras. */
export const installationProducts = pgTable(
  "installation_products",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    productKey: text("product_key")
      .notNull()
      .references(() => products.key),
    subProductKey: text("sub_product_key").references(() => subProducts.key),
    /** SAT MarcaComercial. */
    brand: text("brand"),
    /** SAT Marcaje: chemical marker substance, and its concentration (SAT ConcentracionSustanciaMarcaje). */
    marker: text("marker"),
    markerConcentration: numeric("marker_concentration", { precision: 18, scale: 6 }),
    /** SAT Otros: free description for PR15/PR20. */
    otherDescription: text("other_description"),
  },
  (t) => [unique("installation_products_unique").on(t.installationId, t.productKey, t.subProductKey).nullsNotDistinct()],
);
