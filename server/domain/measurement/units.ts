import { fail, ok, type MeasurementError, type Result } from "./result";

/**
 * Units of measure, documented conversions and reference conditions of Anexo 30.
 *
 * A30-MS-09: volumes are recorded and reported in barrels (crude oil, condensates), cubic metres
 * with calorific value in MJ/m³ (natural gas; fraction I taxpayers use cubic feet and BTU/ft³) and
 * litres (petrolíferos). When a measurement was made in another unit, the record keeps the factor,
 * the arithmetic operation and the result — `convertVolume` returns the three.
 *
 * A30-MS-08: hidrocarburos are expressed at 15.56 °C (60 °F) and 101.325 kPa; petrolíferos at
 * 20 °C and 101.325 kPa.
 */

/** SAT UnidadDeMedida for volumes: UM01 barril, UM02 pie cúbico, UM03 litro, UM04 metro cúbico. */
export type VolumeUnit = "UM01" | "UM02" | "UM03" | "UM04";
export type CalorificUnit = "MJ/m3" | "BTU/ft3";
export type ProductClass = "hidrocarburo" | "petrolifero";

// A30-MS-09 exact factors (decision of the requirement: BTU = International Table BTU).
/** 1 bbl = 158.987294928 L (42 US gal, exact). */
export const LITRES_PER_BARREL = 158.987294928;
/** 1 ft³ = 0.028316846592 m³ (exact, 0.3048³). */
export const CUBIC_METRES_PER_CUBIC_FOOT = 0.028316846592;
/** 1 BTU(IT) = 1055.05585262 J. */
export const JOULES_PER_BTU = 1055.05585262;
/** 1 BTU/ft³ = 1055.05585262 J / 0.028316846592 m³ = 0.0372589458… MJ/m³. */
export const MJ_PER_M3_PER_BTU_PER_FT3 = JOULES_PER_BTU / CUBIC_METRES_PER_CUBIC_FOOT / 1e6;

const LITRES_PER_UNIT: Record<VolumeUnit, number> = {
  UM01: LITRES_PER_BARREL,
  UM02: CUBIC_METRES_PER_CUBIC_FOOT * 1000,
  UM03: 1,
  UM04: 1000,
};

/** Short symbols used in the conversion text (ASCII, as the A30-MS-09 acceptance string writes them). */
export const UNIT_SYMBOL: Record<VolumeUnit | CalorificUnit, string> = {
  UM01: "bbl",
  UM02: "ft3",
  UM03: "L",
  UM04: "m3",
  "MJ/m3": "MJ/m3",
  "BTU/ft3": "BTU/ft3",
};

export const UNIT_NAME_ES: Record<VolumeUnit, string> = {
  UM01: "barril",
  UM02: "pie cúbico",
  UM03: "litro",
  UM04: "metro cúbico",
};

/** What a record stores for a conversion (A30-MS-09): result, factor used and the operation. */
export interface Conversion {
  /** Result rounded to 0.001 of the target unit (the resolution of the SAT reports). */
  value: number;
  /** Result before rounding. */
  unroundedValue: number;
  /** Target units per source unit, full precision. */
  factor: number;
  /** `"2000.000 m3 × 6.289810770 bbl/m3 = 12579.622 bbl"`. */
  operation: string;
}

/**
 * Converts a volume between SAT units (A30-MS-09). Factor = litres(from)/litres(to) with the exact
 * definitions above; the operation shows the factor with 10 significant digits and the values with
 * 3 decimals. Programming errors (non-finite value) throw: units are typed, values come from
 * measurements already validated.
 */
export function convertVolume(value: number, from: VolumeUnit, to: VolumeUnit): Conversion {
  assertFinite(value);
  const factor = from === to ? 1 : LITRES_PER_UNIT[from] / LITRES_PER_UNIT[to];
  return conversion(value, factor, UNIT_SYMBOL[from], UNIT_SYMBOL[to]);
}

/** Calorific value conversion, BTU/ft³ ↔ MJ/m³ (A30-MS-09, A30-GEN-06). */
export function convertCalorificValue(value: number, from: CalorificUnit, to: CalorificUnit): Conversion {
  assertFinite(value);
  const factor = from === to ? 1 : from === "BTU/ft3" ? MJ_PER_M3_PER_BTU_PER_FT3 : 1 / MJ_PER_M3_PER_BTU_PER_FT3;
  return conversion(value, factor, UNIT_SYMBOL[from], UNIT_SYMBOL[to]);
}

