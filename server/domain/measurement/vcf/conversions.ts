import { API_GRAVITY_NUMERATOR, API_GRAVITY_OFFSET, BAR_PER_PSI, KPA_PER_PSI, WATER_DENSITY_60F_KG_M3 } from "./constants";

/** Unit conversions of API MPMS 11.1-2004 §11.1.5.1 (exact as the standard defines them). */

/** ρ (kg/m³) = 141.5·999.016/(°API + 131.5). */
export function apiGravityToKgM3(apiGravity: number): number {
  return (API_GRAVITY_NUMERATOR * WATER_DENSITY_60F_KG_M3) / (apiGravity + API_GRAVITY_OFFSET);
}

/** °API = 141.5/RD − 131.5 with RD = ρ/999.016. */
export function kgM3ToApiGravity(densityKgM3: number): number {
  return API_GRAVITY_NUMERATOR / (densityKgM3 / WATER_DENSITY_60F_KG_M3) - API_GRAVITY_OFFSET;
}

/** ρ (kg/m³) = RD·999.016. */
export function relativeDensityToKgM3(relativeDensity: number): number {
  return relativeDensity * WATER_DENSITY_60F_KG_M3;
}

export function kgM3ToRelativeDensity(densityKgM3: number): number {
  return densityKgM3 / WATER_DENSITY_60F_KG_M3;
}

export function celsiusToFahrenheit(temperatureC: number): number {
  return temperatureC * 1.8 + 32;
}

export function fahrenheitToCelsius(temperatureF: number): number {
  return (temperatureF - 32) / 1.8;
}

/** Gauge pressure kPa → psig (1 psi = 6.894757 kPa). */
export function kpaToPsi(pressureKpa: number): number {
  return pressureKpa / KPA_PER_PSI;
}

export function barToPsi(pressureBar: number): number {
  return pressureBar / BAR_PER_PSI;
}

/** Fp expressed per kPa (Fp/6.894757) and per bar (Fp/0.06894757), as printed in the metric examples of the standard. */
export function fpPerKpa(fpPerPsi: number): number {
  return fpPerPsi / KPA_PER_PSI;
}

export function fpPerBar(fpPerPsi: number): number {
  return fpPerPsi / BAR_PER_PSI;
}
