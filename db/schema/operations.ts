import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  unique,
  type AnyPgColumn,
  type PgColumn,
} from "drizzle-orm/pg-core";
import { products, subProducts } from "./catalogs";
import { dispensers, hoses } from "./dispensers";
import { importedFiles } from "./documents";
import { ducts } from "./ducts";
import {
  CALORIFIC_UNITS,
  ELEMENT_TYPES,
  OPERATION_TYPES,
  RECORD_ORIGINS,
  RECORD_STATUSES,
  SAT_RECORD_TYPES,
  TOTALIZER_READING_KINDS,
  VOLUME_UNITS,
} from "./enums";
import { eventLog } from "./event-log";
import { installations } from "./installations";
import { RFC_PATTERN, checkIn, checkMatches, fiscalVolume, timestamptz, versionCheck } from "./internal";
import { measurementSystems } from "./measurement-systems";
import { lots, qualityRecords } from "./quality";
import { tanks } from "./tanks";
import { users } from "./users";
import { wells } from "./wells";

/** CHECK that the column named by element_type is set (the others may be set too: a hose sale also names its dispenser and tank). */
function elementCheck(
  name: string,
  t: { elementType: PgColumn; tankId: PgColumn; ductId: PgColumn; wellId: PgColumn; dispenserId: PgColumn; hoseId: PgColumn },
) {
  return check(
    name,
    sql`case ${t.elementType} when 'tank' then ${t.tankId} is not null when 'duct' then ${t.ductId} is not null
      when 'well' then ${t.wellId} is not null when 'dispenser' then ${t.dispenserId} is not null
      when 'hose' then ${t.hoseId} is not null else false end`,
  );
}

/**
 * Per-operation volume records (A30-REC-01/03): one row at the end of each reception or delivery,
 * numbered gap-free per installation (A30-REC-04, via record_sequences). Fiscal record: never
 * updated or deleted; a correction is a new row with the same number, version + 1 and
 * `supersedes_id` pointing at the previous version (A30-STO-02, A30-LOG-10). The current version
 * of a number is the one nobody supersedes.
 *
 * Volumes are in the product's reporting unit (`unit`, A30-MS-09: L, bbl, m³, ft³) at the
 * reference condition in `reference_temperature_c` / `reference_pressure_kpa` (A30-MS-08).
 */
