import { fail, ok, type MeasurementError, type Result } from "../result";
import {
  baseDensityRangeFor,
  COMMODITY_LABEL_ES,
  observedDensityRangeFor,
  resolveCommodity,
  type CommodityName,
  type CommoditySelection,
  type DensityRange,
} from "./commodity";
import {
  ALPHA60_LIMITS_PER_F,
  BASE_TEMPERATURE_F,
  ITERATION_MAX_STEPS,
  ITERATION_TOLERANCE_KG_M3,
  PRESSURE_LIMITS_PSIG,
  TEMPERATURE_LIMITS_C,
  TEMPERATURE_LIMITS_F,
} from "./constants";
import { apiGravityToKgM3, barToPsi, celsiusToFahrenheit, fahrenheitToCelsius, kpaToPsi, relativeDensityToKgM3 } from "./conversions";
import { correctionFrom60F, type CorrectionAt60F } from "./ctl";
import { lpgNotImplemented } from "./lpg";
import { roundCorrectionFactor } from "./rounding";

/**
 * API MPMS 11.1-2004 volume correction, the whole procedure:
 *   - §11.1.6.1: CTL/CPL from a base density at 60 °F (Tables 6A/6B/6C/6D, 24x);
 *   - §11.1.6.2: observed density at (t, P) → base density by iteration (Tables 5x/23x), then CTL/CPL;
 *   - §11.1.7:   other base temperatures, 15 °C (Tables 53/54) and 20 °C (Tables 59/60). The 2004
 *                standard has no 15/20 °C constants: everything goes through 60 °F and
 *                VCF(t → Tb) = CTL60(t) / CTL60(Tb).
 *
 * Mexico (A30-MS-08): petrolíferos are corrected to 20 °C (base "20C", the "Table 60B" route) and
 * hydrocarbons (crude, condensates) to 60 °F (base "60F"). Anexo 30 writes 60 °F as 15.56 °C; never
 * compute with 15.56 °C literally — it is 15.5556 °C and the 0.0044 °C difference moves the factor
 * by ≈ 5.5e-6 (measurement-math.md §4). That is why the bases here are named, not numeric.
 */

export type BaseTemperature = keyof typeof BASE_TEMPERATURE_F;

export type DensityInput =
  /** °API at 60 °F. */
  | { kind: "api60"; apiGravity: number }
  /** Relative density 60/60 °F. */
  | { kind: "rd60"; relativeDensity: number }
  /** Density at 60 °F, kg/m³. */
  | { kind: "density60"; densityKgM3: number }
  /** Density at an alternate base temperature (15 °C or 20 °C), kg/m³ — e.g. from a dictamen. */
  | { kind: "base-density"; densityKgM3: number; base: "15C" | "20C" }
  /** Density measured at the observed temperature and pressure, kg/m³. */
  | { kind: "observed-density"; densityKgM3: number }
  | { kind: "observed-api"; apiGravity: number }
  | { kind: "observed-rd"; relativeDensity: number };

export type TemperatureInput = { unit: "C" | "F"; value: number };
/** Gauge pressure. */
export type PressureInput = { unit: "kPa" | "psig" | "bar"; value: number };

export interface VcfRequest {
  commodity: CommoditySelection;
  density: DensityInput;
  /** Observed (alternate) temperature of the liquid. */
  temperature: TemperatureInput;
  /** Observed gauge pressure; omitted = atmospheric (CPL = 1). */
  pressure?: PressureInput;
  /** Base temperature the volume is corrected to. */
  base: BaseTemperature;
}

export interface VcfResult {
  /** CTL from (t) to the base temperature, unrounded (kept for audit, §11.1.5.4). */
  ctl: number;
  /** CPL from (t, P) to 0 psig, unrounded. */
  cpl: number;
  /** CTL·CPL, unrounded. */
  ctpl: number;
  /** CTL, CPL, CTPL rounded to 5 decimals as the standard reports them (§11.1.5.4). */
  rounded: { ctl: number; cpl: number; ctpl: number };
  /** The temperature correction factor as the standard rounds it: CTL to 5 decimals. */
  vcf: number;
  /** Density at the requested base temperature, kg/m³, unrounded. */
  baseDensityKgM3: number;
  /** Density at 60 °F (ρ60), kg/m³, unrounded — the value all 11.1-2004 equations use. */
  density60KgM3: number;
  /** K-value set actually used (refined products: the sub-group of the final ρ60 unless forced). */
  commodity: CommodityName;
  alpha60PerF: number;
  /** Fp in 1e-5 1/psi at the observed conditions. */
  scaledCompressibilityPerPsi: number;
  /** Observed temperature as used: ITS-90 °F, and its IPTS-68 equivalent t*. */
  temperatureF: number;
  ipts68TemperatureF: number;
  /** Gauge pressure as used (negative values are used as 0). */
  pressurePsig: number;
  base: BaseTemperature;
  /** Human-readable procedure (standard clauses and equivalent printed table). */
  procedure: string;
}

