import type { Database, SqlExecutor } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { checkQualitySource, flowWeightedAverage } from "../../domain/quality/index";
import { evaluateProductData, qualityKindOf, type CalorificUnit, type GasComponentInput, type ProductDataInput } from "../../domain/quality/product-data";
import { GAS_COMPONENTS, type GasComponent } from "../../domain/quality/fuels";
import { checkProductAndTank, installationContext } from "./dictamenes";
import { describeLinks, findOrCreateLot, planOperationLinks, QualityError, writeOperationLinks, type Actor, type LinkedOperation } from "./lots";
import type { InstrumentQualityInput } from "./schemas";

/**
 * Quality data from an online chromatograph / densitometer (A30-TYP-01 b), A32-12; Anexo 32,
 * 32.5): the analyzer must hold a valid verification by an accredited provider ("Calibración no
 * válida" otherwise); its values for the lot (assigned to the lot, or inside [from, to)) are
 * aggregated per property with the flow-weighted average, and any value typed in the request
 * wins. No laboratory RFC is needed (A30-TYP-02). The result is the lot's quality record with
 * `fuente = instrumento en línea <key>`; one transaction, one bitácora entry.
 */

/** analyzer_results.property → component of A30-TYP-04 (English and Spanish names accepted). */
const COMPONENT_OF: Record<string, GasComponent> = Object.fromEntries([
  ...GAS_COMPONENTS.map((c) => [c, c] as const),
  ["methane", "metano"],
  ["ethane", "etano"],
  ["propane", "propano"],
  ["isobutane", "isobutano"],
  ["n_butane", "nbutano"],
  ["nbutane", "nbutano"],
  ["pentanes", "pentanos"],
  ["hexanes", "hexanos"],
  ["heptanes", "heptanos"],
  ["octanes", "octanos"],
  ["nonanes", "nonanos"],
  ["decanes", "decanos"],
]);

function calorificUnit(unit: string): CalorificUnit | null {
  const u = unit.replace(/\s/g, "").replace("³", "3").toLowerCase();
  if (u === "mj/m3") return "MJ/m3";
  if (u === "btu/ft3" || u === "btu/pie3") return "BTU/ft3";
  if (u === "mmbtu") return "MMBTU";
  return null;
}

interface Aggregate {
  property: string;
  value: number;
  unit: string;
  samples: number;
  weighted: boolean;
}

async function aggregateResults(tx: SqlExecutor, analyzerId: number, lotId: number, from: Date | undefined, to: Date | undefined): Promise<{ aggregates: Aggregate[]; warnings: string[] }> {
  const rows = await tx.query<{ property: string; value: number; unit: string; flow_volume: number | null }>(
    `select property, value, unit, flow_volume from analyzer_results
      where analyzer_id = $1 and quality <> 2
        and (lot_id = $2 or ($3::timestamptz is not null and time >= $3 and ($4::timestamptz is null or time < $4)))
      order by property, time`,
    [analyzerId, lotId, from?.toISOString() ?? null, to?.toISOString() ?? null],
  );
  const byProperty = new Map<string, { unit: string; samples: { value: number; flow: number | null }[] }>();
  const warnings: string[] = [];
  for (const r of rows) {
    const group = byProperty.get(r.property) ?? { unit: r.unit, samples: [] };
    if (group.unit !== r.unit) {
      warnings.push(`${r.property}: valores con unidades distintas (${group.unit}, ${r.unit}); se omiten los de ${r.unit}`);
      continue;
    }
    group.samples.push({ value: Number(r.value), flow: r.flow_volume === null ? null : Number(r.flow_volume) });
    byProperty.set(r.property, group);
  }
  const aggregates: Aggregate[] = [];
  for (const [property, group] of byProperty) {
    const weighted = group.samples.every((s) => s.flow !== null && s.flow > 0);
    const average = flowWeightedAverage(group.samples.map((s) => ({ value: s.value, flow: weighted ? s.flow! : 1 })));
    if (!average.ok) continue;
    if (!weighted) warnings.push(`${property}: sin volumen de flujo en todos los valores; se usa el promedio simple`);
    aggregates.push({ property, value: average.value, unit: group.unit, samples: group.samples.length, weighted });
  }
  return { aggregates, warnings: [...new Set(warnings)] };
}

