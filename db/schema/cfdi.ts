import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, numeric, pgTable, smallint, text, unique, uniqueIndex } from "drizzle-orm/pg-core";
import { products } from "./catalogs";
import { CFDI_STATUSES, CFDI_TYPES, CFDI_VERSIONS, VOLUME_UNITS } from "./enums";
import { installations } from "./installations";
import { RFC_PATTERN, SHA256_HEX, checkIn, checkMatches, timestamptz } from "./internal";
import { operations } from "./operations";
import { taxpayers } from "./taxpayers";
import { users } from "./users";

/** What a CFDI documents for the volumetric control (A30-CFDI-01/02): drives the monthly pre-check. */
export const CFDI_PURPOSES = ["acquisition", "sale", "service", "payment"] as const;

/**
 * Imported CFDI (A30-CFDI-01…08). The original XML bytes and their SHA-256 are kept (A30-CFDI-07);
 * amounts are stored exactly as in the XML (numeric, A30-CFDI-08). Cancellation status is tracked
 * (A30-CFDI-06); a cancelled CFDI stays stored and is excluded from totals by the queries.
 */
export const cfdi = pgTable(
  "cfdi",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    taxpayerId: integer("taxpayer_id")
      .notNull()
      .references(() => taxpayers.id),
    installationId: integer("installation_id").references(() => installations.id),
    /** Folio fiscal from the TimbreFiscalDigital, upper-case (A30-CFDI-03). */
    uuid: text("uuid").notNull(),
    version: text("version", { enum: CFDI_VERSIONS }).notNull(),
    /** TipoDeComprobante: I Ingreso, E Egreso, T Traslado, P Pago (A30-CFDI-04). */
    type: text("type", { enum: CFDI_TYPES }).notNull(),
    purpose: text("purpose", { enum: CFDI_PURPOSES }).notNull(),
    /** Fecha of the comprobante (interpreted in the issuer's zone) and FechaTimbrado of the stamp. */
    issuedAt: timestamptz("issued_at").notNull(),
    stampedAt: timestamptz("stamped_at"),
    series: text("series"),
    folio: text("folio"),
    issuerRfc: text("issuer_rfc").notNull(),
    issuerName: text("issuer_name"),
    receiverRfc: text("receiver_rfc").notNull(),
    receiverName: text("receiver_name"),
    subtotal: numeric("subtotal", { precision: 24, scale: 6 }).notNull(),
    discount: numeric("discount", { precision: 24, scale: 6 }),
    total: numeric("total", { precision: 24, scale: 6 }).notNull(),
    /** Moneda (MXN, USD, XXX for type P/T) and TipoCambio. */
    currency: text("currency").notNull(),
    exchangeRate: numeric("exchange_rate", { precision: 18, scale: 6 }),
    /** Decimals used in the amounts, for display (A30-CFDI-08, default 2). */
    amountDecimals: smallint("amount_decimals").notNull().default(2),
    status: text("status", { enum: CFDI_STATUSES }).notNull().default("vigente"),
    statusChangedAt: timestamptz("status_changed_at"),
    /** PAC cancellation code (204, 207, 208, 209, 310, 311, 312) and text, when known (A30-CFDI-06). */
    cancellationCode: text("cancellation_code"),
    cancellationMessage: text("cancellation_message"),
    /** Service CFDI: type/description of the service (A30-CFDI-02 IV). */
    serviceDescription: text("service_description"),
    xmlSha256: text("xml_sha256").notNull(),
    /** The XML exactly as imported. */
    xml: text("xml").notNull(),
    importedAt: timestamptz("imported_at").notNull().defaultNow(),
    importedBy: integer("imported_by").references(() => users.id),
  },
  (t) => [
    unique("cfdi_taxpayer_uuid_unique").on(t.taxpayerId, t.uuid),
    checkMatches("cfdi_uuid_check", t.uuid, "^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$"),
    check("cfdi_uuid_not_zero_check", sql`${t.uuid} <> '00000000-0000-0000-0000-000000000000'`),
    checkIn("cfdi_version_check", t.version, CFDI_VERSIONS),
    checkIn("cfdi_type_check", t.type, CFDI_TYPES),
    checkIn("cfdi_purpose_check", t.purpose, CFDI_PURPOSES),
    checkIn("cfdi_status_check", t.status, CFDI_STATUSES),
    checkMatches("cfdi_issuer_rfc_check", t.issuerRfc, RFC_PATTERN),
    checkMatches("cfdi_receiver_rfc_check", t.receiverRfc, RFC_PATTERN),
    checkMatches("cfdi_xml_sha256_check", t.xmlSha256, SHA256_HEX),
    check("cfdi_amounts_check", sql`${t.subtotal} >= 0 and ${t.total} >= 0`),
    check("cfdi_amount_decimals_check", sql`${t.amountDecimals} between 0 and 6`),
    index("cfdi_issuer_issued_idx").on(t.issuerRfc, t.issuedAt),
    index("cfdi_receiver_issued_idx").on(t.receiverRfc, t.issuedAt),
  ],
);

