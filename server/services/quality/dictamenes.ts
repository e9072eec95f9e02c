import { createHash } from "node:crypto";
import type { Database, SqlExecutor } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { checkDictamenDates, checkQualitySource, parseDictamenFileName } from "../../domain/quality/index";
import { checkTestMethods, evaluateProductData, type ProductDataColumns, type ResultLine } from "../../domain/quality/product-data";
import { describeLinks, findOrCreateLot, planOperationLinks, QualityError, writeOperationLinks, type Actor, type LinkedOperation } from "./lots";
import type { DictamenInput } from "./schemas";

/**
 * Laboratory dictámenes (Anexo 32, 32.4; A32-01…11, A30-TYP-01…09): capture and DI- import share
 * `prepareDictamen` (every rule, all reasons reported together) and `storeDictamen` (dictamen row,
 * the lot found or opened, the lot's quality record with `fuente = dictamen DI-…`, the links of the
 * lot's operations, one bitácora entry) inside one transaction.
 */

/** SAT NumeroFolioDictamen: RFC of the laboratory + 5-digit annual consecutive + 4-digit year. */
const FOLIO_PATTERN = /^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}[0-9]{5}[12][0-9]{3}$/;

interface InstallationContext {
  id: number;
  key: string;
  timeZone: string;
  taxpayerId: number;
  taxpayerRfc: string;
  taxpayerName: string;
  activityFraction: string | null;
}

export async function installationContext(tx: SqlExecutor, installationKey: string): Promise<InstallationContext> {
  const [row] = await tx.query<{ id: number; key: string; time_zone: string; taxpayer_id: number; rfc: string; name: string; activity_fraction: string | null }>(
    "select i.id, i.key, i.time_zone, t.id as taxpayer_id, t.rfc, t.name, t.activity_fraction from installations i join taxpayers t on t.id = i.taxpayer_id where i.key = $1",
    [installationKey],
  );
  if (!row) throw new QualityError("not_found", `Instalación desconocida: ${installationKey}`);
  return { id: Number(row.id), key: row.key, timeZone: row.time_zone, taxpayerId: Number(row.taxpayer_id), taxpayerRfc: row.rfc, taxpayerName: row.name, activityFraction: row.activity_fraction };
}

/** Product exists; sub-product (if any) belongs to it; tank (if any) is of the installation and holds the product. */
export async function checkProductAndTank(
  tx: SqlExecutor,
  installation: InstallationContext,
  productKey: string,
  subProductKey: string | null,
  tankKey: string | undefined,
): Promise<{ tankId: number | null; reasons: string[] }> {
  const reasons: string[] = [];
  const [product] = await tx.query("select 1 from products where key = $1", [productKey]);
  if (!product) reasons.push(`Producto desconocido: ${productKey}`);
  if (product && subProductKey) {
    const [allowed] = await tx.query("select 1 from product_sub_products where product_key = $1 and sub_product_key = $2", [productKey, subProductKey]);
    if (!allowed) reasons.push(`El subproducto ${subProductKey} no corresponde al producto ${productKey}`);
  }
  let tankId: number | null = null;
  if (tankKey) {
    const [tank] = await tx.query<{ id: number; product_key: string }>("select id, product_key from tanks where installation_id = $1 and key = $2", [installation.id, tankKey]);
    if (!tank) throw new QualityError("not_found", `Tanque desconocido en ${installation.key}: ${tankKey}`);
    if (tank.product_key !== productKey) reasons.push(`El tanque ${tankKey} almacena ${tank.product_key}, no ${productKey}`);
    tankId = Number(tank.id);
  }
  return { tankId, reasons };
}