type ElevenOneSelection = Exclude<CommoditySelection, { kind: "lpg" }>;

/** Full API MPMS 11.1-2004 calculation; every input outside the standard's limits is an error. */
export function calculateVcf(request: VcfRequest): Result<VcfResult> {
  if (request.commodity.kind === "lpg") return lpgNotImplemented();
  const selection = request.commodity;

  const temperature = checkTemperature(request.temperature);
  if (!temperature.ok) return temperature;
  const temperatureF = temperature.value;
  const pressure = checkPressure(request.pressure);
  if (!pressure.ok) return pressure;
  const pressurePsig = pressure.value;
  if (selection.kind === "special") {
    const alpha = checkAlpha(selection.alpha60PerF);
    if (!alpha.ok) return alpha;
  }

  const density = densityAt60F(request.density, selection, temperatureF, pressurePsig);
  if (!density.ok) return density;
  const rho60 = density.value;

  const commodity = resolveCommodity(selection, rho60);
  const atObserved = correctionFrom60F(rho60, commodity, temperatureF, pressurePsig);
  let ctl = atObserved.ctl;
  let baseDensityKgM3 = rho60;
  if (request.base !== "60F") {
    // §11.1.7: VCF(t → Tb) = CTL60(t) / CTL60(Tb); ρb = ρ60·CTL60(Tb) at 0 psig.
    const atBase = correctionFrom60F(rho60, commodity, BASE_TEMPERATURE_F[request.base], 0);
    ctl = atObserved.ctl / atBase.ctl;
    baseDensityKgM3 = rho60 * atBase.ctl;
  }
  if (request.density.kind === "base-density" && request.density.base === request.base) {
    // The given base density is the answer at its own base; report it as given, not recomputed.
    baseDensityKgM3 = request.density.densityKgM3;
  }
  const cpl = atObserved.cpl;
  const ctpl = ctl * cpl;
  const rounded = { ctl: roundCorrectionFactor(ctl), cpl: roundCorrectionFactor(cpl), ctpl: roundCorrectionFactor(ctpl) };
  return ok({
    ctl,
    cpl,
    ctpl,
    rounded,
    vcf: rounded.ctl,
    baseDensityKgM3,
    density60KgM3: rho60,
    commodity: commodity.name,
    alpha60PerF: atObserved.alpha60PerF,
    scaledCompressibilityPerPsi: atObserved.scaledCompressibilityPerPsi,
    temperatureF,
    ipts68TemperatureF: atObserved.ipts68TemperatureF,
    pressurePsig,
    base: request.base,
    procedure: describeProcedure(request, commodity.name, pressurePsig),
  });
}

export interface BaseDensityIteration {
  density60KgM3: number;
  correction: CorrectionAt60F;
  iterations: number;
}

/**
 * §11.1.6.2: density ρobs observed at (t, P) → base density ρ60. Fixed-point iteration
 * ρ60 ← ρobs/(CTL·CPL) with the K-values of the current estimate (refined products change
 * sub-group as the estimate moves), to 1e-10 kg/m³. The standard's Newton step converges to the
 * same root. The observed density must be inside the §11.1.6.2 observed range before iterating,
 * and the converged ρ60 inside the group's base range; otherwise it is an error.
 */
