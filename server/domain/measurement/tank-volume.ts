import { QUALITY_BAD, QUALITY_UNCERTAIN, type Quality } from "../../contracts/measurement";
import { fail, ok, type MeasurementError, type Result } from "./result";
import { grossVolumesWithWater, validateStrappingTable, type StrappingPoint } from "./strapping";
import { productClassOf, REFERENCE_PRESSURE_KPA, validateReferenceCondition, type ProductClass } from "./units";
import { calculateVcf, type BaseTemperature, type DensityInput, type VcfRequest } from "./vcf/calculate";
import type { CommodityName, CommoditySelection } from "./vcf/commodity";

/**
 * One tank stock reading at reference conditions, computed by the UCC (A30-MS-18 decision: when
 * the tertiary element does not deliver reference-condition volumes the UCC computes them and
 * stores the algorithm identity and version):
 *
 *   level ──strapping table──▶ gross observed volume ── − water bottom ──▶ net gross
 *        ──× VCF (API MPMS 11.1-2004, to 20 °C or 60 °F, A30-MS-08)──▶ net volume
 *
 * The density used comes from an online instrument or from a dictamen, and the result names it
 * (A30-MS-22), so a new dictamen changes later readings only. `inputs` repeats every raw value so
 * an auditor can recompute the figure.
 */

/** A30-MS-18: identity of the volume algorithm stored with every computed record. */
export const VOLUME_ALGORITHM_ID = "vcf-api11.1";
/**
 * A30-MS-18: semantic version of the volume algorithm. Bump it on ANY change that can alter a
 * computed figure (constants, rounding, interpolation, defaults): a change of version is recorded
 * in the bitácora as "cambio de versión del algoritmo de cálculo del volumen" at start-up.
 */
export const VOLUME_ALGORITHM_VERSION = "1.0.0";

/** Values of a tank reading that can carry an OPC UA quality (server/contracts/measurement.ts). */
export type TankReadingValue = "levelMm" | "waterLevelMm" | "temperatureC" | "pressureKpa" | "densityKgM3";

/** Where the density used came from (A30-MS-22). */
export type DensitySource =
  | { kind: "online-instrument"; /** Tag or instrument key of the densitometer. */ reference: string }
  | { kind: "dictamen"; /** Folio of the dictamen (quality analysis). */ folio: string; qualityRecordId?: number };

export type TankDensityInput =
  /** Density measured in the tank at the reading's temperature (and pressure). */
  | { kind: "observed"; densityKgM3: number; source: DensitySource }
  /** Density at a base temperature, typically from a dictamen (60 °F, 15 °C or 20 °C). */
  | { kind: "base"; densityKgM3: number; base: BaseTemperature; source: DensitySource };

export interface TankReadingInput {
  tank: {
    key: string;
    /** SAT ClaveProducto of the stored product (A30-GEN-05). */
    productKey: string;
    productClass: ProductClass;
    /** Reference temperature configured for the tank's product, °C (15.56 or 20; A30-MS-08). */
    referenceTemperatureC: number;
    /** API 11.1 commodity group; defaults from the product key (gasolina/diésel/turbosina → refined, petróleo/condensado → crude). */
    commodity?: CommoditySelection;
  };
  /** The strapping table version valid at the reading time (see selectStrappingTable). */
  strappingTable: { id: number; points: StrappingPoint[] };
  reading: {
    levelMm: number;
    /** Free-water interface level; 0/absent = no free water. */
    waterLevelMm?: number | null;
    temperatureC: number;
    /**
     * ABSOLUTE pressure at the liquid, kPa — the meaning of `tank_readings.pressure_kpa`. The
     * gauge pressure for CPL is pressureKpa − 101.325 (the A30-MS-08 reference pressure);
     * absent or at/below atmospheric → CPL = 1.
     */
    pressureKpa?: number | null;
    /** OPC UA quality of each value; BAD values never enter the calculation, UNCERTAIN ones are flagged. */
    quality?: Partial<Record<TankReadingValue, Quality>>;
  };
  density: TankDensityInput;
}

