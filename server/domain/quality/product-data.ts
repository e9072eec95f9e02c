/**
 * Product-specific quality data of a dictamen or an online instrument (Anexo 32, 32.4 XVI;
 * A30-TYP-03…09, A32-02…08): which block applies to a SAT product key, and the evaluation of that
 * block with the rules of crude.ts and fuels.ts (no rule is re-implemented here). Pure: plain data
 * in, the typed columns, the XVI block (Spanish keys, as exported/imported per lot, A32-10), a
 * one-line summary (SAT ResultadoDictamen) and the warnings out.
 */
import { checkCrudeRanges, classifyCrude } from "./crude";
import { GAS_COMPONENTS, checkMolarFractions, nonFossilContent, normaliseLpg, octaneIndex, type GasComponent } from "./fuels";

/** The 32.4 XVI block a product falls under; `other` has no product-specific block. */
export type QualityKind = "crude" | "natural_gas" | "condensate" | "gasoline" | "diesel" | "jet_fuel" | "lpg" | "other";

const KIND_BY_PRODUCT: Record<string, QualityKind> = {
  PR08: "crude",
  PR09: "natural_gas",
  PR10: "condensate",
  PR07: "gasoline",
  PR03: "diesel",
  PR11: "jet_fuel",
  PR12: "lpg",
};

export const QUALITY_KIND_LABELS: Record<QualityKind, string> = {
  crude: "Petróleo",
  natural_gas: "Gas natural",
  condensate: "Condensados",
  gasoline: "Gasolinas",
  diesel: "Diésel",
  jet_fuel: "Turbosina",
  lpg: "Gas licuado de petróleo",
  other: "Otro producto (sin apartado XVI específico)",
};

export function qualityKindOf(productKey: string): QualityKind {
  return KIND_BY_PRODUCT[productKey] ?? "other";
}

/**
 * A30-TYP-09 / 32.4 XVI last paragraph: shown next to every non-fossil field (the UI test checks
 * the text).
 */
export const NON_FOSSIL_DEFINITION =
  "Combustible no fósil: el combustible o el componente de un combustible que no se obtiene o deriva de un proceso de destilación del petróleo crudo o del procesamiento de gas natural (p. ej. bioetanol, biodiésel, bioturbosina).";

export type CalorificUnit = "MJ/m3" | "BTU/ft3" | "MMBTU";

export interface GasComponentInput {
  component: GasComponent;
  molarFraction: number;
  /** Fraction I: BTU/ft³ for natural gas, MMBTU for condensates. */
  calorificValue?: number | null;
}

/** Everything a capture may carry for XVI; only the fields of the product's block are accepted. */
export interface ProductDataInput {
  subProductKey?: string | null;
  apiGravity?: number | null;
  sulfurPct?: number | null;
  ron?: number | null;
  mon?: number | null;
  octaneIndex?: number | null;
  containsNonFossil?: boolean | null;
  nonFossilPct?: number | null;
  fameMgKg?: number | null;
  propanePct?: number | null;
  butanePct?: number | null;
  gasComposition?: GasComponentInput[] | null;
  calorificValue?: number | null;
  calorificValueUnit?: CalorificUnit | null;
}

/** The typed dictamen / quality columns the evaluation fills (null where the block has none). */
export interface ProductDataColumns {
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
  gasComposition: Array<{ component: GasComponent; molarFraction: number; calorificValue?: number }> | null;
  calorificValue: number | null;
  calorificValueUnit: CalorificUnit | null;
}

export type ProductDataResult =
  | { ok: true; kind: QualityKind; columns: ProductDataColumns; subProductKey: string | null; xvi: Record<string, unknown>; summary: string; warnings: string[] }
  | { ok: false; errors: string[] };