/** Fills the XVI fields the request left empty from the aggregated analyzer values. */
function fromAggregates(productKey: string, input: ProductDataInput, aggregates: readonly Aggregate[]): { data: ProductDataInput; density: number | null; used: string[] } {
  const kind = qualityKindOf(productKey);
  const data: ProductDataInput = { ...input };
  let density: number | null = null;
  const used: string[] = [];
  const composition: GasComponentInput[] = [];
  for (const a of aggregates) {
    const property = a.property.toLowerCase();
    const take = <K extends keyof ProductDataInput>(field: K, value: ProductDataInput[K]) => {
      if (data[field] === undefined || data[field] === null) {
        data[field] = value;
        used.push(a.property);
      }
    };
    if (property === "calorific_value" && (kind === "natural_gas" || kind === "condensate")) {
      const unit = calorificUnit(a.unit);
      if (unit && data.calorificValue == null) {
        data.calorificValue = a.value;
        data.calorificValueUnit = unit;
        used.push(a.property);
      }
    } else if (property === "density" && /kg\/m/.test(a.unit)) {
      density = a.value;
      used.push(a.property);
    } else if (property === "api_gravity" && kind === "crude") take("apiGravity", a.value);
    else if (property === "sulfur" && kind === "crude") take("sulfurPct", a.value);
    else if (kind === "lpg" && property === "propane") take("propanePct", a.value);
    else if (kind === "lpg" && (property === "butane" || property === "butanes")) take("butanePct", a.value);
    else if (property === "ron" && kind === "gasoline") take("ron", a.value);
    else if (property === "mon" && kind === "gasoline") take("mon", a.value);
    else if ((kind === "natural_gas" || kind === "condensate") && COMPONENT_OF[property]) {
      const fraction = a.unit.trim() === "%" || /mol ?%/i.test(a.unit) ? a.value / 100 : a.value;
      composition.push({ component: COMPONENT_OF[property]!, molarFraction: Math.round(fraction * 1e6) / 1e6 });
      used.push(a.property);
    }
  }
  if (composition.length > 0 && (data.gasComposition == null || data.gasComposition.length === 0)) data.gasComposition = composition;
  return { data, density, used };
}