export const operations = pgTable(
  "operations",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    /** SAT NumeroDeRegistro: unique and consecutive per installation, shared by all versions of a record. */
    number: bigint("number", { mode: "number" }).notNull(),
    type: text("type", { enum: OPERATION_TYPES }).notNull(),
    /** SAT TipoDeRegistro D/E/J/A/N/C (dispenser sales: required). */
    satRecordType: text("sat_record_type", { enum: SAT_RECORD_TYPES }).notNull().default("D"),
    /** Element the volume was measured on (A30-REC-02 per tank/duct/well/dispenser). */
    elementType: text("element_type", { enum: ELEMENT_TYPES }).notNull(),
    tankId: integer("tank_id").references(() => tanks.id),
    ductId: integer("duct_id").references(() => ducts.id),
    wellId: integer("well_id").references(() => wells.id),
    dispenserId: integer("dispenser_id").references(() => dispensers.id),
    hoseId: integer("hose_id").references(() => hoses.id),
    /** Measurement system whose tertiary element produced the volume (A30-MS-18); null for manual/third-party. */
    measurementSystemId: integer("measurement_system_id").references(() => measurementSystems.id),
    productKey: text("product_key")
      .notNull()
      .references(() => products.key),
    subProductKey: text("sub_product_key").references(() => subProducts.key),
    /** Start of the operation (SAT FechaYHoraInicio…). */
    startAt: timestamptz("start_at").notNull(),
    /** End of the operation (SAT FechaYHoraFinal…); the record is made at this instant (A30-REC-01). */
    endAt: timestamptz("end_at").notNull(),
    /** SAT VolumenInicialTanque / VolumenPuntoEntrada|Salida: element volume before the operation. */
    elementVolumeBefore: fiscalVolume("element_volume_before"),
    /** SAT VolumenFinalTanque: element volume after the operation. */
    elementVolumeAfter: fiscalVolume("element_volume_after"),
    /** Observed (gross) volume at operating temperature/pressure (A30-MS-08). */
    grossVolume: fiscalVolume("gross_volume"),
    /** SAT VolumenRecepcion/VolumenEntregado: volume at reference conditions. */
    netVolume: fiscalVolume("net_volume").notNull(),
    /** SAT UnidadDeMedida of every volume column of this row (A30-MS-09). */
    unit: text("unit", { enum: VOLUME_UNITS }).notNull(),
    /** A30-MS-09: the value as measured when it was in another unit (see measured_unit, conversion_*). */
    measuredValue: numeric("measured_value", { precision: 18, scale: 6 }),
    measuredUnit: text("measured_unit"),
    conversionFactor: numeric("conversion_factor", { precision: 20, scale: 10 }),
    conversionText: text("conversion_text"),
    /** SAT Temperatura of the quantification, °C. */
    temperatureC: numeric("temperature_c", { precision: 8, scale: 3 }),
    /** SAT PresionAbsoluta of the quantification, kPa. */
    pressureAbsKpa: numeric("pressure_abs_kpa", { precision: 10, scale: 3 }),
    /** Observed density used for the correction. */
    densityKgM3: numeric("density_kg_m3", { precision: 8, scale: 3 }),
    /** Volume correction factor (CTPL) applied, 5 decimals (API MPMS 11.1). */
    vcf: numeric("vcf", { precision: 7, scale: 5 }),
    /** A30-MS-08 reference condition of net_volume: 15.56 °C or 20 °C at 101.325 kPa. */
    referenceTemperatureC: numeric("reference_temperature_c", { precision: 5, scale: 2 }).notNull(),
    referencePressureKpa: numeric("reference_pressure_kpa", { precision: 8, scale: 3 }).notNull().default("101.325"),
    /** Natural gas: calorific value of the volume (A30-REC-03, A30-MS-09). */
    calorificValue: numeric("calorific_value", { precision: 14, scale: 3 }),
    calorificValueUnit: text("calorific_value_unit", { enum: CALORIFIC_UNITS }),
    /** A30-REC-03/05: RFC of the supplier (reception) or customer (delivery); missing → status incomplete. */
    counterpartyRfc: text("counterparty_rfc"),
    counterpartyName: text("counterparty_name"),
    counterpartyPermit: text("counterparty_permit"),
    /** A30-REC-05 transport/distribution means: vehicle/vessel/duct key (e.g. TQS-ATQ-1234). */
    transportMeansKey: text("transport_means_key"),
    transportPermit: text("transport_permit"),
    /** Dispenser sales: accumulated totaliser after the sale (SAT VolumenEntregadoTotalizadorAcum). */
    totalizerAfter: fiscalVolume("totalizer_after"),
    unitPriceMxn: numeric("unit_price_mxn", { precision: 18, scale: 6 }),
    amountMxn: numeric("amount_mxn", { precision: 18, scale: 2 }),
    /** A30-TYP-10: lot and applicable quality record (null → "pendiente de tipo de producto"). */
    lotId: integer("lot_id").references(() => lots.id),
    qualityRecordId: integer("quality_record_id").references(() => qualityRecords.id),
    status: text("status", { enum: RECORD_STATUSES }).notNull().default("complete"),
    /** Missing fields when incomplete (A30-REC-03, A30-ALM-08). */
    incompleteReasons: jsonb("incomplete_reasons").$type<string[]>(),
    origin: text("origin", { enum: RECORD_ORIGINS }).notNull(),
    /** Provider / third party that supplied the record (A30-REC-09, A30-MS-24). */
    sourceRfc: text("source_rfc"),
    importedFileId: integer("imported_file_id").references(() => importedFiles.id),
    /** A30-MS-18: `SMD-DISP-0004 (terciario)` or `UCC (algoritmo vcf-api11.1 v1.2.0)`. */
    sourceDevice: text("source_device"),
    algorithmId: text("algorithm_id"),
    algorithmVersion: text("algorithm_version"),
    /** Dedup key of the source (collector key + sequence, device transaction id) (A30-ALM-08). */
    sourceKey: text("source_key"),
    /** Values received from the tertiary element, unaltered, plus the calculation trace (A31-09). */
    rawData: jsonb("raw_data").$type<Record<string, unknown>>(),
    /** Manual operations: why equipment could not record it (A30-REC-07). */
    justification: text("justification"),
    /** SAT Aclaracion: clarification of an inconsistency in the values. */
    clarification: text("clarification"),
    version: integer("version").notNull().default(1),
    supersedesId: bigint("supersedes_id", { mode: "number" })
      .unique()
      .references((): AnyPgColumn => operations.id),
    correctionReason: text("correction_reason"),
    /** Bitácora entry that recorded a manual capture or a correction. */
    eventLogId: bigint("event_log_id", { mode: "number" }).references(() => eventLog.id),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    /** null = recorded automatically ('sistema'). */
    createdBy: integer("created_by").references(() => users.id),
  },
  (t) => [
    unique("operations_installation_number_version_unique").on(t.installationId, t.number, t.version),
    unique("operations_installation_source_key_unique").on(t.installationId, t.sourceKey, t.version),
    index("operations_installation_end_idx").on(t.installationId, t.endAt),
    index("operations_tank_end_idx").on(t.tankId, t.endAt),
    check("operations_number_check", sql`${t.number} >= 1`),
    checkIn("operations_type_check", t.type, OPERATION_TYPES),
    checkIn("operations_sat_record_type_check", t.satRecordType, SAT_RECORD_TYPES),
    checkIn("operations_element_type_check", t.elementType, ELEMENT_TYPES),
    elementCheck("operations_element_check", t),
    check("operations_time_check", sql`${t.endAt} >= ${t.startAt}`),
    check("operations_volume_check", sql`${t.netVolume} >= 0 and coalesce(${t.grossVolume}, 0) >= 0`),
    checkIn("operations_unit_check", t.unit, VOLUME_UNITS),
    check("operations_reference_temperature_check", sql`${t.referenceTemperatureC} in (15.56, 20)`),
    checkIn("operations_calorific_unit_check", t.calorificValueUnit, CALORIFIC_UNITS),
    checkMatches("operations_counterparty_rfc_check", t.counterpartyRfc, RFC_PATTERN),
    checkIn("operations_status_check", t.status, RECORD_STATUSES),
    checkIn("operations_origin_check", t.origin, RECORD_ORIGINS),
    check("operations_manual_check", sql`${t.origin} <> 'manual' or (${t.createdBy} is not null and ${t.justification} is not null)`),
    check("operations_source_rfc_check", sql`${t.origin} not in ('third_party', 'provider') or ${t.sourceRfc} is not null`),
    check("operations_version_check", versionCheck(t.version, t.supersedesId)),
    check("operations_correction_check", sql`${t.version} = 1 or ${t.correctionReason} is not null`),
  ],
);