const FIELDS_BY_KIND: Record<QualityKind, ReadonlyArray<keyof ProductDataInput>> = {
  crude: ["apiGravity", "sulfurPct"],
  natural_gas: ["gasComposition", "calorificValue", "calorificValueUnit"],
  condensate: ["gasComposition", "calorificValue", "calorificValueUnit"],
  gasoline: ["ron", "mon", "octaneIndex", "containsNonFossil", "nonFossilPct"],
  diesel: ["containsNonFossil", "nonFossilPct"],
  jet_fuel: ["containsNonFossil", "nonFossilPct", "fameMgKg"],
  lpg: ["propanePct", "butanePct"],
  other: [],
};

const FIELD_LABELS: Record<Exclude<keyof ProductDataInput, "subProductKey">, string> = {
  apiGravity: "densidad API",
  sulfurPct: "contenido de azufre",
  ron: "RON",
  mon: "MON",
  octaneIndex: "índice de octano",
  containsNonFossil: "contiene combustible no fósil",
  nonFossilPct: "porcentaje de combustible no fósil",
  fameMgKg: "contenido de FAME",
  propanePct: "porcentaje de propano",
  butanePct: "porcentaje de butano",
  gasComposition: "fracciones molares",
  calorificValue: "poder calorífico",
  calorificValueUnit: "unidad del poder calorífico",
};

const EMPTY_COLUMNS: ProductDataColumns = {
  apiGravity: null,
  sulfurPct: null,
  ron: null,
  mon: null,
  octaneIndex: null,
  containsNonFossil: null,
  nonFossilPct: null,
  fameMgKg: null,
  propanePctRaw: null,
  butanePctRaw: null,
  propanePct: null,
  butanePct: null,
  gasComposition: null,
  calorificValue: null,
  calorificValueUnit: null,
};

const given = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;
const yesNo = (v: boolean): "Sí" | "No" => (v ? "Sí" : "No");

/** SAT SP16 "Gasolina regular menor a 91 octanos" / SP17 "premium mayor o igual a 91 octanos". */
export function gasolineSubProduct(index: number): "SP16" | "SP17" {
  return index < 91 ? "SP16" : "SP17";
}

/**
 * Evaluates the XVI block of `productKey`. `activityFraction` (regla 2.6.1.2) selects the natural
 * gas / condensate rule: fraction I → molar fractions and per-component calorific values in
 * BTU/ft³ (gas) or MMBTU (condensates), A30-TYP-04; fractions II–VIII (or unknown) → average
 * calorific value in MJ/m³ (gas) or MMBTU (condensates), A30-TYP-05.
 */