export interface TankReadingResult {
  grossVolumeL: number;
  waterVolumeL: number;
  /** grossVolumeL − waterVolumeL (product at observed conditions). */
  netGrossL: number;
  /** Factor applied: CTL·CPL rounded to 5 decimals (§11.1.5.4); equals the rounded CTL at atmospheric pressure. */
  vcf: number;
  /** Unrounded CTL (observed temperature → reference temperature), kept for audit. */
  ctl: number;
  /** Unrounded CPL (1 at atmospheric pressure). */
  cpl: number;
  /** netGrossL × vcf, rounded to 0.001 L. */
  netVolumeL: number;
  /** 15.56 (hidrocarburos, = 60 °F) or 20 (petrolíferos), as stored (A30-MS-08). */
  referenceTemperatureC: 15.56 | 20;
  referencePressureKpa: number;
  /** Density at the reference base temperature (60 °F or 20 °C), kg/m³. */
  baseDensityKgM3: number;
  /** ρ60, kg/m³. */
  density60KgM3: number;
  commodity: CommodityName;
  strappingTableVersionId: number;
  algorithm: { id: typeof VOLUME_ALGORITHM_ID; version: typeof VOLUME_ALGORITHM_VERSION };
  /** A30-MS-18 source text: `UCC (algoritmo vcf-api11.1 v1.0.0)`. */
  source: string;
  densitySource: DensitySource;
  procedure: string;
  /** Non-blocking remarks (uncertain-quality inputs). */
  warnings: string[];
  /** Everything needed to recompute this reading (A30-MS-18 raw values). */
  inputs: {
    tankKey: string;
    productKey: string;
    productClass: ProductClass;
    commodity: CommoditySelection;
    strappingTableId: number;
    levelMm: number;
    waterLevelMm: number | null;
    temperatureC: number;
    pressureKpa: number | null;
    pressureGaugeKpa: number;
    density: TankDensityInput;
    vcfBase: "60F" | "20C";
    quality: Partial<Record<TankReadingValue, Quality>>;
  };
}

/** Pure: computes one tank reading or says why it cannot (level outside the table, range, bad quality…). */
export function computeTankReading(input: TankReadingInput): Result<TankReadingResult> {
  const { tank, reading, density } = input;

  // A30-GEN-05 / A30-MS-08: the tank's class and reference condition must match its product.
  const productClass = productClassOf(tank.productKey);
  if (!productClass.ok) return productClass;
  if (productClass.value !== tank.productClass) {
    return fail(
      "invalid_input",
      `el tanque ${tank.key} declara clase ${tank.productClass} pero ${tank.productKey} es ${productClass.value} (A30-GEN-05): corrija la configuración del producto`,
    );
  }
  const reference = validateReferenceCondition(tank.productKey, { temperatureC: tank.referenceTemperatureC });
  if (!reference.ok) return reference;

  const quality = reading.quality ?? {};
  const warnings: string[] = [];
  for (const [name, value] of Object.entries(quality) as [TankReadingValue, Quality][]) {
    if (!isUsed(name, input)) continue;
    if (value === QUALITY_BAD) {
      return fail(
        "bad_quality_input",
        `la lectura ${QUALITY_LABEL_ES[name]} del tanque ${tank.key} tiene calidad MALA (BAD) y no puede usarse en el cálculo: revise el instrumento o la comunicación`,
      );
    }
    if (value === QUALITY_UNCERTAIN) warnings.push(`lectura ${QUALITY_LABEL_ES[name]} con calidad INCIERTA`);
  }

  const commodity: Result<CommoditySelection> = tank.commodity ? ok(tank.commodity) : defaultCommodity(tank.productKey);
  if (!commodity.ok) return commodity;

  const table = validateStrappingTable(input.strappingTable.points);
  if (!table.ok) return table;
  const volumes = grossVolumesWithWater(table.value, reading.levelMm, reading.waterLevelMm);
  if (!volumes.ok) return volumes;

  if (reading.pressureKpa !== undefined && reading.pressureKpa !== null && !Number.isFinite(reading.pressureKpa)) {
    return fail("invalid_input", `presión no numérica (${reading.pressureKpa}); revise el transmisor de presión`);
  }
  const pressureGaugeKpa = reading.pressureKpa == null ? 0 : Math.max(0, reading.pressureKpa - REFERENCE_PRESSURE_KPA);
  const request: VcfRequest = {
    commodity: commodity.value,
    density: densityInput(density),
    temperature: { unit: "C", value: reading.temperatureC },
    pressure: pressureGaugeKpa > 0 ? { unit: "kPa", value: pressureGaugeKpa } : undefined,
    base: reference.value.vcfBase,
  };
  const vcf = calculateVcf(request);
  if (!vcf.ok) return { ok: false, error: { ...vcf.error, message: `tanque ${tank.key}: ${vcf.error.message}` } };

  const factor = vcf.value.rounded.ctpl;
  const netVolumeL = Number((volumes.value.netGrossL * factor).toFixed(3)) + 0;
  return ok({
    ...volumes.value,
    vcf: factor,
    ctl: vcf.value.ctl,
    cpl: vcf.value.cpl,
    netVolumeL,
    referenceTemperatureC: reference.value.temperatureC,
    referencePressureKpa: reference.value.pressureKpa,
    baseDensityKgM3: vcf.value.baseDensityKgM3,
    density60KgM3: vcf.value.density60KgM3,
    commodity: vcf.value.commodity,
    strappingTableVersionId: input.strappingTable.id,
    algorithm: { id: VOLUME_ALGORITHM_ID, version: VOLUME_ALGORITHM_VERSION },
    source: `UCC (algoritmo ${VOLUME_ALGORITHM_ID} v${VOLUME_ALGORITHM_VERSION})`,
    densitySource: density.source,
    procedure: vcf.value.procedure,
    warnings,
    inputs: {
      tankKey: tank.key,
      productKey: tank.productKey,
      productClass: tank.productClass,
      commodity: commodity.value,
      strappingTableId: input.strappingTable.id,
      levelMm: reading.levelMm,
      waterLevelMm: reading.waterLevelMm ?? null,
      temperatureC: reading.temperatureC,
      pressureKpa: reading.pressureKpa ?? null,
      pressureGaugeKpa,
      density,
      vcfBase: reference.value.vcfBase,
      quality,
    },
  });
}