/**
 * Daily accumulated records (A30-REC-02): at each cut, the volumes received and delivered since
 * the previous cut per element, product and measurement system. Own gap-free register per
 * installation (A30-REC-04). Versioned like operations.
 */
export const dailyAccumulations = pgTable(
  "daily_accumulations",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    number: bigint("number", { mode: "number" }).notNull(),
    /** Report date of the period (local date on which the period starts, A30-INV-02). */
    reportDate: date("report_date", { mode: "string" }).notNull(),
    periodStart: timestamptz("period_start").notNull(),
    /** = the cut instant; SAT HoraRecepcionAcumulado / HoraEntregaAcumulado. */
    periodEnd: timestamptz("period_end").notNull(),
    elementType: text("element_type", { enum: ELEMENT_TYPES }).notNull(),
    tankId: integer("tank_id").references(() => tanks.id),
    ductId: integer("duct_id").references(() => ducts.id),
    wellId: integer("well_id").references(() => wells.id),
    dispenserId: integer("dispenser_id").references(() => dispensers.id),
    hoseId: integer("hose_id").references(() => hoses.id),
    measurementSystemId: integer("measurement_system_id").references(() => measurementSystems.id),
    productKey: text("product_key")
      .notNull()
      .references(() => products.key),
    subProductKey: text("sub_product_key").references(() => subProducts.key),
    /** SAT TotalRecepciones / SumaVolumenRecepcion / TotalDocumentos / SumaCompras. */
    receptionCount: integer("reception_count").notNull().default(0),
    receivedVolume: fiscalVolume("received_volume").notNull(),
    receptionDocumentCount: integer("reception_document_count").notNull().default(0),
    purchasesAmountMxn: numeric("purchases_amount_mxn", { precision: 18, scale: 2 }),
    /** SAT TotalEntregas / SumaVolumenEntregado / TotalDocumentos / SumaVentas. */
    deliveryCount: integer("delivery_count").notNull().default(0),
    deliveredVolume: fiscalVolume("delivered_volume").notNull(),
    deliveryDocumentCount: integer("delivery_document_count").notNull().default(0),
    salesAmountMxn: numeric("sales_amount_mxn", { precision: 18, scale: 2 }),
    unit: text("unit", { enum: VOLUME_UNITS }).notNull(),
    referenceTemperatureC: numeric("reference_temperature_c", { precision: 5, scale: 2 }).notNull(),
    calorificValue: numeric("calorific_value", { precision: 14, scale: 3 }),
    calorificValueUnit: text("calorific_value_unit", { enum: CALORIFIC_UNITS }),
    version: integer("version").notNull().default(1),
    supersedesId: bigint("supersedes_id", { mode: "number" })
      .unique()
      .references((): AnyPgColumn => dailyAccumulations.id),
    correctionReason: text("correction_reason"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    createdBy: integer("created_by").references(() => users.id),
  },
  (t) => [
    unique("daily_accumulations_installation_number_version_unique").on(t.installationId, t.number, t.version),
    index("daily_accumulations_installation_date_idx").on(t.installationId, t.reportDate),
    check("daily_accumulations_number_check", sql`${t.number} >= 1`),
    checkIn("daily_accumulations_element_type_check", t.elementType, ELEMENT_TYPES),
    elementCheck("daily_accumulations_element_check", t),
    check("daily_accumulations_period_check", sql`${t.periodEnd} > ${t.periodStart}`),
    check(
      "daily_accumulations_volume_check",
      sql`${t.receivedVolume} >= 0 and ${t.deliveredVolume} >= 0 and ${t.receptionCount} >= 0 and ${t.deliveryCount} >= 0`,
    ),
    checkIn("daily_accumulations_unit_check", t.unit, VOLUME_UNITS),
    check("daily_accumulations_reference_temperature_check", sql`${t.referenceTemperatureC} in (15.56, 20)`),
    check("daily_accumulations_version_check", versionCheck(t.version, t.supersedesId)),
  ],
);