function conversion(value: number, factor: number, fromSymbol: string, toSymbol: string): Conversion {
  const unroundedValue = value * factor;
  const rounded = roundTo(unroundedValue, 3);
  return {
    value: rounded,
    unroundedValue,
    factor,
    operation: `${roundTo(value, 3).toFixed(3)} ${fromSymbol} × ${formatFactor(factor)} ${ratioUnit(toSymbol, fromSymbol)} = ${rounded.toFixed(3)} ${toSymbol}`,
  };
}

/**
 * Exact short factors as they are ("1000", "158.987294928", "0.028316846592"); long ones with 10
 * significant digits, trailing zeros kept ("6.289810770", the A30-MS-09 acceptance text).
 */
function formatFactor(factor: number): string {
  const plain = String(factor);
  const significantDigits = plain.replace(/^[-0.]+/, "").replace(".", "").length;
  return !plain.includes("e") && significantDigits <= 12 ? plain : factor.toPrecision(10);
}

/** "bbl/m3"; compound units in parentheses: "(MJ/m3)/(BTU/ft3)". */
function ratioUnit(numerator: string, denominator: string): string {
  const wrap = (unit: string) => (unit.includes("/") ? `(${unit})` : unit);
  return `${wrap(numerator)}/${wrap(denominator)}`;
}

function roundTo(value: number, decimals: number): number {
  // +0 turns a rounded −0 into 0 so the text never shows "-0.000".
  return Number(value.toFixed(decimals)) + 0;
}

function assertFinite(value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`valor no numérico en conversión de unidades: ${value}`);
}

// ---------------------------------------------------------------------------------------------
// Products: class, reporting unit, reference condition (A30-GEN-05, A30-MS-08, A30-MS-09)
// ---------------------------------------------------------------------------------------------

/** SAT ClaveProducto keys (catalogue of the SAT schema, A30-GEN-05). */
export const PRODUCT_KEYS = ["PR03", "PR07", "PR08", "PR09", "PR10", "PR11", "PR12", "PR13", "PR14", "PR15", "PR16", "PR17", "PR18", "PR19", "PR20"] as const;
export type ProductKey = (typeof PRODUCT_KEYS)[number];

/** A30-GEN-05: PR08 petróleo, PR09 gas natural, PR10 condensados are hidrocarburos; every other key is a petrolífero. */
const HYDROCARBON_KEYS: ReadonlySet<string> = new Set(["PR08", "PR09", "PR10"]);

export function isProductKey(key: string): key is ProductKey {
  return (PRODUCT_KEYS as readonly string[]).includes(key);
}

export function productClassOf(productKey: string): Result<ProductClass> {
  if (!isProductKey(productKey)) return unknownProduct(productKey);
  return ok(HYDROCARBON_KEYS.has(productKey) ? "hidrocarburo" : "petrolifero");
}

/** Taxpayer fraction of regla 2.6.1.2 (A30-GEN-02); only fraction I changes the gas units (A30-GEN-06). */
export type ActivityFraction = "I" | "II" | "III" | "IV" | "V" | "VI" | "VII" | "VIII";

/**
 * A30-MS-09 reporting unit: barrels for crude oil (PR08) and condensates (PR10); cubic metres for
 * natural gas (PR09) — cubic feet for fraction I taxpayers; litres for every petrolífero.
 */
export function reportingVolumeUnit(productKey: string, fraction?: ActivityFraction): Result<VolumeUnit> {
  if (!isProductKey(productKey)) return unknownProduct(productKey);
  if (productKey === "PR08" || productKey === "PR10") return ok("UM01");
  if (productKey === "PR09") return ok(fraction === "I" ? "UM02" : "UM04");
  return ok("UM03");
}

/** A30-MS-09: calorific value unit of natural gas — MJ/m³, or BTU/ft³ for fraction I. Other products have none. */
export function calorificValueUnit(productKey: string, fraction?: ActivityFraction): Result<CalorificUnit | null> {
  if (!isProductKey(productKey)) return unknownProduct(productKey);
  if (productKey !== "PR09") return ok(null);
  return ok(fraction === "I" ? "BTU/ft3" : "MJ/m3");
}

