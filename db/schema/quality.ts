import { sql, type SQL } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  smallint,
  text,
  unique,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { products, subProducts } from "./catalogs";
import { attachments, importedFiles } from "./documents";
import { ducts } from "./ducts";
import { ANALYZER_KINDS, CALORIFIC_UNITS, EQUIPMENT_STATUSES, LOT_KINDS, QUALITY_SOURCES } from "./enums";
import { installations } from "./installations";
import { KEY_PATTERN, RFC_PATTERN, checkIn, checkMatches, timestamptz } from "./internal";
import { measurementSystems } from "./measurement-systems";
import { taxpayers } from "./taxpayers";
import { tanks } from "./tanks";
import { users } from "./users";

/** One result line of a dictamen (A32-01 XIV–XV, A32-02). */
export interface DictamenResultJson {
  property: string;
  samplingMethod?: string;
  testMethod: string;
  value: number | string;
  unit: string;
  /** e.g. "método no listado en Anexo 32" (A32-02). */
  warning?: string;
}

/** Natural gas / condensate composition line (SAT GasNaturalOCondensados, A30-TYP-04). */
export interface GasComponentJson {
  /** GNC01 metano … GNC10 decanos. */
  component: string;
  molarFraction: number;
  /** BTU/ft³ for gas, MMBTU for condensates (fraction I). */
  calorificValue?: number;
}

/**
 * Lots (A32 32.3, A32-09): the unit a dictamen or online-instrument data applies to; operations,
 * stock records and pedimentos reference their lot (A30-TYP-10, A30-PED-07).
 */
export const lots = pgTable(
  "lots",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    /** L-2026-0001; unique within the installation. */
    key: text("key").notNull(),
    kind: text("kind", { enum: LOT_KINDS }).notNull(),
    productKey: text("product_key")
      .notNull()
      .references(() => products.key),
    subProductKey: text("sub_product_key").references(() => subProducts.key),
    tankId: integer("tank_id").references(() => tanks.id),
    ductId: integer("duct_id").references(() => ducts.id),
    /** Fraction I monthly lots: first day of the month. */
    periodMonth: date("period_month", { mode: "string" }),
    /** Supplier that shared the lot data (A32-10), when the lot comes from another taxpayer. */
    providerRfc: text("provider_rfc"),
    openedAt: timestamptz("opened_at").notNull(),
    closedAt: timestamptz("closed_at"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    createdBy: integer("created_by").references(() => users.id),
  },
  (t) => [
    unique("lots_installation_key_unique").on(t.installationId, t.key),
    checkMatches("lots_key_check", t.key, KEY_PATTERN),
    checkIn("lots_kind_check", t.kind, LOT_KINDS),
    check("lots_period_check", sql`${t.closedAt} is null or ${t.closedAt} >= ${t.openedAt}`),
  ],
);

const pctRange = (column: AnyPgColumn): SQL => sql`${column} between 0 and 100`;

/**
 * Laboratory dictámenes (Anexo 32, A32-01, A30-TYP-02…09). Fiscal record: never updated — a
 * correction is a new version (A30-STO-02). Product-specific data (A32 32.4 XVI) in typed columns
 * so reports and checks read them directly; all result lines in `results`.
 */
