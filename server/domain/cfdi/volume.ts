import { LITRES_PER_BARREL, CUBIC_METRES_PER_CUBIC_FOOT, type VolumeUnit } from "../measurement/units";
import { parseDecimal, type Decimal } from "./decimal";
import type { CfdiConcepto, CfdiTipo } from "./types";

/**
 * Volume a CFDI documents (A30-CFDI-02: "volume, unit price per unit of measure and total amount"
 * of acquisition/sale CFDI). Only the fuel concepts (hydrocarbon ClaveProdServ, A30-CFDI-01) of
 * types I, E and T carry volume (A30-CFDI-04 decision: P never does); their Cantidad is converted
 * from the SAT ClaveUnidad to a SAT volume unit (A30-MS-09). Pure, exact decimal arithmetic.
 *
 * ClaveUnidad accepted as volume (c_ClaveUnidad / UN/ECE Rec. 20):
 *  - LTR litro → UM03 (also "L", which some issuers write although it is not a SAT key)
 *  - MTQ metro cúbico → UM04; K6 kilolitro → UM04 (1 kL = 1 m³)
 *  - BLL barril (EE. UU.) de petróleo, 42 gal = 158.987294928 L → UM01
 *  - FTQ pie cúbico → UM02
 *  - GLL galón (EE. UU.) = 3.785411784 L → converted to UM03
 * Any other unit (KGM kilogramo, GJ, H87 pieza, E48 servicio…) documents no volume: mass or energy
 * cannot become a volume without a density/calorific value the CFDI does not carry.
 */

interface UnitRule {
  unit: VolumeUnit;
  /** Exact factor from the CFDI unit to `unit`, as decimal text. */
  factor: string;
  label: string;
}

const VOLUME_UNIT_KEYS: Record<string, UnitRule> = {
  LTR: { unit: "UM03", factor: "1", label: "litro" },
  L: { unit: "UM03", factor: "1", label: "litro" },
  MTQ: { unit: "UM04", factor: "1", label: "metro cúbico" },
  K6: { unit: "UM04", factor: "1", label: "kilolitro" },
  BLL: { unit: "UM01", factor: "1", label: "barril" },
  FTQ: { unit: "UM02", factor: "1", label: "pie cúbico" },
  GLL: { unit: "UM03", factor: "3.785411784", label: "galón (EE. UU.)" },
};

/** Litres per SAT volume unit (A30-MS-09 exact definitions). */
export const LITRES_PER_SAT_UNIT: Record<VolumeUnit, number> = {
  UM01: LITRES_PER_BARREL,
  UM02: CUBIC_METRES_PER_CUBIC_FOOT * 1000,
  UM03: 1,
  UM04: 1000,
};

/** SAT unit of a ClaveUnidad, or null when it is not a volume unit. */
export function volumeUnitOf(claveUnidad: string): VolumeUnit | null {
  return VOLUME_UNIT_KEYS[claveUnidad.trim().toUpperCase()]?.unit ?? null;
}

/** Rounds an exact decimal to `scale` decimals, half away from zero. */
export function roundDecimal(value: Decimal, scale: number): Decimal {
  if (value.scale <= scale) return { units: value.units * 10n ** BigInt(scale - value.scale), scale };
  const divisor = 10n ** BigInt(value.scale - scale);
  const negative = value.units < 0n;
  const magnitude = negative ? -value.units : value.units;
  const quotient = magnitude / divisor;
  const rounded = magnitude % divisor >= (divisor + 1n) / 2n ? quotient + 1n : quotient;
  return { units: negative ? -rounded : rounded, scale };
}

function multiply(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Fixed 3-decimal text of a Decimal (the numeric(18,3) volume columns). */
export function fixed3(value: Decimal): string {
  const r = roundDecimal(value, 3);
  const negative = r.units < 0n;
  const digits = (negative ? -r.units : r.units).toString().padStart(4, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -3)}.${digits.slice(-3)}`;
}

export interface ConceptVolume {
  /** Volume in `unit`, 3 decimals (SAT VolumenDocumentado resolution). */
  volume: string;
  unit: VolumeUnit;
  /** The same volume in litres, for comparisons (A30-CFDI-05). */
  litres: number;
}

/**
 * The volume a concept documents, or null (not a fuel concept, not a volume unit, type P, or a
 * Cantidad that is not a plain non-negative decimal).
 */
export function conceptVolume(concept: Pick<CfdiConcepto, "claveUnidad" | "cantidad" | "hydrocarbon">, tipo: CfdiTipo): ConceptVolume | null {
  if (tipo !== "I" && tipo !== "E" && tipo !== "T") return null;
  if (!concept.hydrocarbon) return null;
  const rule = VOLUME_UNIT_KEYS[concept.claveUnidad.trim().toUpperCase()];
  if (!rule) return null;
  const quantity = parseDecimal(concept.cantidad);
  if (!quantity || quantity.units < 0n) return null;
  const converted = multiply(quantity, parseDecimal(rule.factor)!);
  const volume = fixed3(converted);
  return { volume, unit: rule.unit, litres: round3(Number(volume) * LITRES_PER_SAT_UNIT[rule.unit]) };
}

/** Total fuel volume of a CFDI's concepts in litres (0 when none documents volume). */
export function documentedLitres(concepts: ReadonlyArray<Pick<CfdiConcepto, "claveUnidad" | "cantidad" | "hydrocarbon">>, tipo: CfdiTipo): number {
  return round3(concepts.reduce((sum, c) => sum + (conceptVolume(c, tipo)?.litres ?? 0), 0));
}

/**
 * Catalogue product (A30-GEN-05) of a fuel ClaveProdServ, when unambiguous: 15101505 diésel → PR03;
 * 15101506 gasolina, 15101514 gasolina regular (< 91 octanos), 15101515 gasolina premium (≥ 91) → PR07;
 * 15111510 gas licuado de petróleo → PR12. Others stay null (a hint, not a catalogue check).
 */
const PRODUCT_BY_CLAVE: Record<string, string> = {
  "15101505": "PR03",
  "15101506": "PR07",
  "15101514": "PR07",
  "15101515": "PR07",
  "15111510": "PR12",
};

export function productKeyOf(claveProdServ: string): string | null {
  return PRODUCT_BY_CLAVE[claveProdServ.trim()] ?? null;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000 + 0;
}
