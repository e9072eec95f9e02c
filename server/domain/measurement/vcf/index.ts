/** API MPMS 11.1-2004 volume correction factors (public surface; see ./calculate.ts). */
export {
  baseDensityFromObserved,
  calculateVcf,
  type BaseDensityIteration,
  type BaseTemperature,
  type DensityInput,
  type PressureInput,
  type TemperatureInput,
  type VcfRequest,
  type VcfResult,
} from "./calculate";
export {
  BASE_DENSITY_RANGES,
  COMMODITY_LABEL_ES,
  K_VALUES,
  OBSERVED_DENSITY_RANGES,
  refinedSubGroupFor,
  type CommodityName,
  type CommoditySelection,
  type KValues,
  type RefinedSubGroup,
} from "./commodity";
export { ALPHA60_LIMITS_PER_F, BASE_TEMPERATURE_F, PRESSURE_LIMITS_PSIG, TEMPERATURE_LIMITS_C, TEMPERATURE_LIMITS_F } from "./constants";
export {
  apiGravityToKgM3,
  barToPsi,
  celsiusToFahrenheit,
  fahrenheitToCelsius,
  fpPerBar,
  fpPerKpa,
  kgM3ToApiGravity,
  kgM3ToRelativeDensity,
  kpaToPsi,
  relativeDensityToKgM3,
} from "./conversions";
export { correctionFrom60F, ipts68TemperatureF, type CorrectionAt60F } from "./ctl";
export { LPG_NOT_IMPLEMENTED_MESSAGE } from "./lpg";
export { roundCorrectionFactor, roundDensityKgM3, roundScaledCompressibility } from "./rounding";
