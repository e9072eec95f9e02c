import { describe, expect, it } from "vitest";
import {
  calorificValueUnit,
  convertCalorificValue,
  convertVolume,
  CUBIC_METRES_PER_CUBIC_FOOT,
  LITRES_PER_BARREL,
  MJ_PER_M3_PER_BTU_PER_FT3,
  productClassOf,
  referenceConditionFor,
  referenceConditionForProduct,
  reportingVolumeUnit,
  SIXTY_F_IN_C,
  validateReferenceCondition,
} from "../../../../../server/domain/measurement/index";

describe("A30-MS-09 units and documented conversions", () => {
  it("A30-MS-09 uses the exact factors: 1 bbl = 158.987294928 L, 1 ft³ = 0.028316846592 m³, 1 BTU/ft³ = 0.0372589458 MJ/m³", () => {
    expect(LITRES_PER_BARREL).toBe(158.987294928);
    expect(CUBIC_METRES_PER_CUBIC_FOOT).toBe(0.028316846592);
    expect(MJ_PER_M3_PER_BTU_PER_FT3).toBeCloseTo(0.0372589458, 10);
  });

  it("A30-MS-09 crude meter 2,000.000 m³ → 12,579.622 bbl with the exact operation text", () => {
    const conversion = convertVolume(2000, "UM04", "UM01");
    expect(conversion.value).toBe(12579.622);
    expect(conversion.factor).toBeCloseTo(6.28981077043, 10);
    expect(conversion.operation).toBe("2000.000 m3 × 6.289810770 bbl/m3 = 12579.622 bbl");
  });

  it("A30-MS-09 gasoline meter 25.000 m³ → 25,000.000 L with factor 1000 L/m³", () => {
    const conversion = convertVolume(25, "UM04", "UM03");
    expect(conversion.value).toBe(25000);
    expect(conversion.factor).toBe(1000);
    expect(conversion.operation).toBe("25.000 m3 × 1000 L/m3 = 25000.000 L");
  });

  it("A30-MS-09 natural gas 1,000 BTU/ft³ (fraction VI) is stored as 37.259 MJ/m³ with the factor shown", () => {
    const conversion = convertCalorificValue(1000, "BTU/ft3", "MJ/m3");
    expect(conversion.value).toBe(37.259);
    expect(conversion.operation).toBe("1000.000 BTU/ft3 × 0.03725894581 (MJ/m3)/(BTU/ft3) = 37.259 MJ/m3");
    expect(convertCalorificValue(37.2589458, "MJ/m3", "BTU/ft3").value).toBe(1000);
  });

  it("A30-MS-09 barrel ↔ litre ↔ ft³ ↔ m³ conversions are consistent and reversible", () => {
    expect(convertVolume(1, "UM01", "UM03").operation).toBe("1.000 bbl × 158.987294928 L/bbl = 158.987 L");
    expect(convertVolume(1000, "UM02", "UM04").value).toBe(28.317);
    expect(convertVolume(1, "UM04", "UM02").unroundedValue).toBeCloseTo(35.3146667215, 9);
    for (const [from, to] of [["UM01", "UM04"], ["UM02", "UM03"], ["UM03", "UM01"]] as const) {
      const there = convertVolume(12345.678, from, to);
      expect(convertVolume(there.unroundedValue, to, from).unroundedValue).toBeCloseTo(12345.678, 9);
    }
    expect(convertVolume(42, "UM03", "UM03")).toMatchObject({ value: 42, factor: 1 });
  });

  it("A30-MS-09 rejects a non-numeric value (programming error)", () => {
    expect(() => convertVolume(Number.NaN, "UM04", "UM01")).toThrow(RangeError);
  });

  it("A30-MS-09 reporting unit: barrels for crude/condensates, m³ for gas (ft³ for fraction I), litres for petrolíferos", () => {
    expect(reportingVolumeUnit("PR08")).toEqual({ ok: true, value: "UM01" });
    expect(reportingVolumeUnit("PR10")).toEqual({ ok: true, value: "UM01" });
    expect(reportingVolumeUnit("PR09", "VI")).toEqual({ ok: true, value: "UM04" });
    expect(reportingVolumeUnit("PR09", "I")).toEqual({ ok: true, value: "UM02" });
    for (const key of ["PR03", "PR07", "PR11", "PR12", "PR13", "PR14"]) expect(reportingVolumeUnit(key)).toEqual({ ok: true, value: "UM03" });
    expect(calorificValueUnit("PR09", "VI")).toEqual({ ok: true, value: "MJ/m3" });
    expect(calorificValueUnit("PR09", "I")).toEqual({ ok: true, value: "BTU/ft3" });
    expect(calorificValueUnit("PR07")).toEqual({ ok: true, value: null });
    const unknown = reportingVolumeUnit("PR99");
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.code).toBe("unknown_product");
  });
});