export interface ReferenceCondition {
  productClass: ProductClass;
  /**
   * The temperature as Anexo 30 writes it and the database stores it (`reference_temperature_c`
   * is 15.56 or 20). For hidrocarburos this is 60 °F rounded — display and storage only.
   */
  temperatureC: 15.56 | 20;
  /** The exact temperature: 60 °F = 15.5556 °C for hidrocarburos; 20 °C for petrolíferos. */
  exactTemperatureC: number;
  /** Absolute pressure, kPa. */
  pressureKpa: 101.325;
  /**
   * Base of the API MPMS 11.1 correction: "60F" for hidrocarburos, "20C" for petrolíferos.
   * ⚠️ Never correct to 15.56 °C literally (measurement-math.md §4): it is 60 °F.
   */
  vcfBase: "60F" | "20C";
  /** `"20 °C / 101.325 kPa"`, `"15.56 °C (60 °F) / 101.325 kPa"`. */
  label: string;
}

/** 60 °F in °C, exactly: (60 − 32)/1.8 = 15.5555… °C. */
export const SIXTY_F_IN_C = (60 - 32) / 1.8;
export const REFERENCE_PRESSURE_KPA = 101.325;

/** A30-MS-08: the reference condition of a product class. */
export function referenceConditionFor(productClass: ProductClass): ReferenceCondition {
  return productClass === "hidrocarburo"
    ? {
        productClass,
        temperatureC: 15.56,
        exactTemperatureC: SIXTY_F_IN_C,
        pressureKpa: REFERENCE_PRESSURE_KPA,
        vcfBase: "60F",
        label: "15.56 °C (60 °F) / 101.325 kPa",
      }
    : { productClass, temperatureC: 20, exactTemperatureC: 20, pressureKpa: REFERENCE_PRESSURE_KPA, vcfBase: "20C", label: "20 °C / 101.325 kPa" };
}

/** A30-MS-08: the reference condition of a product key. */
export function referenceConditionForProduct(productKey: string): Result<ReferenceCondition> {
  const productClass = productClassOf(productKey);
  return productClass.ok ? ok(referenceConditionFor(productClass.value)) : productClass;
}

/**
 * A30-MS-08: a volume offered for storage must be expressed at its product's reference
 * condition. Accepts 15.56 °C or the exact 15.5556 °C (both mean 60 °F, ±0.005 °C) for
 * hidrocarburos, 20 °C for petrolíferos, and 101.325 kPa (±0.001) absolute; anything else is
 * rejected with "condición de referencia incorrecta" (e.g. a PR07 net volume at 15.56 °C).
 */
export function validateReferenceCondition(
  productKey: string,
  stated: { temperatureC: number; pressureKpa?: number },
): Result<ReferenceCondition> {
  const expected = referenceConditionForProduct(productKey);
  if (!expected.ok) return expected;
  const condition = expected.value;
  const temperatureOk = Number.isFinite(stated.temperatureC) && Math.abs(stated.temperatureC - condition.exactTemperatureC) <= 0.005;
  const pressure = stated.pressureKpa ?? REFERENCE_PRESSURE_KPA;
  const pressureOk = Number.isFinite(pressure) && Math.abs(pressure - REFERENCE_PRESSURE_KPA) <= 0.001;
  if (temperatureOk && pressureOk) return ok(condition);
  const className = condition.productClass === "hidrocarburo" ? "hidrocarburo" : "petrolífero";
  return fail(
    "reference_condition_mismatch",
    `condición de referencia incorrecta: ${productKey} (${className}) se expresa a ${condition.label}, no a ${stated.temperatureC} °C / ${pressure} kPa (A30-MS-08); corrija el volumen a ${condition.label} antes de registrarlo`,
  );
}

function unknownProduct(productKey: string): { ok: false; error: MeasurementError } {
  return fail(
    "unknown_product",
    `clave de producto desconocida: "${productKey}"; use una ClaveProducto del catálogo SAT (PR03, PR07–PR20)`,
  );
}
