import { QUALITY_BAD, QUALITY_GOOD, type Quality, type Reading } from "../../server/contracts/measurement";
import { TANK_VARIABLES, tagName, type TankVariable } from "../../server/contracts/site";
import {
  computeTankReading,
  selectStrappingTable,
  type ProductClass,
  type Result,
  type StrappingTableVersion,
  type TankReadingResult,
} from "../../server/domain/measurement/index";

/**
 * Pure part of the collector's measurement pipeline (design.md: "readings → measurement →
 * batches"): keeps the latest value of each tank variable and, whenever a tank's level arrives,
 * computes the reading at reference conditions (A30-MS-08, A30-MS-18) and the derived tags
 * `gross_volume_l`, `net_volume_l`, `vcf` with the level's timestamp.
 */
export interface TankMeasurementConfig {
  tankId: number;
  installationKey: string;
  tankKey: string;
  productKey: string;
  productClass: ProductClass;
  referenceTemperatureC: number;
  measurementSystemId: number | null;
  measurementSystemKey: string | null;
  strappingTables: StrappingTableVersion[];
}

export interface LatestValue {
  value: number;
  time: Date;
  quality: Quality;
}

export type TankValues = Partial<Record<TankVariable, LatestValue>>;

export interface DerivedTankReading {
  config: TankMeasurementConfig;
  time: Date;
  result: Result<TankReadingResult & { strappingTableVersion: number }>;
  /** The derived tags to store (BAD quality when the computation failed). */
  readings: Reading[];
}

export function indexTankConfigs(configs: readonly TankMeasurementConfig[]): Map<string, { config: TankMeasurementConfig; variable: TankVariable }> {
  const byTag = new Map<string, { config: TankMeasurementConfig; variable: TankVariable }>();
  for (const config of configs) {
    for (const variable of TANK_VARIABLES) byTag.set(tagName(config.installationKey, config.tankKey, variable), { config, variable });
  }
  return byTag;
}

export function computeDerived(config: TankMeasurementConfig, values: TankValues, time: Date): DerivedTankReading {
  const result = computeFromValues(config, values, time);
  const tag = (variable: string) => tagName(config.installationKey, config.tankKey, variable);
  const readings: Reading[] = result.ok
    ? [
        { tag: tag("gross_volume_l"), time, value: result.value.grossVolumeL, quality: worstQuality(values) },
        { tag: tag("net_volume_l"), time, value: result.value.netVolumeL, quality: worstQuality(values) },
        { tag: tag("vcf"), time, value: result.value.vcf, quality: worstQuality(values) },
      ]
    : // The figure could not be computed: say so on the record instead of leaving a silent gap.
      ["gross_volume_l", "net_volume_l", "vcf"].map((variable) => ({ tag: tag(variable), time, value: 0, quality: QUALITY_BAD }));
  return { config, time, result, readings };
}

function computeFromValues(config: TankMeasurementConfig, values: TankValues, time: Date): DerivedTankReading["result"] {
  const level = values.level_mm;
  const temperature = values.temperature_c;
  const density = values.density_kg_m3;
  if (!level || !temperature || !density) {
    return { ok: false, error: { code: "missing_input", message: `tanque ${config.tankKey}: faltan nivel, temperatura o densidad para calcular el volumen` } };
  }
  const table = selectStrappingTable(config.strappingTables, time);
  if (!table.ok) return table;
  const result = computeTankReading({
    tank: { key: config.tankKey, productKey: config.productKey, productClass: config.productClass, referenceTemperatureC: config.referenceTemperatureC },
    strappingTable: { id: table.value.id, points: table.value.points },
    reading: {
      levelMm: level.value,
      waterLevelMm: values.water_level_mm?.value ?? null,
      temperatureC: temperature.value,
      quality: {
        levelMm: level.quality,
        temperatureC: temperature.quality,
        densityKgM3: density.quality,
        ...(values.water_level_mm ? { waterLevelMm: values.water_level_mm.quality } : {}),
      },
    },
    // A30-MS-22: the density of the tank gauge's densitometer, observed at the product temperature.
    density: {
      kind: "observed",
      densityKgM3: density.value,
      source: { kind: "online-instrument", reference: tagName(config.installationKey, config.tankKey, "density_kg_m3") },
    },
  });
  if (!result.ok) return result;
  return { ok: true, value: { ...result.value, strappingTableVersion: table.value.version } };
}

function worstQuality(values: TankValues): Quality {
  let worst: Quality = QUALITY_GOOD;
  for (const value of Object.values(values)) if (value && value.quality > worst) worst = value.quality;
  return worst;
}