/**
 * API 11.1 group for a SAT product when the tank does not say: crude table (A) for petróleo and
 * condensados; refined products (B, sub-group from density) for gasolina, diésel, turbosina,
 * combustóleo, gasóleo, naftas and gasavión. LPG and propane need API 11.2.4 (not implemented);
 * natural gas is not a liquid; the rest must be configured explicitly.
 */
export function defaultCommodity(productKey: string): Result<CommoditySelection> {
  switch (productKey) {
    case "PR08":
    case "PR10":
      return ok({ kind: "crude" });
    case "PR03":
    case "PR07":
    case "PR11":
    case "PR13":
    case "PR16":
    case "PR17":
    case "PR18":
      return ok({ kind: "refined" });
    case "PR12":
    case "PR14":
      return ok({ kind: "lpg" });
    case "PR09":
      return fail("product_not_liquid", "el gas natural (PR09) no se corrige con API MPMS 11.1: su volumen a condiciones de referencia lo entrega el computador de flujo");
    default: {
      const known = productClassOf(productKey);
      if (!known.ok) return known;
      return missingCommodity(productKey);
    }
  }
}

function missingCommodity(productKey: string): { ok: false; error: MeasurementError } {
  return fail(
    "invalid_input",
    `no hay grupo API MPMS 11.1 predeterminado para ${productKey}: configure en el tanque el grupo (crudo, refinado, lubricante o α60 de aplicación especial)`,
  );
}

/** A quality flag matters only for a value the calculation uses. */
function isUsed(name: TankReadingValue, input: TankReadingInput): boolean {
  switch (name) {
    case "densityKgM3":
      return input.density.kind === "observed";
    case "pressureKpa":
      return input.reading.pressureKpa != null;
    case "waterLevelMm":
      return input.reading.waterLevelMm != null;
    default:
      return true;
  }
}

function densityInput(density: TankDensityInput): DensityInput {
  if (density.kind === "observed") return { kind: "observed-density", densityKgM3: density.densityKgM3 };
  if (density.base === "60F") return { kind: "density60", densityKgM3: density.densityKgM3 };
  return { kind: "base-density", densityKgM3: density.densityKgM3, base: density.base };
}

const QUALITY_LABEL_ES: Record<TankReadingValue, string> = {
  levelMm: "de nivel",
  waterLevelMm: "de nivel de agua",
  temperatureC: "de temperatura",
  pressureKpa: "de presión",
  densityKgM3: "de densidad",
};
