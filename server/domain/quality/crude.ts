/**
 * Crude oil quality (A30-TYP-03, A32-04; Anexo 32, 32.4 XVI a)): °API and sulfur with one
 * decimal, classified by the Anexo 32 table into the SAT sub-product SP1–SP15. Pure.
 */
export const API_CLASSES = ["Súper-ligero", "Ligero", "Mediano", "Pesado", "Extra-pesado"] as const;
export const SULFUR_CLASSES = ["Dulce", "Semi-amargo", "Amargo"] as const;
export type ApiClass = (typeof API_CLASSES)[number];
export type SulfurClass = (typeof SULFUR_CLASSES)[number];

export interface CrudeClassification {
  /** °API rounded to one decimal (A30-TYP-03: 32.47 → 32.5). */
  apiGravity: number;
  /** Sulfur % mass rounded to one decimal (1.04 → 1.0). */
  sulfurPct: number;
  apiClass: ApiClass;
  sulfurClass: SulfurClass;
  /** e.g. "Ligero/Semi-amargo". */
  label: string;
  /** SAT ClaveSubProducto: SP1 Súper-ligero/Dulce … SP15 Extra-pesado/Amargo (catalogs). */
  subProductKey: string;
}

/** Half-up rounding to one decimal, exact on the decimal text (no binary-float drift: 32.45 → 32.5). */
export function roundOneDecimal(value: number): number {
  const [intPart, frac = ""] = Math.abs(value).toFixed(6).split(".");
  let tenths = Number(intPart) * 10 + Number(frac[0] ?? "0");
  if (Number(frac[1] ?? "0") >= 5) tenths += 1;
  return (Math.sign(value) || 1) * (tenths / 10);
}

export type RangeCheck = { ok: true } | { ok: false; error: string };

/** A30-TYP-11 range checks: °API 0–100, sulfur 0–10 %. */
export function checkCrudeRanges(apiGravity: number, sulfurPct: number): RangeCheck {
  if (!Number.isFinite(apiGravity) || apiGravity < 0 || apiGravity > 100) return { ok: false, error: `densidad API ${apiGravity}: fuera de rango (0–100)` };
  if (!Number.isFinite(sulfurPct) || sulfurPct < 0 || sulfurPct > 10) return { ok: false, error: `azufre ${sulfurPct} %: fuera de rango (0–10)` };
  return { ok: true };
}

/**
 * A32-04 with the spec's boundary decision: a boundary value goes to the heavier / more sour
 * class (API 39.0 → Ligero, 31.1 → Mediano, 22.3 → Pesado, 10.0 → Extra-pesado; S 0.5 →
 * Semi-amargo, 1.5 → Amargo). Works on the one-decimal values (compared in tenths, exactly).
 */
export function classifyCrude(apiGravityRaw: number, sulfurPctRaw: number): CrudeClassification {
  const apiGravity = roundOneDecimal(apiGravityRaw);
  const sulfurPct = roundOneDecimal(sulfurPctRaw);
  const api10 = Math.round(apiGravity * 10);
  const s10 = Math.round(sulfurPct * 10);
  const apiIndex = api10 > 390 ? 0 : api10 > 311 ? 1 : api10 > 223 ? 2 : api10 > 100 ? 3 : 4;
  const sulfurIndex = s10 < 5 ? 0 : s10 < 15 ? 1 : 2;
  const apiClass = API_CLASSES[apiIndex]!;
  const sulfurClass = SULFUR_CLASSES[sulfurIndex]!;
  return { apiGravity, sulfurPct, apiClass, sulfurClass, label: `${apiClass}/${sulfurClass}`, subProductKey: `SP${apiIndex * 3 + sulfurIndex + 1}` };
}