export function evaluateProductData(productKey: string, input: ProductDataInput, activityFraction: string | null): ProductDataResult {
  const kind = qualityKindOf(productKey);
  const allowed = new Set(FIELDS_BY_KIND[kind]);
  const errors: string[] = [];
  for (const field of Object.keys(FIELD_LABELS) as Array<keyof typeof FIELD_LABELS>) {
    if (given(input[field]) && !allowed.has(field)) errors.push(`${FIELD_LABELS[field]}: no aplica a ${productKey} (${QUALITY_KIND_LABELS[kind]})`);
  }
  if (errors.length > 0) return { ok: false, errors };
  const warnings: string[] = [];
  const columns: ProductDataColumns = { ...EMPTY_COLUMNS };
  let subProductKey = input.subProductKey ?? null;
  let xvi: Record<string, unknown> = {};
  let summary: string;

  switch (kind) {
    case "crude": {
      if (!given(input.apiGravity) || !given(input.sulfurPct)) return { ok: false, errors: ["petróleo: indique la densidad API y el contenido de azufre (A30-TYP-03)"] };
      const range = checkCrudeRanges(input.apiGravity, input.sulfurPct);
      if (!range.ok) return { ok: false, errors: [range.error] };
      const c = classifyCrude(input.apiGravity, input.sulfurPct);
      if (subProductKey && subProductKey !== c.subProductKey) {
        warnings.push(`la subclave ${subProductKey} no corresponde a la clasificación ${c.label}: se registra ${c.subProductKey} (A32-04)`);
      }
      subProductKey = c.subProductKey;
      columns.apiGravity = c.apiGravity;
      columns.sulfurPct = c.sulfurPct;
      xvi = { petroleo: { densidadApi: c.apiGravity, azufrePorcentaje: c.sulfurPct, clasificacion: c.label, claveSubProducto: c.subProductKey } };
      summary = `Petróleo ${c.label} (${c.subProductKey}): densidad ${c.apiGravity.toFixed(1)} °API, azufre ${c.sulfurPct.toFixed(1)} %`;
      break;
    }
    case "gasoline": {
      if (given(input.ron) !== given(input.mon)) return { ok: false, errors: ["indique RON y MON juntos, o sólo el índice de octano (A32-03)"] };
      const octane = octaneIndex({ ron: input.ron, mon: input.mon, statedIndex: input.octaneIndex });
      if (!octane.ok) return { ok: false, errors: [octane.error] };
      if (!given(input.containsNonFossil)) return { ok: false, errors: ["indique si contiene combustible no fósil (Sí/No) (A32-06)"] };
      const nf = nonFossilContent({ contains: yesNo(input.containsNonFossil), percent: input.nonFossilPct ?? null, product: "gasolina" });
      if (!nf.ok) return { ok: false, errors: [nf.error] };
      warnings.push(...octane.warnings);
      const expected = gasolineSubProduct(octane.value);
      if (subProductKey && subProductKey !== expected) warnings.push(`la subclave ${subProductKey} no corresponde al índice de octano ${octane.value} (se esperaba ${expected})`);
      subProductKey ??= expected;
      columns.ron = input.ron ?? null;
      columns.mon = input.mon ?? null;
      columns.octaneIndex = octane.value;
      columns.containsNonFossil = input.containsNonFossil;
      columns.nonFossilPct = nf.value.percent;
      xvi = { gasolina: { indiceOctano: octane.value, contieneCombustibleNoFosil: nf.value.contains, porcentajeCombustibleNoFosil: nf.value.percent } };
      summary = `Gasolina: índice de octano ${octane.value}; contiene combustible no fósil: ${nf.value.contains} (${nf.value.percent} %)`;
      break;
    }
    case "diesel":
    case "jet_fuel": {
      if (!given(input.containsNonFossil)) return { ok: false, errors: ["indique si contiene combustible no fósil (Sí/No) (A32-07)"] };
      const product = kind === "diesel" ? "diesel" : "turbosina";
      const nf = nonFossilContent({ contains: yesNo(input.containsNonFossil), percent: input.nonFossilPct ?? null, fameMgKg: input.fameMgKg ?? null, product });
      if (!nf.ok) return { ok: false, errors: [nf.error] };
      columns.containsNonFossil = input.containsNonFossil;
      columns.nonFossilPct = nf.value.percent;
      columns.fameMgKg = nf.value.fameMgKg;
      const block: Record<string, unknown> = { contieneCombustibleNoFosil: nf.value.contains, porcentajeCombustibleNoFosil: nf.value.percent };
      if (nf.value.fameMgKg !== null) block.fameMgKg = nf.value.fameMgKg;
      xvi = { [product]: block };
      const amount = nf.value.percent !== null ? `${nf.value.percent} %` : `FAME ${nf.value.fameMgKg} mg/kg`;
      summary = `${kind === "diesel" ? "Diésel" : "Turbosina"}: contiene combustible no fósil: ${nf.value.contains} (${amount})`;
      break;
    }
    case "lpg": {
      if (!given(input.propanePct) || !given(input.butanePct)) return { ok: false, errors: ["gas L.P.: indique el porcentaje de propano y de butano de la cromatografía (A32-08)"] };
      const lpg = normaliseLpg(input.propanePct, input.butanePct);
      if (!lpg.ok) return { ok: false, errors: [lpg.error] };
      columns.propanePctRaw = input.propanePct;
      columns.butanePctRaw = input.butanePct;
      columns.propanePct = lpg.value.propanePct;
      columns.butanePct = lpg.value.butanePct;
      xvi = {
        gasLP: {
          propanoPorcentaje: lpg.value.propanePct,
          butanoPorcentaje: lpg.value.butanePct,
          propanoPorcentajeCromatografia: input.propanePct,
          butanoPorcentajeCromatografia: input.butanePct,
        },
      };
      summary = `Gas L.P. normalizado: propano ${lpg.value.propanePct.toFixed(2)} %, butano ${lpg.value.butanePct.toFixed(2)} %`;
      break;
    }
    case "natural_gas":
    case "condensate": {
      const gas = kind === "natural_gas";
      const fractionI = activityFraction === "I";
      const composition = input.gasComposition ?? [];
      const seen = new Set<string>();
      for (const c of composition) {
        if (seen.has(c.component)) return { ok: false, errors: [`componente repetido: ${c.component}`] };
        seen.add(c.component);
      }
      if (composition.length > 0) {
        const check = checkMolarFractions(Object.fromEntries(composition.map((c) => [c.component, c.molarFraction])));
        if (!check.ok) return { ok: false, errors: [check.error] };
      }
      const componentUnit: CalorificUnit = gas ? "BTU/ft3" : "MMBTU";
      const averageUnit: CalorificUnit = gas ? "MJ/m3" : "MMBTU";
      if (fractionI) {
        if (composition.length === 0) return { ok: false, errors: ["fracción I: indique la fracción molar de los componentes (metano … decanos) (A30-TYP-04)"] };
        const missingHeat = composition.filter((c) => !given(c.calorificValue)).map((c) => c.component);
        if (missingHeat.length > 0) return { ok: false, errors: [`fracción I: indique el poder calorífico en ${componentUnit} de: ${missingHeat.join(", ")} (A30-TYP-04)`] };
        if (composition.some((c) => !Number.isFinite(c.calorificValue!) || c.calorificValue! < 0)) return { ok: false, errors: ["poder calorífico de un componente: debe ser ≥ 0"] };
        if (given(input.calorificValue) && input.calorificValueUnit !== componentUnit) {
          return { ok: false, errors: [`fracción I: el poder calorífico de ${gas ? "gas natural" : "condensados"} se expresa en ${componentUnit} (A30-TYP-04)`] };
        }
      } else {
        if (!given(input.calorificValue)) {
          return { ok: false, errors: [`fracciones II–VIII: indique el poder calorífico promedio (poderCalorificoPromedio) en ${averageUnit} (A30-TYP-05)`] };
        }
        if (input.calorificValueUnit !== averageUnit) {
          return { ok: false, errors: [`fracciones II–VIII: el poder calorífico promedio de ${gas ? "gas natural" : "condensados"} se expresa en ${averageUnit}, no en ${input.calorificValueUnit ?? "(sin unidad)"} (A30-TYP-05)`] };
        }
      }
      if (given(input.calorificValue) && (!Number.isFinite(input.calorificValue) || input.calorificValue <= 0)) return { ok: false, errors: ["poder calorífico: debe ser mayor que cero"] };
      columns.gasComposition = composition.length > 0 ? composition.map((c) => ({ component: c.component, molarFraction: c.molarFraction, ...(given(c.calorificValue) ? { calorificValue: c.calorificValue } : {}) })) : null;
      columns.calorificValue = input.calorificValue ?? null;
      columns.calorificValueUnit = given(input.calorificValue) ? (input.calorificValueUnit ?? null) : null;
      xvi = {
        gasNaturalOCondensados: {
          ...(composition.length > 0
            ? { componentes: composition.map((c) => ({ componente: c.component, fraccionMolar: c.molarFraction, ...(given(c.calorificValue) ? { poderCalorifico: c.calorificValue, unidad: componentUnit } : {}) })) }
            : {}),
          ...(given(input.calorificValue) ? { poderCalorificoPromedio: input.calorificValue, unidadPoderCalorifico: columns.calorificValueUnit } : {}),
        },
      };
      summary = fractionI
        ? `${gas ? "Gas natural" : "Condensados"} (fracción I): ${composition.map((c) => `${c.component} ${c.molarFraction}`).join(", ")}`
        : `${gas ? "Gas natural" : "Condensados"}: poder calorífico promedio ${input.calorificValue} ${columns.calorificValueUnit}`;
      break;
    }
    case "other":
      summary = `Producto ${productKey}: sin datos específicos del apartado XVI`;
      break;
  }
  return { ok: true, kind, columns, subProductKey, xvi, summary: summary.slice(0, 300), warnings };
}

