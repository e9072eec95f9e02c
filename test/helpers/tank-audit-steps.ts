import type { TankMeasurementConfig } from "../../collectors/pipeline/tank-state";
import { QUALITY_GOOD, type Reading } from "../../server/contracts/measurement";
import { tagName } from "../../server/contracts/site";

/** Start of the simulated time of the tank-audit tests. */
export const TANK_AUDIT_T0_MS = Date.parse("2026-11-25T18:00:00.000Z");

/**
 * Deterministic tank inputs of step `step` (time T0 + step s): every tank's level, water level,
 * temperature and observed density, inside the demo strapping tables and the VCF ranges.
 */
export function tankAuditStep(configs: readonly TankMeasurementConfig[], step: number): Reading[] {
  const time = new Date(TANK_AUDIT_T0_MS + step * 1000);
  const readings: Reading[] = [];
  configs.forEach((config, index) => {
    const tag = (variable: string): string => tagName(config.installationKey, config.tankKey, variable);
    const diesel = config.productKey === "PR03"; // diésel; PR07 gasolinas
    readings.push(
      { tag: tag("level_mm"), time, value: 900 + index * 37 + (step % 200) * 2.5, quality: QUALITY_GOOD },
      { tag: tag("water_level_mm"), time, value: 10 + (step % 5), quality: QUALITY_GOOD },
      { tag: tag("temperature_c"), time, value: 18 + ((step + index) % 13) * 0.5, quality: QUALITY_GOOD },
      { tag: tag("density_kg_m3"), time, value: (diesel ? 835 : 742) + (step % 7) * 0.3, quality: QUALITY_GOOD },
    );
  });
  return readings;
}
