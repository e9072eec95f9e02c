/**
 * Rounding of API MPMS 11.1-2004 §11.1.5.4. Only reported values are rounded; every intermediate
 * (and the §11.1.6.2 iteration) keeps full double precision.
 *
 * `toFixed` rounds the exact binary value of the double to the nearest decimal (ties away from
 * zero for the positive factors used here), which is what a correct decimal rounding of the
 * computed factor means; `Math.round(x * 1e5) / 1e5` is not used because the product can be off
 * by one unit in the last place and flip a tie.
 */
export function roundToDecimals(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

/** CTL, CPL and CTPL are reported to 5 decimals (§11.1.5.4). */
export function roundCorrectionFactor(factor: number): number {
  return roundToDecimals(factor, 5);
}

/** Fp (1e-5 1/psi) is reported to 3 decimals (§11.1.5.4). */
export function roundScaledCompressibility(fpPerPsi: number): number {
  return roundToDecimals(fpPerPsi, 3);
}

/** Densities in kg/m³ are reported to 0.1 kg/m³ (§11.1.5.4). */
export function roundDensityKgM3(densityKgM3: number): number {
  return roundToDecimals(densityKgM3, 1);
}