/** The accepted component names (A30-TYP-04), re-exported for input schemas. */
export const GAS_COMPONENT_NAMES = GAS_COMPONENTS;

// ── A32-02: test and sampling methods listed in Anexo 32, 32.2 ─────────────────────────────────

const SAMPLING_LIQUIDS = ["ASTM D4057", "ASTM D4177", "NMX-Z-12/1", "NMX-Z-12/2", "NMX-Z-12/3", "NMX-Z-12"];
const METHODS: Record<Exclude<QualityKind, "other">, { tests: string[]; sampling: string[] }> = {
  crude: { tests: ["API MPMS 9", "ASTM D287", "ASTM D1298", "ASTM D4294"], sampling: ["API MPMS 8.1", "API MPMS 8.2", "ASTM D4057", "ASTM D4177"] },
  natural_gas: { tests: ["GPA 2145", "GPA 2286", "ASTM D3588"], sampling: ["GPA 2166", "ISO 10715"] },
  condensate: { tests: ["GPA 2145", "GPA 2286", "ASTM D3588"], sampling: ["GPA 2166", "ISO 10715", "ASTM D4057", "ASTM D4177"] },
  gasoline: { tests: ["ASTM D2699", "ASTM D2700", "Mid-IR", "Near-IR", "ASTM D4815", "ASTM D5845"], sampling: SAMPLING_LIQUIDS },
  diesel: { tests: ["ASTM D7371", "ASTM D7806"], sampling: SAMPLING_LIQUIDS },
  jet_fuel: { tests: ["ASTM D4054", "ASTM D7566", "ASTM D7797", "IP 585"], sampling: SAMPLING_LIQUIDS },
  lpg: { tests: ["ASTM D2163"], sampling: ["ASTM D1265", "ISO 4257"] },
};

