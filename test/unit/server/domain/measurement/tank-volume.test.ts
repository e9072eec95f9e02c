import { describe, expect, it } from "vitest";
import { QUALITY_BAD, QUALITY_GOOD, QUALITY_UNCERTAIN } from "../../../../../server/contracts/measurement";
import {
  calculateVcf,
  computeTankReading,
  defaultCommodity,
  VOLUME_ALGORITHM_ID,
  VOLUME_ALGORITHM_VERSION,
  type TankReadingInput,
  type TankReadingResult,
} from "../../../../../server/domain/measurement/index";

/** 0–2000 mm, 10 L per mm: easy to check by hand. */
const STRAPPING = {
  id: 42,
  points: [
    { levelMm: 0, volumeL: 0 },
    { levelMm: 1000, volumeL: 10_000 },
    { levelMm: 2000, volumeL: 20_000 },
  ],
};

function gasolineReading(overrides: Partial<TankReadingInput> = {}): TankReadingInput {
  return {
    tank: { key: "TQS-EDS-0001", productKey: "PR07", productClass: "petrolifero", referenceTemperatureC: 20 },
    strappingTable: STRAPPING,
    reading: { levelMm: 1500, waterLevelMm: 50, temperatureC: -36 },
    // API MPMS 11.1-2004 §11.1.7.1 Ex 5: refined 772.3 kg/m³ @ 20 °C at −36 °C → CTL 1.060143267269.
    density: { kind: "base", densityKgM3: 772.3, base: "20C", source: { kind: "dictamen", folio: "DIC-2026-0001", qualityRecordId: 7 } },
    ...overrides,
  };
}