/** CFDI concept lines with the volume they document (A30-CFDI-02: volume, unit price, amount). */
export const cfdiConcepts = pgTable(
  "cfdi_concepts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    cfdiId: integer("cfdi_id")
      .notNull()
      .references(() => cfdi.id),
    /** Order in the XML, from 1. */
    position: integer("position").notNull(),
    /** ClaveProdServ (15101514 gasolina ≥ 91 oct, 15101505 diésel…). */
    productServiceKey: text("product_service_key").notNull(),
    quantity: numeric("quantity", { precision: 24, scale: 6 }).notNull(),
    /** ClaveUnidad (LTR, MTQ, BLL…). */
    unitKey: text("unit_key").notNull(),
    unitPrice: numeric("unit_price", { precision: 24, scale: 6 }).notNull(),
    amount: numeric("amount", { precision: 24, scale: 6 }).notNull(),
    discount: numeric("discount", { precision: 24, scale: 6 }),
    description: text("description").notNull(),
    /** Volume the line documents in the SAT unit (SAT VolumenDocumentado); null for services and type P. */
    volume: numeric("volume", { precision: 18, scale: 3 }),
    volumeUnit: text("volume_unit", { enum: VOLUME_UNITS }),
    productKey: text("product_key").references(() => products.key),
  },
  (t) => [
    unique("cfdi_concepts_position_unique").on(t.cfdiId, t.position),
    check("cfdi_concepts_volume_unit_check", sql`(${t.volume} is null) = (${t.volumeUnit} is null)`),
    checkIn("cfdi_concepts_unit_check", t.volumeUnit, VOLUME_UNITS),
  ],
);

/** Related CFDI: documents a payment receipt (P) pays, or the relation of an Egreso (A30-CFDI-04). */
export const cfdiRelatedDocuments = pgTable(
  "cfdi_related_documents",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    cfdiId: integer("cfdi_id")
      .notNull()
      .references(() => cfdi.id),
    relatedUuid: text("related_uuid").notNull(),
    /** TipoRelacion (01, 03, 04…) or 'pago' for a REP DoctoRelacionado. */
    relation: text("relation").notNull(),
    amountPaid: numeric("amount_paid", { precision: 24, scale: 6 }),
  },
  (t) => [unique("cfdi_related_documents_unique").on(t.cfdiId, t.relatedUuid, t.relation)],
);

/**
 * Many-to-many links CFDI ↔ operation with the volume linked per pair (A30-CFDI-05). Unlinking
 * keeps the row (unlinked_at/by), so the link history stays readable (A30-LOG-10).
 */
export const cfdiOperationLinks = pgTable(
  "cfdi_operation_links",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    cfdiId: integer("cfdi_id")
      .notNull()
      .references(() => cfdi.id),
    operationId: bigint("operation_id", { mode: "number" })
      .notNull()
      .references(() => operations.id),
    volumeLinked: numeric("volume_linked", { precision: 18, scale: 3 }).notNull(),
    unit: text("unit", { enum: VOLUME_UNITS }).notNull(),
    /** true when proposed by the suggestion rule and accepted (A30-CFDI-05). */
    suggested: boolean("suggested").notNull().default(false),
    linkedAt: timestamptz("linked_at").notNull().defaultNow(),
    linkedBy: integer("linked_by").references(() => users.id),
    unlinkedAt: timestamptz("unlinked_at"),
    unlinkedBy: integer("unlinked_by").references(() => users.id),
  },
  (t) => [
    uniqueIndex("cfdi_operation_links_active_unique").on(t.cfdiId, t.operationId).where(sql`unlinked_at is null`),
    index("cfdi_operation_links_operation_idx").on(t.operationId),
    check("cfdi_operation_links_volume_check", sql`${t.volumeLinked} >= 0`),
    checkIn("cfdi_operation_links_unit_check", t.unit, VOLUME_UNITS),
  ],
);
