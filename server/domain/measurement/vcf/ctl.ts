import type { ResolvedCommodity } from "./commodity";
import {
  BASE_TEMPERATURE_IPTS68_F,
  DELTA_60_F,
  FP_COEFFICIENTS,
  IPTS68_COEFFICIENTS,
  IPTS68_SCALER,
} from "./constants";

/**
 * The core of API MPMS 11.1-2004 §11.1.6.1 ("Tables 6x/24x"): CTL and CPL for a liquid of base
 * density ρ60 (kg/m³ at 60 °F, 0 psig) at temperature t (°F, ITS-90) and gauge pressure P (psig).
 * No range checks here — the callers check the limits first (./calculate.ts); these functions are
 * the unrounded equations, exported so tests can compare each intermediate with the standard.
 */

/**
 * §11.1.5.3: ITS-90 temperature (°F) → IPTS-68 (°F), the scale the 1980 data were fitted on.
 * Check value of the standard: −27.7 °F → −27.712499233089.
 */
export function ipts68TemperatureF(temperatureF: number): number {
  const tC = (temperatureF - 32) / 1.8;
  const tau = tC / IPTS68_SCALER;
  const [a1, a2, a3, a4, a5, a6, a7, a8] = IPTS68_COEFFICIENTS;
  // Horner form of Δτ = (a1 + a2·τ + … + a8·τ⁷)·τ
  const deltaTau = (a1 + (a2 + (a3 + (a4 + (a5 + (a6 + (a7 + a8 * tau) * tau) * tau) * tau) * tau) * tau) * tau) * tau;
  return 1.8 * (tC - deltaTau) + 32;
}

/** §11.1.6.1 step 2: base density shifted to the IPTS-68 basis, ρ*. */
export function shiftedBaseDensity(rho60KgM3: number, commodity: ResolvedCommodity): number {
  if (commodity.kind === "alpha") {
    // Special applications: ρ* = ρ60·exp(½·α60·δ60·(1 + 0.4·α60·δ60)).
    const x = commodity.alpha60PerF * DELTA_60_F;
    return rho60KgM3 * Math.exp(0.5 * x * (1 + 0.4 * x));
  }
  const { k0, k1, k2 } = commodity.k;
  const a = (DELTA_60_F / 2) * ((k0 / rho60KgM3 + k1) / rho60KgM3 + k2);
  const b = (2 * k0 + k1 * rho60KgM3) / (k0 + (k1 + k2 * rho60KgM3) * rho60KgM3);
  return rho60KgM3 * (1 + (Math.exp(a * (1 + 0.8 * a)) - 1) / (1 + a * (1 + 1.6 * a) * b));
}

/** §11.1.6.1 step 3: thermal expansion coefficient at 60 °F, α60 (1/°F), from ρ* (or as given for group C). */
export function alpha60PerF(shiftedDensityKgM3: number, commodity: ResolvedCommodity): number {
  if (commodity.kind === "alpha") return commodity.alpha60PerF;
  const { k0, k1, k2 } = commodity.k;
  return (k0 / shiftedDensityKgM3 + k1) / shiftedDensityKgM3 + k2;
}

/** §11.1.6.1 step 4: CTL = exp(−α60·Δt·[1 + 0.8·α60·(Δt + δ60)]), Δt = t* − 60.0068749. */
export function ctlFromAlpha(alpha60: number, ipts68F: number): number {
  const deltaT = ipts68F - BASE_TEMPERATURE_IPTS68_F;
  return Math.exp(-alpha60 * deltaT * (1 + 0.8 * alpha60 * (deltaT + DELTA_60_F)));
}

/** §11.1.6.1 step 5: scaled compressibility factor Fp in units of 1e-5 1/psi. */
export function scaledCompressibilityPerPsi(shiftedDensityKgM3: number, ipts68F: number): number {
  const [c0, c1, c2, c3] = FP_COEFFICIENTS;
  return Math.exp(c0 + c1 * ipts68F + (c2 + c3 * ipts68F) / (shiftedDensityKgM3 * shiftedDensityKgM3));
}

/**
 * §11.1.6.1 step 5: CPL = 1/(1 − 1e-5·Fp·(P − Pe)), Pe = 0 for the liquids of 11.1 (their
 * equilibrium vapour pressure is below atmospheric). Negative gauge pressure is used as 0.
 */
export function cplFromFp(fpPerPsi: number, pressurePsig: number): number {
  const p = Math.max(0, pressurePsig);
  return 1 / (1 - 1e-5 * fpPerPsi * p);
}

export interface CorrectionAt60F {
  /** t* (°F, IPTS-68). */
  ipts68TemperatureF: number;
  /** ρ* (kg/m³). */
  shiftedDensityKgM3: number;
  alpha60PerF: number;
  /** Fp, 1e-5 1/psi. */
  scaledCompressibilityPerPsi: number;
  ctl: number;
  cpl: number;
  ctpl: number;
}

/**
 * CTL, CPL and CTPL from base density at 60 °F to (t, P), §11.1.6.1 steps 1–6, unrounded.
 * The factor multiplies a volume at (t, P) to give the volume at 60 °F / 0 psig, and divides a
 * density at 60 °F to give the density at (t, P): ρ(t,P) = ρ60·CTPL.
 */
export function correctionFrom60F(rho60KgM3: number, commodity: ResolvedCommodity, temperatureF: number, pressurePsig: number): CorrectionAt60F {
  const tStar = ipts68TemperatureF(temperatureF);
  const rhoStar = shiftedBaseDensity(rho60KgM3, commodity);
  const alpha = alpha60PerF(rhoStar, commodity);
  const ctl = ctlFromAlpha(alpha, tStar);
  const fp = scaledCompressibilityPerPsi(rhoStar, tStar);
  const cpl = cplFromFp(fp, pressurePsig);
  return {
    ipts68TemperatureF: tStar,
    shiftedDensityKgM3: rhoStar,
    alpha60PerF: alpha,
    scaledCompressibilityPerPsi: fp,
    ctl,
    cpl,
    ctpl: ctl * cpl,
  };
}