function expectOk(input: TankReadingInput): TankReadingResult {
  const result = computeTankReading(input);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe("A30-MS-18 tank reading computed by the UCC (strapping → water → VCF → net)", () => {
  it("A30-MS-18 gasoline at −36 °C with a 20 °C dictamen density uses the §11.1.7.1 Ex 5 factor 1.06014", () => {
    const result = expectOk(gasolineReading());
    expect(result.grossVolumeL).toBe(15_000);
    expect(result.waterVolumeL).toBe(500);
    expect(result.netGrossL).toBe(14_500);
    expect(Math.abs(result.ctl - 1.060143267269)).toBeLessThan(1e-10);
    expect(result.cpl).toBe(1);
    expect(result.vcf).toBe(1.06014);
    expect(result.netVolumeL).toBe(15_372.03);
    expect(result.referenceTemperatureC).toBe(20);
    expect(result.referencePressureKpa).toBe(101.325);
    expect(result.baseDensityKgM3).toBe(772.3);
    expect(result.commodity).toBe("transition");
  });

  it("A30-MS-18 applies CPL when the absolute pressure is above 101.325 kPa (§11.1.7.1 Ex 5: 8.6 bar gauge)", () => {
    const input = gasolineReading();
    const result = expectOk({ ...input, reading: { ...input.reading, pressureKpa: 860 + 101.325 } });
    expect(Math.abs(result.cpl - 1.000556515516)).toBeLessThan(1e-10);
    expect(result.vcf).toBe(1.06073); // CTPL rounded to 5 decimals (§11.1.5.4)
    expect(result.netVolumeL).toBe(Number((14_500 * 1.06073).toFixed(3)));
    expect(result.inputs.pressureGaugeKpa).toBeCloseTo(860, 9);
  });

  it("A30-MS-18 atmospheric or sub-atmospheric absolute pressure gives CPL = 1", () => {
    const input = gasolineReading();
    expect(expectOk({ ...input, reading: { ...input.reading, pressureKpa: 78.5 } }).cpl).toBe(1);
  });

  it("A30-MS-18 names the algorithm identity and version and the UCC as source", () => {
    const result = expectOk(gasolineReading());
    expect(result.algorithm).toEqual({ id: "vcf-api11.1", version: VOLUME_ALGORITHM_VERSION });
    expect(VOLUME_ALGORITHM_ID).toBe("vcf-api11.1");
    expect(VOLUME_ALGORITHM_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(result.source).toBe(`UCC (algoritmo vcf-api11.1 v${VOLUME_ALGORITHM_VERSION})`);
    expect(result.strappingTableVersionId).toBe(42);
    expect(result.procedure).toContain("API MPMS 11.1-2004");
  });

  it("A30-MS-18 keeps the raw inputs so an auditor can recompute the same figure", () => {
    const result = expectOk(gasolineReading());
    expect(result.inputs).toMatchObject({ tankKey: "TQS-EDS-0001", productKey: "PR07", levelMm: 1500, waterLevelMm: 50, temperatureC: -36, strappingTableId: 42, vcfBase: "20C" });
    const again = expectOk({
      tank: { key: result.inputs.tankKey, productKey: result.inputs.productKey, productClass: result.inputs.productClass, referenceTemperatureC: 20, commodity: result.inputs.commodity },
      strappingTable: STRAPPING,
      reading: { levelMm: result.inputs.levelMm, waterLevelMm: result.inputs.waterLevelMm, temperatureC: result.inputs.temperatureC, pressureKpa: result.inputs.pressureKpa },
      density: result.inputs.density,
    });
    expect(again.netVolumeL).toBe(result.netVolumeL);
    expect(Number((result.netGrossL * result.vcf).toFixed(3))).toBe(result.netVolumeL);
  });

  it("A30-MS-08 petrolífero with an online densitometer corrects to 20 °C like the calculator", () => {
    const input = gasolineReading({
      reading: { levelMm: 1234.5, temperatureC: 27.4, quality: { levelMm: QUALITY_GOOD } },
      density: { kind: "observed", densityKgM3: 741.6, source: { kind: "online-instrument", reference: "EDS-0001/TQS-EDS-0001/density_kg_m3" } },
    });
    const result = expectOk(input);
    const expected = calculateVcf({ commodity: { kind: "refined" }, density: { kind: "observed-density", densityKgM3: 741.6 }, temperature: { unit: "C", value: 27.4 }, base: "20C" });
    expect(expected.ok).toBe(true);
    if (expected.ok) {
      expect(result.vcf).toBe(expected.value.rounded.ctl);
      expect(result.baseDensityKgM3).toBe(expected.value.baseDensityKgM3);
    }
    expect(result.grossVolumeL).toBeCloseTo(12_345, 9);
    expect(result.vcf).toBeLessThan(1);
    expect(result.netVolumeL).toBe(Number((12_345 * result.vcf).toFixed(3)));
  });

  it("A30-MS-08 crude (PR08) is corrected to 60 °F and stored at 15.56 °C", () => {
    const result = expectOk({
      tank: { key: "TQS-TDA-0001", productKey: "PR08", productClass: "hidrocarburo", referenceTemperatureC: 15.56 },
      strappingTable: STRAPPING,
      reading: { levelMm: 1800, temperatureC: 35 },
      density: { kind: "base", densityKgM3: 870, base: "60F", source: { kind: "dictamen", folio: "DIC-CRUDO-9" } },
    });
    const expected = calculateVcf({ commodity: { kind: "crude" }, density: { kind: "density60", densityKgM3: 870 }, temperature: { unit: "C", value: 35 }, base: "60F" });
    expect(expected.ok && result.vcf === expected.value.vcf).toBe(true);
    expect(result.referenceTemperatureC).toBe(15.56);
    expect(result.inputs.vcfBase).toBe("60F");
    expect(result.commodity).toBe("crude");
  });

  it('A30-MS-08 a gasoline tank configured at 15.56 °C is rejected with "condición de referencia incorrecta"', () => {
    const input = gasolineReading();
    const result = computeTankReading({ ...input, tank: { ...input.tank, referenceTemperatureC: 15.56 } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain("condición de referencia incorrecta");
  });

  it("A30-GEN-05 a tank whose class contradicts its product key is rejected", () => {
    const input = gasolineReading();
    const result = computeTankReading({ ...input, tank: { ...input.tank, productClass: "hidrocarburo" } });
    expect(result.ok).toBe(false);
  });
});

describe("A30-MS-22 density from sampling (dictamen) or online instrument", () => {
  it("A30-MS-22 the record names the dictamen folio used", () => {
    expect(expectOk(gasolineReading()).densitySource).toEqual({ kind: "dictamen", folio: "DIC-2026-0001", qualityRecordId: 7 });
  });

  it("A30-MS-22 a new dictamen (different density) changes the computed reference volume", () => {
    const before = expectOk(gasolineReading({ reading: { levelMm: 1500, temperatureC: 30 } }));
    const after = expectOk(
      gasolineReading({
        reading: { levelMm: 1500, temperatureC: 30 },
        density: { kind: "base", densityKgM3: 835.2, base: "20C", source: { kind: "dictamen", folio: "DIC-2026-0002" } },
      }),
    );
    expect(after.netVolumeL).not.toBe(before.netVolumeL);
    expect(after.densitySource).toMatchObject({ folio: "DIC-2026-0002" });
  });

  it("A30-MS-22 a density at 15 °C from a dictamen is accepted (§11.1.7 route)", () => {
    const result = expectOk(gasolineReading({ density: { kind: "base", densityKgM3: 745, base: "15C", source: { kind: "dictamen", folio: "DIC-15" } } }));
    expect(result.baseDensityKgM3).toBeLessThan(745);
  });
});

describe("A30-MS-18 errors instead of figures", () => {
  it("A30-MS-03 level outside the strapping table", () => {
    const result = computeTankReading(gasolineReading({ reading: { levelMm: 2000.5, temperatureC: 20 } }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("level_out_of_table");
  });

  it("API MPMS 11.1 temperature out of range names the tank", () => {
    const result = computeTankReading(gasolineReading({ reading: { levelMm: 1000, temperatureC: 151 } }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("temperature_out_of_range");
      expect(result.error.message).toContain("TQS-EDS-0001");
    }
  });

  it("A30-MS-18 a BAD-quality input never enters the calculation", () => {
    const result = computeTankReading(gasolineReading({ reading: { levelMm: 1000, temperatureC: 20, quality: { temperatureC: QUALITY_BAD } } }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("bad_quality_input");
      expect(result.error.message).toContain("temperatura");
    }
  });

  it("A30-MS-18 an UNCERTAIN input is computed and flagged; BAD quality of an unused value is ignored", () => {
    const result = expectOk(
      gasolineReading({ reading: { levelMm: 1000, temperatureC: 20, quality: { levelMm: QUALITY_UNCERTAIN, densityKgM3: QUALITY_BAD, pressureKpa: QUALITY_BAD } } }),
    );
    expect(result.warnings).toEqual(["lectura de nivel con calidad INCIERTA"]);
  });

  it("A30-MS-18 an invalid strapping table is reported, not used", () => {
    const result = computeTankReading(gasolineReading({ strappingTable: { id: 1, points: [{ levelMm: 0, volumeL: 0 }] } }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("invalid_strapping_table");
  });

  it("LPG (PR12) answers API 11.2.4 not implemented; natural gas (PR09) is not a liquid", () => {
    const lpg = computeTankReading({
      tank: { key: "TQS-GLP-0001", productKey: "PR12", productClass: "petrolifero", referenceTemperatureC: 20 },
      strappingTable: STRAPPING,
      reading: { levelMm: 1000, temperatureC: 25 },
      density: { kind: "base", densityKgM3: 540, base: "15C", source: { kind: "dictamen", folio: "GLP-1" } },
    });
    expect(lpg.ok).toBe(false);
    if (!lpg.ok) {
      expect(lpg.error.code).toBe("not_implemented");
      expect(lpg.error.message).toContain("LPG (API 11.2.4) no implementado");
    }
    const gas = defaultCommodity("PR09");
    expect(gas.ok).toBe(false);
    if (!gas.ok) expect(gas.error.code).toBe("product_not_liquid");
  });

  it("A30-GEN-05 default API 11.1 groups: crude for PR08/PR10, refined for PR03/PR07/PR11/PR13; explicit for PR15", () => {
    expect(defaultCommodity("PR10")).toEqual({ ok: true, value: { kind: "crude" } });
    for (const key of ["PR03", "PR07", "PR11", "PR13"]) expect(defaultCommodity(key)).toEqual({ ok: true, value: { kind: "refined" } });
    const bio = defaultCommodity("PR15");
    expect(bio.ok).toBe(false);
    expect(defaultCommodity("PR99").ok).toBe(false);
    const withGroup = expectOk({
      tank: { key: "TQS-BIO-0001", productKey: "PR15", productClass: "petrolifero", referenceTemperatureC: 20, commodity: { kind: "special", alpha60PerF: 0.00061 } },
      strappingTable: STRAPPING,
      reading: { levelMm: 500, temperatureC: 25 },
      density: { kind: "base", densityKgM3: 790, base: "20C", source: { kind: "dictamen", folio: "BIO-1" } },
    });
    expect(withGroup.commodity).toBe("special");
  });
});
