/**
 * Constants of API MPMS Chapter 11.1-2004 (Temperature and Pressure Volume Correction Factors for
 * Generalized Crude Oils, Refined Products and Lubricating Oils). Values as printed in the standard
 * and in the API reference implementation (`API_*` constants); see
 * /work/shared/research/measurement-math.md §1–§3.
 *
 * ⚠️ Do not "tidy" these numbers: every digit is part of the standard and the worked examples of
 * §11.1.6–§11.1.7 are reproduced to 1e-10 only with these exact values.
 */

/** Density of water at 60 °F used to convert relative density ↔ kg/m³ (§11.1.5.1). */
export const WATER_DENSITY_60F_KG_M3 = 999.016;

/** °API ↔ relative density: RD = 141.5 / (°API + 131.5) (§11.1.5.1). */
export const API_GRAVITY_NUMERATOR = 141.5;
export const API_GRAVITY_OFFSET = 131.5;

/** 1 psi in kPa as used by the standard (§11.1.5.1); 1 psi = 0.06894757 bar. */
export const KPA_PER_PSI = 6.894757;
export const BAR_PER_PSI = 0.06894757;

/** ITS-90 → IPTS-68 temperature shift, §11.1.5.3: τ = t°C / 630 and the a1…a8 coefficients. */
export const IPTS68_SCALER = 630;
export const IPTS68_COEFFICIENTS = [-0.148759, -0.267408, 1.08076, 1.269056, -4.089591, -1.871251, 7.438081, -3.536296] as const;

/** δ60: the 60 °F base-temperature shift between ITS-90 and IPTS-68, in °F (§11.1.6.1 step 2). */
export const DELTA_60_F = 0.01374979547;
/** 60 °F ITS-90 expressed on the IPTS-68 scale (§11.1.6.1 step 4: Δt = t* − 60.0068749). */
export const BASE_TEMPERATURE_IPTS68_F = 60.0068749;

/** Scaled compressibility factor Fp (×1e-5 1/psi), §11.1.6.1 step 5: exp(c0 + c1·t* + (c2 + c3·t*)/ρ*²). */
export const FP_COEFFICIENTS = [-1.9947, 0.00013427, 793920, 2326] as const;

/** Limits of the standard (§11.1.2, §11.1.6): outside these the procedure is terminated, never extrapolated. */
export const TEMPERATURE_LIMITS_F = { min: -58, max: 302 } as const;
/** The same limits in °C, checked in the unit given so that −50 °C / 150 °C are inside despite binary rounding. */
export const TEMPERATURE_LIMITS_C = { min: -50, max: 150 } as const;
export const PRESSURE_LIMITS_PSIG = { min: 0, max: 1500 } as const;
/** α60 limits for special applications (group C), 1/°F. */
export const ALPHA60_LIMITS_PER_F = { min: 230e-6, max: 930e-6 } as const;

/** Base temperatures of the alternate tables (§11.1.7): 15 °C = 59 °F (Tables 53/54), 20 °C = 68 °F (Tables 59/60). */
export const BASE_TEMPERATURE_F = { "60F": 60, "15C": 59, "20C": 68 } as const;

/**
 * §11.1.6.2 iteration (observed density → base density). The standard's Newton step converges to
 * the same root as the plain fixed point ρ60 ← ρobs/(CTL·CPL); we iterate to 1e-10 kg/m³, which
 * reproduces the printed examples to ≤ 3e-11 in CTL (measurement-math.md §3).
 */
export const ITERATION_TOLERANCE_KG_M3 = 1e-10;
export const ITERATION_MAX_STEPS = 100;