export const dictamenes = pgTable(
  "dictamenes",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    /** I: taxpayer (the owner of the sampled product) — FK when it is ours, RFC/name always. */
    taxpayerId: integer("taxpayer_id").references(() => taxpayers.id),
    taxpayerRfc: text("taxpayer_rfc").notNull(),
    taxpayerName: text("taxpayer_name").notNull(),
    installationId: integer("installation_id").references(() => installations.id),
    /** II: accredited laboratory (A30-TYP-02 requires RFC and name). */
    laboratoryRfc: text("laboratory_rfc").notNull(),
    laboratoryName: text("laboratory_name").notNull(),
    /** A32-13: accreditation reference and validity. */
    laboratoryAccreditation: text("laboratory_accreditation"),
    laboratoryAccreditationValidUntil: date("laboratory_accreditation_valid_until", { mode: "string" }),
    /** III: address/location where the sample was taken. */
    samplingLocation: text("sampling_location"),
    /** IV: field/reservoir of origin, or transport/storage means sampled. */
    sampleOrigin: text("sample_origin"),
    /** V: issuing personnel. */
    issuerName: text("issuer_name"),
    /** VI: RFC of the laboratory's legal representative. */
    laboratoryLegalRepresentativeRfc: text("laboratory_legal_representative_rfc"),
    /** VII: folio (SAT NumeroFolioDictamen). */
    folio: text("folio").notNull(),
    /** VIII–XI; must satisfy sampling ≤ test ≤ results ≤ issue (A32-01 decision). */
    issueDate: date("issue_date", { mode: "string" }).notNull(),
    samplingDate: date("sampling_date", { mode: "string" }),
    testDate: date("test_date", { mode: "string" }),
    resultsDate: date("results_date", { mode: "string" }),
    /** XII: lot number as printed (SAT LoteDictamen), and the lot it was linked to. */
    lotNumber: text("lot_number").notNull(),
    lotId: integer("lot_id").references(() => lots.id),
    tankId: integer("tank_id").references(() => tanks.id),
    /** XIII: sample volume and its unit (L, mL, m3…). */
    sampleVolume: numeric("sample_volume", { precision: 12, scale: 3 }),
    sampleVolumeUnit: text("sample_volume_unit"),
    /** XIV–XV: every result with property, sampling/test method, value and unit (A32-02). */
    results: jsonb("results").$type<DictamenResultJson[]>().notNull().default(sql`'[]'::jsonb`),
    /** SAT ResultadoDictamen summary (≤ 300 chars). */
    resultSummary: text("result_summary"),
    productKey: text("product_key")
      .notNull()
      .references(() => products.key),
    subProductKey: text("sub_product_key").references(() => subProducts.key),
    /** Crude (A30-TYP-03, A32-04): °API and sulfur % with one decimal. */
    apiGravity: numeric("api_gravity", { precision: 5, scale: 1 }),
    sulfurPct: numeric("sulfur_pct", { precision: 5, scale: 1 }),
    /** Gasoline (A32-03, A32-06): RON, MON and octane index (RON+MON)/2. */
    ron: numeric("ron", { precision: 6, scale: 2 }),
    mon: numeric("mon", { precision: 6, scale: 2 }),
    octaneIndex: numeric("octane_index", { precision: 6, scale: 2 }),
    /** Gasoline/diesel/jet fuel (A32-06, A32-07): contains non-fossil fuel Sí/No and its %. */
    containsNonFossil: boolean("contains_non_fossil"),
    nonFossilPct: numeric("non_fossil_pct", { precision: 6, scale: 3 }),
    /** Jet fuel alternative to the bioturbosina %: FAME content (A32-07). */
    fameMgKg: numeric("fame_mg_kg", { precision: 10, scale: 3 }),
    /** LP gas (A32-08): raw chromatography % and the values normalised to propane + butane = 100. */
    propanePctRaw: numeric("propane_pct_raw", { precision: 7, scale: 3 }),
    butanePctRaw: numeric("butane_pct_raw", { precision: 7, scale: 3 }),
    propanePct: numeric("propane_pct", { precision: 5, scale: 2 }),
    butanePct: numeric("butane_pct", { precision: 5, scale: 2 }),
    /** Natural gas / condensates (A30-TYP-04/05): composition and calorific value. */
    gasComposition: jsonb("gas_composition").$type<GasComponentJson[]>(),
    calorificValue: numeric("calorific_value", { precision: 14, scale: 3 }),
    calorificValueUnit: text("calorific_value_unit", { enum: CALORIFIC_UNITS }),
    /** Density at base conditions, used by the UCC volume correction (A30-MS-22). */
    densityKgM3: numeric("density_kg_m3", { precision: 8, scale: 2 }),
    densityBaseTemperatureC: numeric("density_base_temperature_c", { precision: 5, scale: 2 }),
    /** A32-11: file name `DI-<RFC contribuyente>_<RFC proveedor><NNNNN><YYYY>` and stored files. */
    fileName: text("file_name"),
    pdfAttachmentId: integer("pdf_attachment_id").references(() => attachments.id),
    dataAttachmentId: integer("data_attachment_id").references(() => attachments.id),
    /** Language of the dictamen; other than es/en needs a certified translation (A32-11). */
    language: text("language").notNull().default("es"),
    translationAttachmentId: integer("translation_attachment_id").references(() => attachments.id),
    /** Non-blocking findings (A32-02 unlisted method, A32-03 index mismatch, A30-PED-05…). */
    warnings: jsonb("warnings").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    version: integer("version").notNull().default(1),
    supersedesId: integer("supersedes_id")
      .unique()
      .references((): AnyPgColumn => dictamenes.id),
    correctionReason: text("correction_reason"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    createdBy: integer("created_by").references(() => users.id),
  },
  (t) => [
    unique("dictamenes_laboratory_folio_version_unique").on(t.laboratoryRfc, t.folio, t.version),
    checkMatches("dictamenes_taxpayer_rfc_check", t.taxpayerRfc, RFC_PATTERN),
    checkMatches("dictamenes_laboratory_rfc_check", t.laboratoryRfc, RFC_PATTERN),
    check(
      "dictamenes_dates_check",
      sql`coalesce(${t.samplingDate} <= coalesce(${t.testDate}, ${t.resultsDate}, ${t.issueDate}), true)
        and coalesce(${t.testDate} <= coalesce(${t.resultsDate}, ${t.issueDate}), true)
        and coalesce(${t.resultsDate} <= ${t.issueDate}, true)`,
    ),
    // A30-TYP-11 range checks.
    check("dictamenes_api_gravity_check", sql`${t.apiGravity} between 0 and 100`),
    check("dictamenes_sulfur_check", sql`${t.sulfurPct} between 0 and 10`),
    check("dictamenes_octane_check", sql`${t.octaneIndex} between 70 and 130`),
    check("dictamenes_non_fossil_pct_check", pctRange(t.nonFossilPct)),
    check("dictamenes_propane_check", pctRange(t.propanePct)),
    check("dictamenes_butane_check", pctRange(t.butanePct)),
    // A32-06/07: "Sí" ⇔ % > 0 (when the % is given; jet fuel may give FAME instead).
    check(
      "dictamenes_non_fossil_consistency_check",
      sql`${t.containsNonFossil} is null or ${t.nonFossilPct} is null or ${t.containsNonFossil} = (${t.nonFossilPct} > 0)`,
    ),
    // A32-08: normalised propane + butane = 100.
    check("dictamenes_lpg_normalised_check", sql`${t.propanePct} is null or ${t.butanePct} is null or ${t.propanePct} + ${t.butanePct} = 100`),
    checkIn("dictamenes_calorific_unit_check", t.calorificValueUnit, CALORIFIC_UNITS),
    check("dictamenes_version_check", sql`${t.version} >= 1 and (${t.version} = 1) = (${t.supersedesId} is null)`),
  ],
);