export async function recordInstrumentQuality(
  db: Database,
  input: InstrumentQualityInput,
  actor: Actor,
  now: Date,
): Promise<{ qualityRecordId: number; lotId: number; lotKey: string; lotCreated: boolean; source: string; data: Record<string, unknown>; linked: LinkedOperation[]; warnings: string[]; eventLogId: number }> {
  return db.transaction(async (tx) => {
    const installation = await installationContext(tx, input.installationKey);
    const [analyzer] = await tx.query<{ id: number; key: string; status: string; verification_valid_until: string | Date | null; verification_provider_rfc: string | null }>(
      "select id, key, status, verification_valid_until, verification_provider_rfc from analyzers where installation_id = $1 and key = $2",
      [installation.id, input.analyzerKey],
    );
    if (!analyzer) throw new QualityError("not_found", `Analizador desconocido en ${installation.key}: ${input.analyzerKey}`);
    const source = checkQualitySource({ kind: "instrumento", instrumentKey: analyzer.key });
    if (!source.ok) throw new QualityError("invalid", source.error);
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: installation.timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
    const validUntil = analyzer.verification_valid_until === null ? null : analyzer.verification_valid_until instanceof Date ? analyzer.verification_valid_until.toISOString().slice(0, 10) : String(analyzer.verification_valid_until);
    if (validUntil === null) throw new QualityError("invalid", `Calibración no válida: el analizador ${analyzer.key} no tiene verificación registrada por un proveedor acreditado (A32-12)`);
    if (validUntil < today) throw new QualityError("invalid", `Calibración no válida: la verificación del analizador ${analyzer.key} venció el ${validUntil} (A32-12)`);
    if (analyzer.status !== "O") throw new QualityError("invalid", `El analizador ${analyzer.key} está fuera de operación`);
    const { tankId, reasons } = await checkProductAndTank(tx, installation, input.productKey, input.subProductKey ?? null, input.tankKey);
    if (reasons.length > 0) throw new QualityError("invalid", reasons.length === 1 ? reasons[0]! : "datos inválidos", reasons);
    // The lot is needed to find the analyzer values assigned to it; a rejected record rolls it back.
    const openedOn = new Intl.DateTimeFormat("en-CA", { timeZone: installation.timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(input.from ?? now);
    const lot = await findOrCreateLot(
      tx,
      { installationId: installation.id, key: input.lotNumber, productKey: input.productKey, subProductKey: input.subProductKey ?? null, kind: input.lotKind, tankId, activityFraction: installation.activityFraction, openedOn },
      actor,
      now,
    );
    const { aggregates, warnings } = await aggregateResults(tx, Number(analyzer.id), lot.id, input.from, input.to);
    const { source: _s, installationKey: _i, analyzerKey: _a, lotNumber: _l, lotKind: _k, tankKey: _t, productKey: _p, operationIds, from: _f, to: _to, densityKgM3, densityBaseTemperatureC, ...typed } = input;
    const filled = fromAggregates(input.productKey, typed, aggregates);
    const product = evaluateProductData(input.productKey, filled.data, installation.activityFraction);
    if (!product.ok) throw new QualityError("invalid", product.errors.length === 1 ? product.errors[0]! : "datos de calidad inválidos", product.errors);
    warnings.push(...product.warnings);
    const data = {
      fuente: source.label,
      lote: lot.key,
      claveProducto: input.productKey,
      claveSubProducto: product.subProductKey,
      instrumento: { clave: analyzer.key, rfcProveedorVerificacion: analyzer.verification_provider_rfc, verificacionVigente: validUntil },
      promedios: aggregates.map((a) => ({ propiedad: a.property, valor: a.value, unidad: a.unit, muestras: a.samples, ponderadoPorFlujo: a.weighted })),
      ...(densityKgM3 ?? filled.density) != null ? { densidad: { kgM3: densityKgM3 ?? filled.density, temperaturaBaseC: densityBaseTemperatureC ?? null } } : {},
      resultado: product.summary,
      ...product.xvi,
    };
    const [record] = await tx.query<{ id: number }>(
      `insert into quality_records (lot_id, source, analyzer_id, product_key, sub_product_key, data, valid_from, created_at, created_by)
       values ($1, 'online_instrument', $2, $3, $4, $5::jsonb, $6, $7, $8) returning id`,
      [lot.id, analyzer.id, input.productKey, product.subProductKey, JSON.stringify(data), (input.from ?? now).toISOString(), now.toISOString(), actor.userId],
    );
    const qualityRecordId = Number(record!.id);
    const ref = { id: lot.id, key: lot.key, installationId: installation.id, productKey: input.productKey };
    const planned = await planOperationLinks(tx, ref, qualityRecordId, operationIds ?? [], true);
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `Datos de calidad del lote ${lot.key}${lot.created ? " (nuevo)" : ""} de ${input.productKey} (fuente = ${source.label}) registrados por ${actor.username}: ${product.summary}; ${describeLinks(planned)}${
        warnings.length ? `. Advertencias: ${warnings.join("; ")}` : ""
      }`.slice(0, 1000),
      component: analyzer.key,
      installationId: installation.id,
      details: { action: "instrument-quality", qualityRecordId, lotId: lot.id, lotKey: lot.key, lotCreated: lot.created, analyzer: analyzer.key, aggregatesUsed: filled.used, operations: planned.map((p) => ({ number: p.number, fromVersion: p.version })), warnings },
    });
    const linked = await writeOperationLinks(tx, planned, { lotId: lot.id, qualityRecordId }, { reason: `Datos de calidad del lote ${lot.key}: fuente = ${source.label}`, eventLogId: entry.id, actor, now });
    return { qualityRecordId, lotId: lot.id, lotKey: lot.key, lotCreated: lot.created, source: source.label, data, linked, warnings, eventLogId: entry.id };
  });
}