describe("A30-MS-08 reference conditions", () => {
  it("A30-GEN-05 product class: PR08/PR09/PR10 hidrocarburo, the rest petrolífero, PR99 unknown", () => {
    for (const key of ["PR08", "PR09", "PR10"]) expect(productClassOf(key)).toEqual({ ok: true, value: "hidrocarburo" });
    for (const key of ["PR07", "PR03", "PR11", "PR12", "PR14"]) expect(productClassOf(key)).toEqual({ ok: true, value: "petrolifero" });
    expect(productClassOf("PR99").ok).toBe(false);
  });

  it("A30-MS-08 petrolíferos at 20 °C / 101.325 kPa, corrected with the 20 °C route", () => {
    const condition = referenceConditionFor("petrolifero");
    expect(condition).toMatchObject({ temperatureC: 20, exactTemperatureC: 20, pressureKpa: 101.325, vcfBase: "20C", label: "20 °C / 101.325 kPa" });
    expect(referenceConditionForProduct("PR07")).toEqual({ ok: true, value: condition });
  });

  it("A30-MS-08 hidrocarburos at 15.56 °C shown, 60 °F = 15.5556 °C exact, corrected to 60 °F", () => {
    const condition = referenceConditionFor("hidrocarburo");
    expect(condition.temperatureC).toBe(15.56);
    expect(condition.exactTemperatureC).toBeCloseTo(15.5556, 4);
    expect(SIXTY_F_IN_C * 1.8 + 32).toBeCloseTo(60, 12);
    expect(condition.vcfBase).toBe("60F");
    expect(condition.pressureKpa).toBe(101.325);
  });

  it("A30-MS-08 accepts PR07 at 20 °C and PR08 at 15.56 °C or 15.5556 °C", () => {
    expect(validateReferenceCondition("PR07", { temperatureC: 20, pressureKpa: 101.325 }).ok).toBe(true);
    expect(validateReferenceCondition("PR08", { temperatureC: 15.56 }).ok).toBe(true);
    expect(validateReferenceCondition("PR08", { temperatureC: SIXTY_F_IN_C, pressureKpa: 101.325 }).ok).toBe(true);
  });

  it('A30-MS-08 rejects a PR07 net volume at 15.56 °C with "condición de referencia incorrecta"', () => {
    const result = validateReferenceCondition("PR07", { temperatureC: 15.56, pressureKpa: 101.325 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("reference_condition_mismatch");
      expect(result.error.message).toContain("condición de referencia incorrecta");
      expect(result.error.message).toContain("20 °C");
    }
  });

  it("A30-MS-08 rejects a crude volume at 20 °C and any volume at a pressure other than 101.325 kPa", () => {
    const crudeAt20 = validateReferenceCondition("PR08", { temperatureC: 20 });
    expect(crudeAt20.ok).toBe(false);
    if (!crudeAt20.ok) expect(crudeAt20.error.message).toContain("condición de referencia incorrecta");
    expect(validateReferenceCondition("PR07", { temperatureC: 20, pressureKpa: 100 }).ok).toBe(false);
    expect(validateReferenceCondition("PR99", { temperatureC: 20 }).ok).toBe(false);
  });
});