function todayIn(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

export interface PreparedDictamen {
  installation: InstallationContext;
  tankId: number | null;
  input: DictamenInput;
  taxpayerRfc: string;
  taxpayerName: string;
  subProductKey: string | null;
  columns: ProductDataColumns;
  xvi: Record<string, unknown>;
  results: ResultLine[];
  resultSummary: string;
  warnings: string[];
  /** `dictamen DI-<RFC contribuyente>_<folio>` (A30-TYP-01). */
  sourceLabel: string;
}

/**
 * Every rule of a dictamen, all reasons together (QualityError "invalid" → 400): source and issuer
 * data (A30-TYP-01/02), folio in SAT's form, dates (A32-01), product block (A32-03…08), file name
 * (A32-11). Non-blocking findings become warnings (A32-02 methods, A32-03 index, A32-11 language,
 * A32-13 accreditation, missing 32.4 III–VI and XIII data).
 */
export async function prepareDictamen(tx: SqlExecutor, input: DictamenInput, now: Date): Promise<PreparedDictamen> {
  const installation = await installationContext(tx, input.installationKey);
  const reasons: string[] = [];
  const warnings: string[] = [];
  const taxpayerRfc = input.taxpayerRfc ?? installation.taxpayerRfc;
  if (taxpayerRfc !== installation.taxpayerRfc) reasons.push(`El RFC del contribuyente del dictamen (${taxpayerRfc}) no es el de ${installation.key} (${installation.taxpayerRfc})`);
  const source = checkQualitySource({ kind: "dictamen", laboratoryRfc: input.laboratoryRfc, folio: `DI-${taxpayerRfc}_${input.folio}`, issueDate: input.issueDate });
  if (!source.ok) reasons.push(source.error);
  if (!FOLIO_PATTERN.test(input.folio)) {
    reasons.push(`Folio «${input.folio}»: debe ser el RFC del laboratorio seguido de 5 dígitos consecutivos y el año de emisión (p. ej. ${input.laboratoryRfc}000252026)`);
  } else if (!input.folio.startsWith(input.laboratoryRfc) || input.folio.length !== input.laboratoryRfc.length + 9) {
    reasons.push(`Folio «${input.folio}»: debe comenzar con el RFC del laboratorio ${input.laboratoryRfc}`);
  } else if (input.folio.slice(-4) !== input.issueDate.slice(0, 4)) {
    warnings.push(`el año del folio (${input.folio.slice(-4)}) no coincide con el de la fecha de emisión (${input.issueDate.slice(0, 4)})`);
  }
  const dates = checkDictamenDates({ samplingDate: input.samplingDate, testDate: input.testDate, resultsDate: input.resultsDate, issueDate: input.issueDate });
  if (!dates.ok) reasons.push(dates.error);
  const today = todayIn(installation.timeZone, now);
  if (input.issueDate > today) reasons.push(`Fecha de emisión ${input.issueDate} posterior a hoy (${today})`);
  if (input.fileName) {
    const parsed = parseDictamenFileName(input.fileName);
    if (!parsed.ok) reasons.push(parsed.error);
    else {
      if (parsed.value.rfcContribuyente !== taxpayerRfc) reasons.push(`El archivo ${input.fileName} es del contribuyente ${parsed.value.rfcContribuyente}, no de ${taxpayerRfc}`);
      if (parsed.value.rfcProveedor !== input.laboratoryRfc) reasons.push(`El archivo ${input.fileName} es del laboratorio ${parsed.value.rfcProveedor}, no de ${input.laboratoryRfc}`);
      const folio = `${parsed.value.rfcProveedor}${parsed.value.consecutivo}${parsed.value.anio}`;
      if (folio !== input.folio) reasons.push(`El nombre del archivo corresponde al folio ${folio}, no al ${input.folio}`);
    }
  }
  const { tankId, reasons: productReasons } = await checkProductAndTank(tx, installation, input.productKey, input.subProductKey ?? null, input.tankKey);
  reasons.push(...productReasons);
  const product = evaluateProductData(input.productKey, input, installation.activityFraction);
  if (!product.ok) reasons.push(...product.errors);
  if (reasons.length > 0) throw new QualityError("invalid", reasons.length === 1 ? reasons[0]! : "dictamen inválido", reasons);
  const evaluated = product as Extract<typeof product, { ok: true }>;
  warnings.push(...evaluated.warnings);
  const methods = checkTestMethods(input.productKey, (input.results ?? []) as ResultLine[]);
  warnings.push(...methods.warnings);
  const language = input.language ?? "es";
  if (language !== "es" && language !== "en") warnings.push(`traducción requerida: dictamen en «${language}»; adjunte la traducción al español por perito traductor autorizado (A32-11)`);
  if (input.laboratoryAccreditationValidUntil && input.laboratoryAccreditationValidUntil < input.issueDate) {
    warnings.push(`la acreditación del laboratorio venció el ${input.laboratoryAccreditationValidUntil}, antes de la emisión (A32-13)`);
  }
  const missing = [
    [input.samplingLocation, "domicilio o ubicación del muestreo (III)"],
    [input.sampleOrigin, "origen de la muestra (IV)"],
    [input.issuerName, "personal que emite (V)"],
    [input.laboratoryLegalRepresentativeRfc, "RFC del representante legal del laboratorio (VI)"],
    [input.sampleVolume, "volumen de la muestra (XIII)"],
  ]
    .filter(([v]) => v === undefined)
    .map(([, label]) => label as string);
  if (missing.length > 0) warnings.push(`dictamen sin ${missing.join(", ")} (Anexo 32, 32.4)`);
  return {
    installation,
    tankId,
    input,
    taxpayerRfc,
    taxpayerName: input.taxpayerName ?? installation.taxpayerName,
    subProductKey: evaluated.subProductKey,
    columns: evaluated.columns,
    xvi: evaluated.xvi,
    results: methods.results,
    resultSummary: input.resultSummary ?? (evaluated.summary.length >= 10 ? evaluated.summary : `${evaluated.summary} (dictamen)`),
    warnings,
    sourceLabel: (source as { label: string }).label,
  };
}

export interface StoredAttachment {
  fileName: string;
  mediaType: string;
  content: Buffer;
}

const n = (v: number | null, d?: number) => (v === null ? null : d === undefined ? String(v) : v.toFixed(d));

/**
 * Stores a prepared dictamen: attachment (DI- data file, A32-11), lot (found or opened), dictamen,
 * quality record, links of the lot's operations, and the one bitácora entry. Duplicate folio of the
 * same laboratory → 409.
 */
export async function storeDictamen(
  tx: SqlExecutor,
  prepared: PreparedDictamen,
  actor: Actor,
  now: Date,
  options: { attachment?: StoredAttachment; origin: "captura" | "importación" | "corrección"; supersedes?: { id: number; version: number; folio: string; reason: string } },
): Promise<{ dictamenId: number; lotId: number; lotKey: string; lotCreated: boolean; qualityRecordId: number; linked: LinkedOperation[]; eventLogId: number; warnings: string[] }> {
  const { input, installation } = prepared;
  // A correction (A30-STO-02) is the next version of the same dictamen: only another current dictamen with this folio conflicts.
  const [duplicate] = options.supersedes
    ? await tx.query<{ id: number }>(DUPLICATE_FOLIO_OF_CORRECTION_SQL, [input.laboratoryRfc, input.folio, options.supersedes.id])
    : await tx.query<{ id: number }>("select id from dictamenes where laboratory_rfc = $1 and folio = $2", [input.laboratoryRfc, input.folio]);
  if (duplicate) throw new QualityError("conflict", `El dictamen ${input.folio} del laboratorio ${input.laboratoryRfc} ya está registrado (id ${duplicate.id})`);
  const lot = await findOrCreateLot(
    tx,
    { installationId: installation.id, key: input.lotNumber, productKey: input.productKey, subProductKey: prepared.subProductKey, kind: input.lotKind, tankId: prepared.tankId, activityFraction: installation.activityFraction, openedOn: input.samplingDate },
    actor,
    now,
  );
  let attachmentId: number | null = null;
  if (options.attachment) {
    const a = options.attachment;
    const [row] = await tx.query<{ id: number }>(
      `insert into attachments (sha256, file_name, media_type, size_bytes, content, category, created_at, created_by)
       values ($1, $2, $3, $4, $5, 'dictamen_data', $6, $7) returning id`,
      [createHash("sha256").update(a.content).digest("hex"), a.fileName, a.mediaType, a.content.length, a.content, now.toISOString(), actor.userId],
    );
    attachmentId = Number(row!.id);
  }
  const c = prepared.columns;
  const [dictamen] = await tx.query<{ id: number }>(
    `insert into dictamenes (taxpayer_id, taxpayer_rfc, taxpayer_name, installation_id, laboratory_rfc, laboratory_name, laboratory_accreditation,
                             laboratory_accreditation_valid_until, sampling_location, sample_origin, issuer_name, laboratory_legal_representative_rfc, folio,
                             issue_date, sampling_date, test_date, results_date, lot_number, lot_id, tank_id, sample_volume, sample_volume_unit, results,
                             result_summary, product_key, sub_product_key, api_gravity, sulfur_pct, ron, mon, octane_index, contains_non_fossil,
                             non_fossil_pct, fame_mg_kg, propane_pct_raw, butane_pct_raw, propane_pct, butane_pct, gas_composition, calorific_value,
                             calorific_value_unit, density_kg_m3, density_base_temperature_c, file_name, data_attachment_id, language, warnings,
                             created_at, created_by, version, supersedes_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23::jsonb, $24, $25, $26, $27, $28,
             $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39::jsonb, $40, $41, $42, $43, $44, $45, $46, $47::jsonb, $48, $49, $50, $51)
     returning id`,
    [
      installation.taxpayerId,
      prepared.taxpayerRfc,
      prepared.taxpayerName,
      installation.id,
      input.laboratoryRfc,
      input.laboratoryName,
      input.laboratoryAccreditation ?? null,
      input.laboratoryAccreditationValidUntil ?? null,
      input.samplingLocation ?? null,
      input.sampleOrigin ?? null,
      input.issuerName ?? null,
      input.laboratoryLegalRepresentativeRfc ?? null,
      input.folio,
      input.issueDate,
      input.samplingDate,
      input.testDate,
      input.resultsDate,
      input.lotNumber,
      lot.id,
      prepared.tankId,
      input.sampleVolume === undefined ? null : input.sampleVolume.toFixed(3),
      input.sampleVolumeUnit ?? null,
      JSON.stringify(prepared.results),
      prepared.resultSummary,
      input.productKey,
      prepared.subProductKey,
      n(c.apiGravity, 1),
      n(c.sulfurPct, 1),
      n(c.ron),
      n(c.mon),
      n(c.octaneIndex),
      c.containsNonFossil,
      n(c.nonFossilPct),
      n(c.fameMgKg),
      n(c.propanePctRaw),
      n(c.butanePctRaw),
      n(c.propanePct, 2),
      n(c.butanePct, 2),
      c.gasComposition === null ? null : JSON.stringify(c.gasComposition),
      n(c.calorificValue),
      c.calorificValueUnit,
      input.densityKgM3 === undefined ? null : String(input.densityKgM3),
      input.densityBaseTemperatureC === undefined ? null : String(input.densityBaseTemperatureC),
      input.fileName ?? null,
      attachmentId,
      input.language ?? "es",
      JSON.stringify(prepared.warnings),
      now.toISOString(),
      actor.userId,
      options.supersedes ? options.supersedes.version + 1 : 1,
      options.supersedes?.id ?? null,
    ],
  );
  const dictamenId = Number(dictamen!.id);
  const data = {
    fuente: prepared.sourceLabel,
    lote: input.lotNumber,
    claveProducto: input.productKey,
    claveSubProducto: prepared.subProductKey,
    dictamen: { folio: input.folio, rfcLaboratorio: input.laboratoryRfc, fechaEmision: input.issueDate, resultado: prepared.resultSummary },
    ...prepared.xvi,
  };
  const [record] = await tx.query<{ id: number }>(
    `insert into quality_records (lot_id, source, dictamen_id, product_key, sub_product_key, data, valid_from, created_at, created_by)
     values ($1, 'dictamen', $2, $3, $4, $5::jsonb, ($6::date)::timestamp at time zone $7, $8, $9) returning id`,
    [lot.id, dictamenId, input.productKey, prepared.subProductKey, JSON.stringify(data), input.samplingDate, installation.timeZone, now.toISOString(), actor.userId],
  );
  const qualityRecordId = Number(record!.id);
  const ref = { id: lot.id, key: lot.key, installationId: installation.id, productKey: input.productKey };
  const planned = await planOperationLinks(tx, ref, qualityRecordId, input.operationIds ?? [], true);
  const reason = `Datos de calidad del lote ${lot.key}: fuente = ${prepared.sourceLabel}`;
  const entry = await appendEventLog(tx, {
    time: now,
    userId: actor.userId,
    username: actor.username,
    category: EVENT_CATEGORY.dailyOperations,
    eventType: EVENT_CATEGORY.dailyOperations,
    description: `${
      options.supersedes
        ? `Corrección del dictamen ${options.supersedes.folio} (versión ${options.supersedes.version} → ${options.supersedes.version + 1}; motivo: ${options.supersedes.reason}): `
        : ""
    }${options.origin === "importación" ? "Importación" : options.origin === "corrección" ? "captura corregida" : "Captura"} del dictamen ${input.folio} (${input.laboratoryName}, ${input.laboratoryRfc}) del lote ${lot.key}${lot.created ? " (nuevo)" : ""} de ${input.productKey} por ${actor.username}: ${prepared.resultSummary}; ${describeLinks(planned)}${
      prepared.warnings.length ? `. Advertencias: ${prepared.warnings.join("; ")}` : ""
    }`.slice(0, 1000),
    component: lot.key,
    installationId: installation.id,
    details: {
      action: options.origin === "importación" ? "import-dictamen" : options.supersedes ? "correct-dictamen" : "create-dictamen",
      dictamenId,
      ...(options.supersedes ? { supersedes: { dictamenId: options.supersedes.id, version: options.supersedes.version, folio: options.supersedes.folio }, reason: options.supersedes.reason } : {}),
      qualityRecordId,
      folio: input.folio,
      laboratoryRfc: input.laboratoryRfc,
      lotId: lot.id,
      lotKey: lot.key,
      lotCreated: lot.created,
      fileName: input.fileName ?? null,
      attachmentId,
      source: prepared.sourceLabel,
      operations: planned.map((p) => ({ number: p.number, fromVersion: p.version })),
      warnings: prepared.warnings,
    },
  });
  const linked = await writeOperationLinks(tx, planned, { lotId: lot.id, qualityRecordId }, { reason, eventLogId: entry.id, actor, now });
  return { dictamenId, lotId: lot.id, lotKey: lot.key, lotCreated: lot.created, qualityRecordId, linked, eventLogId: entry.id, warnings: prepared.warnings };
}

/** Current operations whose quality record comes from the dictamen ($1). */
const OPERATIONS_OF_DICTAMEN_SQL = `select o.id from operations o join quality_records q on q.id = o.quality_record_id
  where q.dictamen_id = $1 and not exists (select 1 from operations s where s.supersedes_id = o.id)`;

/** For a correction: another current dictamen of the laboratory with the folio ($3, the corrected one, excluded). */
const DUPLICATE_FOLIO_OF_CORRECTION_SQL = `select d.id from dictamenes d
  where d.laboratory_rfc = $1 and d.folio = $2 and d.id <> $3
    and not exists (select 1 from dictamenes s where s.supersedes_id = d.id)`;

/**
 * A30-STO-02 (fiscal records are never updated): a correction of a dictamen is its next version —
 * a new row superseding the current one, a new quality record for its lot with the lot's operations
 * linked to it (new operation versions), and one bitácora entry with the reason. Only the current
 * version may be corrected (409 otherwise).
 */
export async function correctDictamen(db: Database, dictamenId: number, input: DictamenInput, reason: string, actor: Actor, now: Date) {
  return db.transaction(async (tx) => {
    const [current] = await tx.query<{ id: number; version: number; folio: string; superseded: boolean }>(
      "select d.id, d.version, d.folio, exists (select 1 from dictamenes s where s.supersedes_id = d.id) as superseded from dictamenes d where d.id = $1 for update",
      [dictamenId],
    );
    if (!current) throw new QualityError("not_found", `Dictamen inexistente: ${dictamenId}`);
    if (current.superseded) throw new QualityError("conflict", `El dictamen ${current.folio} (id ${dictamenId}) ya fue corregido: corrija su versión vigente`);
    // The operations the corrected dictamen gave their quality data move to the new version's record.
    const moved = await tx.query<{ id: string | number }>(OPERATIONS_OF_DICTAMEN_SQL, [dictamenId]);
    const operationIds = [...new Set([...(input.operationIds ?? []), ...moved.map((m) => Number(m.id))])];
    const prepared = await prepareDictamen(tx, operationIds.length > 0 ? { ...input, operationIds } : input, now);
    const stored = await storeDictamen(tx, prepared, actor, now, {
      origin: "corrección",
      supersedes: { id: Number(current.id), version: Number(current.version), folio: current.folio, reason },
    });
    return { ...stored, dictamen: (await readDictamen(tx, stored.dictamenId))! };
  });
}

/** A32-01: captures a dictamen (one transaction, one bitácora entry). */
export async function createDictamen(db: Database, input: DictamenInput, actor: Actor, now: Date) {
  return db.transaction(async (tx) => {
    const prepared = await prepareDictamen(tx, input, now);
    const stored = await storeDictamen(tx, prepared, actor, now, { origin: "captura" });
    return { ...stored, dictamen: (await readDictamen(tx, stored.dictamenId))! };
  });
}

export interface DictamenView {
  id: number;
  installation: string | null;
  taxpayerRfc: string;
  taxpayerName: string;
  laboratoryRfc: string;
  laboratoryName: string;
  laboratoryAccreditation: string | null;
  laboratoryAccreditationValidUntil: string | null;
  samplingLocation: string | null;
  sampleOrigin: string | null;
  issuerName: string | null;
  laboratoryLegalRepresentativeRfc: string | null;
  folio: string;
  issueDate: string;
  samplingDate: string | null;
  testDate: string | null;
  resultsDate: string | null;
  lotNumber: string;
  lotId: number | null;
  lotKey: string | null;
  tank: string | null;
  sampleVolume: number | null;
  sampleVolumeUnit: string | null;
  results: ResultLine[];
  resultSummary: string | null;
  productKey: string;
  subProductKey: string | null;
  apiGravity: number | null;
  sulfurPct: number | null;
  ron: number | null;
  mon: number | null;
  octaneIndex: number | null;
  containsNonFossil: boolean | null;
  nonFossilPct: number | null;
  fameMgKg: number | null;
  propanePctRaw: number | null;
  butanePctRaw: number | null;
  propanePct: number | null;
  butanePct: number | null;
  gasComposition: Array<{ component: string; molarFraction: number; calorificValue?: number }> | null;
  calorificValue: number | null;
  calorificValueUnit: string | null;
  densityKgM3: number | null;
  fileName: string | null;
  dataAttachmentId: number | null;
  language: string;
  warnings: string[];
  version: number;
  qualityRecordId: number | null;
  source: string | null;
  linkedOperations: number;
  createdAt: string;
  createdBy: string | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const dateText = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
const json = <T>(v: unknown): T => (typeof v === "string" ? (JSON.parse(v) as T) : (v as T));

const SELECT = `
  select d.*, i.key as installation_key, l.key as lot_key, k.key as tank_key, u.username as created_by_username,
         q.id as quality_record_id, q.data->>'fuente' as source,
         (select count(*)::int from operations o where o.quality_record_id = q.id and not exists (select 1 from operations n where n.supersedes_id = o.id)) as linked_operations
    from dictamenes d
    left join installations i on i.id = d.installation_id
    left join lots l on l.id = d.lot_id
    left join tanks k on k.id = d.tank_id
    left join users u on u.id = d.created_by
    left join lateral (select id, data from quality_records r where r.dictamen_id = d.id order by id desc limit 1) q on true`;

/** Constant statements (no text is interpolated at the call sites, A30-SEC-15). */
const SELECT_BY_ID = SELECT + " where d.id = $1";
const SELECT_CURRENT =
  SELECT +
  ` where not exists (select 1 from dictamenes s where s.supersedes_id = d.id) and ($1::text is null or i.key = $1)
    order by d.issue_date desc, d.id desc limit $2`;

function toView(r: Record<string, unknown>): DictamenView {
  return {
    id: Number(r.id),
    installation: (r.installation_key as string | null) ?? null,
    taxpayerRfc: String(r.taxpayer_rfc),
    taxpayerName: String(r.taxpayer_name),
    laboratoryRfc: String(r.laboratory_rfc),
    laboratoryName: String(r.laboratory_name),
    laboratoryAccreditation: (r.laboratory_accreditation as string | null) ?? null,
    laboratoryAccreditationValidUntil: dateText(r.laboratory_accreditation_valid_until),
    samplingLocation: (r.sampling_location as string | null) ?? null,
    sampleOrigin: (r.sample_origin as string | null) ?? null,
    issuerName: (r.issuer_name as string | null) ?? null,
    laboratoryLegalRepresentativeRfc: (r.laboratory_legal_representative_rfc as string | null) ?? null,
    folio: String(r.folio),
    issueDate: dateText(r.issue_date)!,
    samplingDate: dateText(r.sampling_date),
    testDate: dateText(r.test_date),
    resultsDate: dateText(r.results_date),
    lotNumber: String(r.lot_number),
    lotId: num(r.lot_id),
    lotKey: (r.lot_key as string | null) ?? null,
    tank: (r.tank_key as string | null) ?? null,
    sampleVolume: num(r.sample_volume),
    sampleVolumeUnit: (r.sample_volume_unit as string | null) ?? null,
    results: json<ResultLine[]>(r.results) ?? [],
    resultSummary: (r.result_summary as string | null) ?? null,
    productKey: String(r.product_key),
    subProductKey: (r.sub_product_key as string | null) ?? null,
    apiGravity: num(r.api_gravity),
    sulfurPct: num(r.sulfur_pct),
    ron: num(r.ron),
    mon: num(r.mon),
    octaneIndex: num(r.octane_index),
    containsNonFossil: (r.contains_non_fossil as boolean | null) ?? null,
    nonFossilPct: num(r.non_fossil_pct),
    fameMgKg: num(r.fame_mg_kg),
    propanePctRaw: num(r.propane_pct_raw),
    butanePctRaw: num(r.butane_pct_raw),
    propanePct: num(r.propane_pct),
    butanePct: num(r.butane_pct),
    gasComposition: r.gas_composition == null ? null : json(r.gas_composition),
    calorificValue: num(r.calorific_value),
    calorificValueUnit: (r.calorific_value_unit as string | null) ?? null,
    densityKgM3: num(r.density_kg_m3),
    fileName: (r.file_name as string | null) ?? null,
    dataAttachmentId: num(r.data_attachment_id),
    language: String(r.language),
    warnings: json<string[]>(r.warnings) ?? [],
    version: Number(r.version),
    qualityRecordId: num(r.quality_record_id),
    source: (r.source as string | null) ?? null,
    linkedOperations: Number(r.linked_operations ?? 0),
    createdAt: new Date(r.created_at as string | Date).toISOString(),
    createdBy: (r.created_by_username as string | null) ?? null,
  };
}

/**
 * The capture input that reproduces a stored dictamen (what a correction starts from: the form is
 * pre-filled with it). Values the service derived (normalised LP gas, octane class) are taken from
 * what was captured (`propanePctRaw`…).
 */
export function dictamenInputFromView(v: DictamenView): DictamenInput {
  const optional = <T>(value: T | null | undefined): T | undefined => (value === null || value === undefined ? undefined : value);
  const input: DictamenInput = {
    installationKey: v.installation ?? "",
    tankKey: optional(v.tank),
    productKey: v.productKey,
    subProductKey: optional(v.subProductKey),
    laboratoryRfc: v.laboratoryRfc,
    laboratoryName: v.laboratoryName,
    laboratoryAccreditation: optional(v.laboratoryAccreditation),
    laboratoryAccreditationValidUntil: optional(v.laboratoryAccreditationValidUntil),
    samplingLocation: optional(v.samplingLocation),
    sampleOrigin: optional(v.sampleOrigin),
    issuerName: optional(v.issuerName),
    laboratoryLegalRepresentativeRfc: optional(v.laboratoryLegalRepresentativeRfc),
    folio: v.folio,
    issueDate: v.issueDate,
    samplingDate: v.samplingDate ?? v.issueDate,
    testDate: v.testDate ?? v.issueDate,
    resultsDate: v.resultsDate ?? v.issueDate,
    lotNumber: v.lotNumber,
    sampleVolume: optional(v.sampleVolume),
    sampleVolumeUnit: optional(v.sampleVolumeUnit),
    results: v.results.length > 0 ? v.results : undefined,
    resultSummary: optional(v.resultSummary),
    apiGravity: optional(v.apiGravity),
    sulfurPct: optional(v.sulfurPct),
    ron: optional(v.ron),
    mon: optional(v.mon),
    octaneIndex: v.ron === null || v.mon === null ? optional(v.octaneIndex) : undefined,
    containsNonFossil: optional(v.containsNonFossil),
    nonFossilPct: optional(v.nonFossilPct),
    fameMgKg: optional(v.fameMgKg),
    propanePct: optional(v.propanePctRaw),
    butanePct: optional(v.butanePctRaw),
    gasComposition: v.gasComposition ? (v.gasComposition as DictamenInput["gasComposition"]) : undefined,
    calorificValue: optional(v.calorificValue),
    calorificValueUnit: optional(v.calorificValueUnit as DictamenInput["calorificValueUnit"]),
    densityKgM3: optional(v.densityKgM3),
    language: v.language,
    fileName: optional(v.fileName),
  };
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as DictamenInput;
}

export async function readDictamen(db: SqlExecutor, id: number): Promise<DictamenView | null> {
  const rows = await db.query<Record<string, unknown>>(SELECT_BY_ID, [id]);
  return rows[0] ? toView(rows[0]) : null;
}

/** Current versions, newest issue date first. */
export async function listDictamenes(db: SqlExecutor, filter: { installationKey?: string; limit?: number } = {}): Promise<DictamenView[]> {
  const rows = await db.query<Record<string, unknown>>(SELECT_CURRENT, [filter.installationKey ?? null, filter.limit ?? 200]);
  return rows.map(toView);
}
