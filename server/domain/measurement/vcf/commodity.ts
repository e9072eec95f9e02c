/**
 * Commodity groups of API MPMS 11.1-2004 §11.1.6.1 (K-values table) and their density ranges.
 *
 *   A crude oil ........................ one K set for 610.6–1163.5 kg/m³
 *   B refined products ................. four sub-groups chosen by ρ60:
 *       gasoline   610.6    ≤ ρ60 < 770.3520
 *       transition 770.3520 ≤ ρ60 < 787.5195
 *       jet        787.5195 ≤ ρ60 < 838.3127   (jet fuel, kerosene; diesel falls here or in fuel oil)
 *       fuel oil   838.3127 ≤ ρ60 ≤ 1163.5
 *   C special applications ............. the caller gives α60 (230e-6…930e-6 1/°F)
 *   D lubricating oils ................. one K set for 800.9–1163.5 kg/m³
 *
 * LPG/NGL are NOT group of 11.1: they follow API 11.2.4 / GPA TP-27 (see ./lpg.ts).
 */

/** K-value set: α60 = K0/ρ² + K1/ρ + K2 (ρ in kg/m³, α in 1/°F). */
export interface KValues {
  k0: number;
  k1: number;
  k2: number;
}

export type RefinedSubGroup = "gasoline" | "transition" | "jet" | "fuel-oil";

/** What the caller asks for. A refined product may force a sub-group (e.g. `--group transition`). */
export type CommoditySelection =
  | { kind: "crude" }
  | { kind: "refined"; subGroup?: RefinedSubGroup }
  | { kind: "lube" }
  | { kind: "special"; alpha60PerF: number }
  | { kind: "lpg" };

/** A resolved commodity: the K-values (or α60) actually used for one evaluation. */
export type ResolvedCommodity =
  | { kind: "k-values"; name: CommodityName; k: KValues }
  | { kind: "alpha"; name: "special"; alpha60PerF: number };

export type CommodityName = "crude" | RefinedSubGroup | "lube" | "special";

export interface DensityRange {
  min: number;
  max: number;
}

// API MPMS 11.1-2004 §11.1.6.1, K-values table.
export const K_VALUES: Record<Exclude<CommodityName, "special">, KValues> = {
  crude: { k0: 341.0957, k1: 0, k2: 0 },
  "fuel-oil": { k0: 103.872, k1: 0.2701, k2: 0 },
  jet: { k0: 330.301, k1: 0, k2: 0 },
  transition: { k0: 1489.067, k1: 0, k2: -0.0018684 },
  gasoline: { k0: 192.4571, k1: 0.2438, k2: 0 },
  lube: { k0: 0, k1: 0.34878, k2: 0 },
};

// API MPMS 11.1-2004 §11.1.6.1 / §11.1.6.2: base-density (ρ60, kg/m³) ranges of validity.
export const BASE_DENSITY_RANGES: Record<CommodityName | "refined", DensityRange> = {
  crude: { min: 610.6, max: 1163.5 },
  refined: { min: 610.6, max: 1163.5 },
  gasoline: { min: 610.6, max: 770.352 },
  transition: { min: 770.352, max: 787.5195 },
  jet: { min: 787.5195, max: 838.3127 },
  "fuel-oil": { min: 838.3127, max: 1163.5 },
  lube: { min: 800.9, max: 1163.5 },
  special: { min: 610.6, max: 1163.5 },
};

/**
 * §11.1.6.2 (page 54 of the standard; API reference code `API_*_RHO_LIMITS`): the observed density
 * must fall in these ranges before the iteration to base density is entered. Special applications
 * have no own range in the standard; the widest (refined products) is used.
 */
export const OBSERVED_DENSITY_RANGES: Record<"crude" | "refined" | "lube" | "special", DensityRange> = {
  crude: { min: 470.5, max: 1201.8 },
  refined: { min: 470.4, max: 1209.5 },
  lube: { min: 714.3, max: 1208.3 },
  special: { min: 470.4, max: 1209.5 },
};

/** Refined-product sub-group for a base density (§11.1.6.1). Outside 610.6–1163.5 the nearest end is used (only during iteration). */
export function refinedSubGroupFor(rho60KgM3: number): RefinedSubGroup {
  if (rho60KgM3 < BASE_DENSITY_RANGES.gasoline.max) return "gasoline";
  if (rho60KgM3 < BASE_DENSITY_RANGES.transition.max) return "transition";
  if (rho60KgM3 < BASE_DENSITY_RANGES.jet.max) return "jet";
  return "fuel-oil";
}

/** K-values (or α60) used for a given selection and base-density estimate. LPG has none. */
export function resolveCommodity(selection: Exclude<CommoditySelection, { kind: "lpg" }>, rho60KgM3: number): ResolvedCommodity {
  switch (selection.kind) {
    case "crude":
      return { kind: "k-values", name: "crude", k: K_VALUES.crude };
    case "lube":
      return { kind: "k-values", name: "lube", k: K_VALUES.lube };
    case "special":
      return { kind: "alpha", name: "special", alpha60PerF: selection.alpha60PerF };
    case "refined": {
      const subGroup = selection.subGroup ?? refinedSubGroupFor(rho60KgM3);
      return { kind: "k-values", name: subGroup, k: K_VALUES[subGroup] };
    }
  }
}

/**
 * Base-density range that the final ρ60 must respect. A forced refined sub-group is checked
 * against the whole refined range: the standard lets the user pick the sub-group near a boundary
 * (a product just above 787.5195 kg/m³ may be corrected as transition zone on purpose).
 */
export function baseDensityRangeFor(selection: Exclude<CommoditySelection, { kind: "lpg" }>): DensityRange {
  switch (selection.kind) {
    case "crude":
      return BASE_DENSITY_RANGES.crude;
    case "lube":
      return BASE_DENSITY_RANGES.lube;
    case "special":
      return BASE_DENSITY_RANGES.special;
    case "refined":
      return BASE_DENSITY_RANGES.refined;
  }
}

export function observedDensityRangeFor(selection: Exclude<CommoditySelection, { kind: "lpg" }>): DensityRange {
  return OBSERVED_DENSITY_RANGES[selection.kind];
}

/** Spanish label for messages and the `procedure` text. */
export const COMMODITY_LABEL_ES: Record<CommodityName | "refined" | "lpg", string> = {
  crude: "petróleo crudo (grupo A)",
  refined: "productos refinados (grupo B)",
  gasoline: "gasolinas (grupo B)",
  transition: "zona de transición (grupo B)",
  jet: "turbosina/queroseno (grupo B)",
  "fuel-oil": "combustóleos/diésel (grupo B)",
  lube: "aceites lubricantes (grupo D)",
  special: "aplicación especial con α60 (grupo C)",
  lpg: "GLP/LGN (API 11.2.4)",
};