const compact = (s: string) => s.toUpperCase().replace(/[\s.]/g, "");

/** "ASTM D2699-19" matches "ASTM D2699"; "ASTM D28" does not match "ASTM D287" nor the other way. */
function listed(method: string, list: readonly string[]): boolean {
  const m = compact(method);
  return list.some((entry) => {
    const e = compact(entry);
    return m === e || (m.startsWith(e) && !/[0-9A-Z]/.test(m.charAt(e.length)));
  });
}

export interface ResultLine {
  property: string;
  samplingMethod?: string;
  testMethod: string;
  value: number | string;
  unit: string;
  warning?: string;
}

/** A32-02: each result keeps its methods; one not listed in Anexo 32 for the product gets a warning (never a block). */
export function checkTestMethods(productKey: string, results: readonly ResultLine[]): { results: ResultLine[]; warnings: string[] } {
  const kind = qualityKindOf(productKey);
  if (kind === "other") return { results: results.map((r) => ({ ...r })), warnings: [] };
  const { tests, sampling } = METHODS[kind];
  const warnings: string[] = [];
  const checked = results.map((r) => {
    const notes: string[] = [];
    if (!listed(r.testMethod, tests)) notes.push(`método no listado en Anexo 32: ${r.testMethod}`);
    if (r.samplingMethod && !listed(r.samplingMethod, sampling)) notes.push(`método de muestreo no listado en Anexo 32: ${r.samplingMethod}`);
    if (notes.length === 0) return { ...r, warning: undefined };
    warnings.push(`${r.property}: ${notes.join("; ")}`);
    return { ...r, warning: notes.join("; ") };
  });
  return { results: checked.map(({ warning, ...r }) => (warning ? { ...r, warning } : r)), warnings };
}
