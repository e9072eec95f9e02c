/**
 * Product-specific quality data of refined fuels and LP gas (Anexo 32, 32.4 XVI c)–f);
 * A30-TYP-06/07/08, A32-03/06/07/08). Pure; every rule returns Spanish messages.
 */
export type Result<T> = { ok: true; value: T; warnings: string[] } | { ok: false; error: string };

/** A32-03: octane index (RON + MON) / 2; a stated index more than 0.05 away is warned. */
export function octaneIndex(input: { ron?: number | null; mon?: number | null; statedIndex?: number | null }): Result<number> {
  const { ron, mon, statedIndex } = input;
  const warnings: string[] = [];
  let index: number;
  if (ron != null && mon != null) {
    for (const [name, v] of [["RON", ron], ["MON", mon]] as const) {
      if (!Number.isFinite(v) || v < 70 || v > 130) return { ok: false, error: `${name} ${v}: fuera de rango (70–130)` };
    }
    index = Math.round(((ron + mon) / 2) * 1000) / 1000;
    if (statedIndex != null && Math.abs(statedIndex - index) > 0.05 + 1e-9) {
      warnings.push(`el índice de octano declarado (${statedIndex}) difiere del calculado (RON + MON)/2 = ${index}`);
    }
  } else if (statedIndex != null) {
    index = statedIndex;
  } else {
    return { ok: false, error: "indique RON y MON, o el índice de octano" };
  }
  if (index < 70 || index > 110) return { ok: false, error: `índice de octano ${index}: fuera de rango (70–110)` };
  return { ok: true, value: index, warnings };
}

/**
 * A32-06 / A32-07: "contiene combustible no fósil" Sí ⇔ percentage > 0; percentage 0–100.
 * Jet fuel may report FAME in mg/kg instead of the bioturbosina percentage (A32-07).
 */
export function nonFossilContent(input: { contains: "Sí" | "No"; percent?: number | null; fameMgKg?: number | null; product: "gasolina" | "diesel" | "turbosina" }): Result<{ contains: "Sí" | "No"; percent: number | null; fameMgKg: number | null }> {
  const { contains, percent = null, fameMgKg = null, product } = input;
  if (percent != null && (!Number.isFinite(percent) || percent < 0 || percent > 100)) return { ok: false, error: `porcentaje de combustible no fósil ${percent}: fuera de rango (0–100)` };
  if (fameMgKg != null && (product !== "turbosina" || !Number.isFinite(fameMgKg) || fameMgKg < 0)) {
    return { ok: false, error: product === "turbosina" ? `FAME ${fameMgKg} mg/kg: debe ser ≥ 0` : "el contenido de FAME (mg/kg) sólo se reporta para turbosina" };
  }
  if (percent == null && !(product === "turbosina" && fameMgKg != null)) return { ok: false, error: "indique el porcentaje de combustible no fósil en la mezcla" };
  if (percent != null) {
    if (contains === "Sí" && percent === 0) return { ok: false, error: "«contiene combustible no fósil: Sí» con 0 %: indique el porcentaje o marque «No»" };
    if (contains === "No" && percent > 0) return { ok: false, error: `«contiene combustible no fósil: No» con ${percent} %: marque «Sí» o corrija el porcentaje` };
  }
  return { ok: true, value: { contains, percent, fameMgKg }, warnings: [] };
}

/**
 * A32-08 (A30-TYP-08): propane and butane normalised to 100 %: propane' = P/(P+B)×100 rounded
 * half-up to 2 decimals, butane' = 100 − propane'. Raw values are kept by the caller.
 * Anexo example P 60, B 30 → 66.67 / 33.33.
 */
export function normaliseLpg(propanePct: number, butanePct: number): Result<{ propanePct: number; butanePct: number }> {
  for (const [name, v] of [["propano", propanePct], ["butano", butanePct]] as const) {
    if (!Number.isFinite(v) || v < 0 || v > 100) return { ok: false, error: `${name} ${v} %: fuera de rango (0–100)` };
  }
  const sum = propanePct + butanePct;
  if (sum <= 0) return { ok: false, error: "propano + butano = 0: no se puede normalizar" };
  // Work in integer hundredths of a percent, half-up, to avoid 66.665 → 66.66 float surprises.
  const hundredths = Math.floor((propanePct / sum) * 10000 + 0.5 + 1e-9);
  const propane = hundredths / 100;
  return { ok: true, value: { propanePct: propane, butanePct: (10000 - hundredths) / 100 }, warnings: [] };
}

/** Components of A30-TYP-04 (fraction I, natural gas and condensates), molar fractions in [0, 1]. */
export const GAS_COMPONENTS = ["metano", "etano", "propano", "isobutano", "nbutano", "pentanos", "hexanos", "heptanos", "octanos", "nonanos", "decanos"] as const;
export type GasComponent = (typeof GAS_COMPONENTS)[number];

/** A30-TYP-04 decision: each molar fraction in [0, 1] and their sum ≤ 1 (inerts are not listed). */
export function checkMolarFractions(fractions: Partial<Record<GasComponent, number>>): Result<Partial<Record<GasComponent, number>>> {
  let sum = 0;
  for (const [component, value] of Object.entries(fractions)) {
    if (!(GAS_COMPONENTS as readonly string[]).includes(component)) return { ok: false, error: `componente desconocido: ${component}` };
    if (value == null) continue;
    if (!Number.isFinite(value) || value < 0 || value > 1) return { ok: false, error: `fracción molar de ${component} ${value}: fuera de rango (0–1)` };
    sum += value;
  }
  if (sum > 1 + 1e-9) return { ok: false, error: `suma de fracciones molares > 1 (${Math.round(sum * 1e6) / 1e6})` };
  return { ok: true, value: fractions, warnings: [] };
}

/** A32-12: flow-weighted average (e.g. calorific value per lot); 37.10 × 1000 + 37.30 × 3000 → 37.25. */
export function flowWeightedAverage(samples: readonly { value: number; flow: number }[]): Result<number> {
  const total = samples.reduce((a, s) => a + s.flow, 0);
  if (samples.length === 0 || total <= 0) return { ok: false, error: "sin flujo: no hay promedio ponderado" };
  const avg = samples.reduce((a, s) => a + s.value * s.flow, 0) / total;
  return { ok: true, value: Math.round(avg * 1e6) / 1e6, warnings: [] };
}