export function baseDensityFromObserved(
  observedKgM3: number,
  selection: ElevenOneSelection,
  temperatureF: number,
  pressurePsig: number,
): Result<BaseDensityIteration> {
  const observedRange = observedDensityRangeFor(selection);
  if (!inRange(observedKgM3, observedRange)) {
    return fail(
      "density_out_of_range",
      `densidad observada ${fmt(observedKgM3, 4)} kg/m³ fuera del intervalo de API MPMS 11.1-2004 §11.1.6.2 para ${labelOf(selection)} (${observedRange.min}–${observedRange.max} kg/m³): verifique la lectura del densímetro o el grupo de producto`,
    );
  }
  let rho60 = observedKgM3;
  for (let step = 1; step <= ITERATION_MAX_STEPS; step++) {
    const correction = correctionFrom60F(rho60, resolveCommodity(selection, rho60), temperatureF, pressurePsig);
    const next = observedKgM3 / correction.ctpl;
    if (!Number.isFinite(next) || next <= 0) break;
    const converged = Math.abs(next - rho60) <= ITERATION_TOLERANCE_KG_M3;
    rho60 = next;
    if (converged) {
      const range = baseDensityRangeFor(selection);
      if (!inRange(rho60, range)) {
        return fail(
          "density_out_of_range",
          `la densidad base calculada (${fmt(rho60, 4)} kg/m³ a 60 °F) queda fuera del intervalo de ${labelOf(selection)} (${range.min}–${range.max} kg/m³, API MPMS 11.1-2004 §11.1.6.2): revise la densidad observada, la temperatura o el grupo de producto`,
        );
      }
      const final = correctionFrom60F(rho60, resolveCommodity(selection, rho60), temperatureF, pressurePsig);
      return ok({ density60KgM3: rho60, correction: final, iterations: step });
    }
  }
  return fail(
    "not_converged",
    `la iteración de API MPMS 11.1-2004 §11.1.6.2 no convergió para la densidad observada ${fmt(observedKgM3, 4)} kg/m³: revise la densidad, la temperatura y el grupo de producto`,
  );
}

function densityAt60F(density: DensityInput, selection: ElevenOneSelection, temperatureF: number, pressurePsig: number): Result<number> {
  switch (density.kind) {
    case "api60":
    case "rd60":
    case "density60": {
      const rho60 = toKgM3(density);
      if (!rho60.ok) return rho60;
      const range = baseDensityRangeFor(selection);
      if (!inRange(rho60.value, range)) {
        return fail(
          "density_out_of_range",
          `densidad base ${fmt(rho60.value, 4)} kg/m³ a 60 °F fuera del intervalo de ${labelOf(selection)} (${range.min}–${range.max} kg/m³, API MPMS 11.1-2004 §11.1.6.1): verifique la densidad o el grupo de producto`,
        );
      }
      return ok(rho60.value);
    }
    case "base-density": {
      // §11.1.7: a base density at 15/20 °C is an "observed" density at (Tb, 0 psig) for §11.1.6.2.
      if (!Number.isFinite(density.densityKgM3)) return invalidNumber("densidad base");
      const iteration = baseDensityFromObserved(density.densityKgM3, selection, BASE_TEMPERATURE_F[density.base], 0);
      return iteration.ok ? ok(iteration.value.density60KgM3) : iteration;
    }
    case "observed-density":
    case "observed-api":
    case "observed-rd": {
      const observed = toKgM3(density);
      if (!observed.ok) return observed;
      const iteration = baseDensityFromObserved(observed.value, selection, temperatureF, pressurePsig);
      return iteration.ok ? ok(iteration.value.density60KgM3) : iteration;
    }
  }
}

function toKgM3(
  density: Extract<DensityInput, { kind: "api60" | "rd60" | "density60" | "observed-density" | "observed-api" | "observed-rd" }>,
): Result<number> {
  switch (density.kind) {
    case "api60":
    case "observed-api":
      if (!Number.isFinite(density.apiGravity)) return invalidNumber("°API");
      if (density.apiGravity <= -131.5) return fail("density_out_of_range", `°API ${density.apiGravity} no es una gravedad API válida (debe ser mayor que −131.5)`);
      return ok(apiGravityToKgM3(density.apiGravity));
    case "rd60":
    case "observed-rd":
      if (!Number.isFinite(density.relativeDensity)) return invalidNumber("densidad relativa");
      return ok(relativeDensityToKgM3(density.relativeDensity));
    case "density60":
    case "observed-density":
      if (!Number.isFinite(density.densityKgM3)) return invalidNumber("densidad");
      return ok(density.densityKgM3);
  }
}

/** Temperature limits checked in the unit given, so −50 °C and 150 °C stay inside despite binary rounding. */
function checkTemperature(temperature: TemperatureInput): Result<number> {
  if (!Number.isFinite(temperature.value)) return invalidNumber("temperatura");
  const limits = temperature.unit === "F" ? TEMPERATURE_LIMITS_F : TEMPERATURE_LIMITS_C;
  if (temperature.value < limits.min || temperature.value > limits.max) {
    const [valueC, valueF] =
      temperature.unit === "C" ? [temperature.value, celsiusToFahrenheit(temperature.value)] : [fahrenheitToCelsius(temperature.value), temperature.value];
    return fail(
      "temperature_out_of_range",
      `temperatura ${fmt(valueC, 3)} °C (${fmt(valueF, 3)} °F) fuera del intervalo de API MPMS 11.1-2004 (−50 a 150 °C; −58 a 302 °F): verifique el sensor de temperatura; no se extrapola`,
    );
  }
  return ok(temperature.unit === "F" ? temperature.value : celsiusToFahrenheit(temperature.value));
}