/** A30-REC-08: process losses per element and day, included in the book stock (A30-INC-01, A30-INV-03). */
export const processLosses = pgTable(
  "process_losses",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    reportDate: date("report_date", { mode: "string" }).notNull(),
    elementType: text("element_type", { enum: ELEMENT_TYPES }).notNull(),
    tankId: integer("tank_id").references(() => tanks.id),
    ductId: integer("duct_id").references(() => ducts.id),
    wellId: integer("well_id").references(() => wells.id),
    dispenserId: integer("dispenser_id").references(() => dispensers.id),
    hoseId: integer("hose_id").references(() => hoses.id),
    productKey: text("product_key")
      .notNull()
      .references(() => products.key),
    volume: fiscalVolume("volume").notNull(),
    unit: text("unit", { enum: VOLUME_UNITS }).notNull(),
    /** e.g. "API MPMS 19" (evaporation). */
    method: text("method").notNull(),
    justification: text("justification").notNull(),
    version: integer("version").notNull().default(1),
    supersedesId: bigint("supersedes_id", { mode: "number" })
      .unique()
      .references((): AnyPgColumn => processLosses.id),
    eventLogId: bigint("event_log_id", { mode: "number" }).references(() => eventLog.id),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
  },
  (t) => [
    index("process_losses_installation_date_idx").on(t.installationId, t.reportDate),
    checkIn("process_losses_element_type_check", t.elementType, ELEMENT_TYPES),
    elementCheck("process_losses_element_check", t),
    check("process_losses_volume_check", sql`${t.volume} >= 0`),
    checkIn("process_losses_unit_check", t.unit, VOLUME_UNITS),
    check("process_losses_version_check", versionCheck(t.version, t.supersedesId)),
  ],
);

/**
 * Dispenser totaliser readings (A30-MS-20): per hose at every cut (opening/closing), at each sale,
 * and the dispenser's general totaliser. Read-only once stored (A30-MS-17).
 */
export const dispenserTotalizerReadings = pgTable(
  "dispenser_totalizer_readings",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** Hose totaliser; null for the dispenser's general totaliser (kind 'general'). */
    hoseId: integer("hose_id").references(() => hoses.id),
    dispenserId: integer("dispenser_id")
      .notNull()
      .references(() => dispensers.id),
    time: timestamptz("time").notNull(),
    totalizerL: numeric("totalizer_l", { precision: 18, scale: 3 }).notNull(),
    kind: text("kind", { enum: TOTALIZER_READING_KINDS }).notNull(),
    /** Sale readings: the operation they belong to. */
    operationId: bigint("operation_id", { mode: "number" }).references(() => operations.id),
    source: text("source"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("dispenser_totalizer_readings_unique").on(t.dispenserId, t.hoseId, t.kind, t.time).nullsNotDistinct(),
    checkIn("dispenser_totalizer_readings_kind_check", t.kind, TOTALIZER_READING_KINDS),
    check("dispenser_totalizer_readings_hose_check", sql`(${t.kind} = 'general') = (${t.hoseId} is null)`),
    check("dispenser_totalizer_readings_value_check", sql`${t.totalizerL} >= 0`),
  ],
);