/** Online chromatographs / densitometers (A32-12) and their verification by an accredited provider. */
export const analyzers = pgTable(
  "analyzers",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    installationId: integer("installation_id")
      .notNull()
      .references(() => installations.id),
    key: text("key").notNull(),
    kind: text("kind", { enum: ANALYZER_KINDS }).notNull(),
    description: text("description").notNull(),
    /** Where it samples: the duct/tank measurement system it is associated with. */
    measurementSystemId: integer("measurement_system_id").references(() => measurementSystems.id),
    make: text("make"),
    model: text("model"),
    serial: text("serial"),
    verificationProviderRfc: text("verification_provider_rfc"),
    verificationProviderName: text("verification_provider_name"),
    verifiedOn: date("verified_on", { mode: "string" }),
    /** Expired verification → "Calibración no válida" (A32-12). */
    verificationValidUntil: date("verification_valid_until", { mode: "string" }),
    status: text("status", { enum: EQUIPMENT_STATUSES }).notNull().default("O"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("analyzers_installation_key_unique").on(t.installationId, t.key),
    checkIn("analyzers_kind_check", t.kind, ANALYZER_KINDS),
    checkIn("analyzers_status_check", t.status, EQUIPMENT_STATUSES),
  ],
);

/** Analyzer values per property, aggregated per lot (flow-weighted) by the quality service (A32-12). */
export const analyzerResults = pgTable(
  "analyzer_results",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    analyzerId: integer("analyzer_id")
      .notNull()
      .references(() => analyzers.id),
    lotId: integer("lot_id").references(() => lots.id),
    time: timestamptz("time").notNull(),
    /** calorific_value, density, methane, ethane… */
    property: text("property").notNull(),
    value: doublePrecision("value").notNull(),
    unit: text("unit").notNull(),
    /** Volume that flowed in the interval, the weight of the lot average (e.g. m³). */
    flowVolume: doublePrecision("flow_volume"),
    quality: smallint("quality").notNull().default(0),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("analyzer_results_unique").on(t.analyzerId, t.property, t.time),
    index("analyzer_results_lot_idx").on(t.lotId),
    check("analyzer_results_quality_check", sql`${t.quality} in (0, 1, 2)`),
  ],
);

/**
 * The quality (product-type) record applicable to a lot, with its source (A30-TYP-01): a dictamen,
 * an online instrument, or data provided by another taxpayer for the same lot (A32-10). A record
 * without a matching source reference is rejected by the check.
 */
export const qualityRecords = pgTable(
  "quality_records",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    lotId: integer("lot_id")
      .notNull()
      .references(() => lots.id),
    source: text("source", { enum: QUALITY_SOURCES }).notNull(),
    dictamenId: integer("dictamen_id").references(() => dictamenes.id),
    analyzerId: integer("analyzer_id").references(() => analyzers.id),
    /** `proporcionado por <RFC>`. */
    providerRfc: text("provider_rfc"),
    importedFileId: integer("imported_file_id").references(() => importedFiles.id),
    productKey: text("product_key")
      .notNull()
      .references(() => products.key),
    subProductKey: text("sub_product_key").references(() => subProducts.key),
    /** The A32 32.4 XVI values as exported/imported for the lot (A32-10). */
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    validFrom: timestamptz("valid_from").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    createdBy: integer("created_by").references(() => users.id),
  },
  (t) => [
    checkIn("quality_records_source_check", t.source, QUALITY_SOURCES),
    check(
      "quality_records_source_reference_check",
      sql`case ${t.source} when 'dictamen' then ${t.dictamenId} is not null
        when 'online_instrument' then ${t.analyzerId} is not null
        when 'provided' then ${t.providerRfc} is not null else false end`,
    ),
    index("quality_records_lot_idx").on(t.lotId),
  ],
);