function checkPressure(pressure: PressureInput | undefined): Result<number> {
  if (!pressure) return ok(0);
  if (!Number.isFinite(pressure.value)) return invalidNumber("presión");
  const psig = pressure.unit === "psig" ? pressure.value : pressure.unit === "kPa" ? kpaToPsi(pressure.value) : barToPsi(pressure.value);
  // 1e-9 psi of slack: 10342.1355 kPa is exactly 1500 psig by the standard's factor.
  if (psig > PRESSURE_LIMITS_PSIG.max + 1e-9) {
    return fail(
      "pressure_out_of_range",
      `presión manométrica ${fmt(pressure.value, 3)} ${pressure.unit} (${fmt(psig, 3)} psig) fuera del intervalo de API MPMS 11.1-2004 (0 a 1500 psig; 0 a 10342.1 kPa): verifique el transmisor de presión`,
    );
  }
  // API MPMS 11.1-2004 §11.1.6.1 step 5: negative gauge pressure is used as 0.
  return ok(Math.max(PRESSURE_LIMITS_PSIG.min, psig));
}

function checkAlpha(alpha60PerF: number): Result<number> {
  if (!Number.isFinite(alpha60PerF)) return invalidNumber("α60");
  if (alpha60PerF < ALPHA60_LIMITS_PER_F.min || alpha60PerF > ALPHA60_LIMITS_PER_F.max) {
    return fail(
      "alpha_out_of_range",
      `α60 = ${alpha60PerF} 1/°F fuera del intervalo de API MPMS 11.1-2004 para aplicaciones especiales (230e-6 a 930e-6 1/°F): verifique el coeficiente de expansión del producto`,
    );
  }
  return ok(alpha60PerF);
}

function invalidNumber(what: string): { ok: false; error: MeasurementError } {
  return fail("invalid_input", `${what}: se esperaba un número finito`);
}

function inRange(value: number, range: DensityRange): boolean {
  return value >= range.min && value <= range.max;
}

function labelOf(selection: ElevenOneSelection): string {
  if (selection.kind === "refined" && selection.subGroup) return COMMODITY_LABEL_ES[selection.subGroup];
  return COMMODITY_LABEL_ES[selection.kind];
}

function fmt(value: number, decimals: number): string {
  return Number(value.toFixed(decimals)).toString();
}

const TABLE_LETTER: Record<ElevenOneSelection["kind"], string> = { crude: "A", refined: "B", special: "C", lube: "D" };
const TABLE_NUMBERS: Record<BaseTemperature, { observed: string; base: string; label: string }> = {
  "60F": { observed: "5", base: "6", label: "60 °F" },
  "15C": { observed: "53", base: "54", label: "15 °C" },
  "20C": { observed: "59", base: "60", label: "20 °C" },
};

function describeProcedure(request: VcfRequest, commodity: CommodityName, pressurePsig: number): string {
  const selection = request.commodity as ElevenOneSelection;
  const letter = TABLE_LETTER[selection.kind];
  const tables = TABLE_NUMBERS[request.base];
  const observed = request.density.kind.startsWith("observed");
  const fromAlternateBase = request.density.kind === "base-density";
  const clauses = [
    observed
      ? "§11.1.6.2 (densidad observada → ρ60 por iteración)"
      : fromAlternateBase
        ? `§11.1.7 (densidad a ${TABLE_NUMBERS[(request.density as { base: "15C" | "20C" }).base].label} → ρ60 con la iteración de §11.1.6.2)`
        : "§11.1.6.1 (CTL desde la densidad a 60 °F)",
  ];
  if (request.base !== "60F") clauses.push(`§11.1.7 (VCF = CTL60(t)/CTL60(${tables.label}))`);
  const table = observed ? `Tablas ${tables.observed}${letter}/${tables.base}${letter}` : `Tabla ${tables.base}${letter}`;
  const grouping = selection.kind === "refined" && selection.subGroup ? `${COMMODITY_LABEL_ES[commodity]}, forzado` : COMMODITY_LABEL_ES[commodity];
  const pressure = pressurePsig > 0 ? `; CPL con Fp a ${fmt(pressurePsig, 3)} psig` : "; CPL = 1 (presión atmosférica)";
  return `API MPMS 11.1-2004 ${clauses.join(" + ")}; ${table} a base ${tables.label}; ${grouping}${pressure}; factores redondeados a 5 decimales (§11.1.5.4)`;
}
