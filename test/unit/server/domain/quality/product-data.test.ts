import { describe, expect, it } from "vitest";
import { NON_FOSSIL_DEFINITION, checkTestMethods, evaluateProductData, gasolineSubProduct, qualityKindOf } from "../../../../../server/domain/quality/product-data";

const ok = (r: ReturnType<typeof evaluateProductData>) => {
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r;
};
const errors = (r: ReturnType<typeof evaluateProductData>) => (r.ok ? [] : r.errors);

describe("32.4 XVI block per SAT product (A30-TYP-03…09)", () => {
  it("maps products to their block", () => {
    expect(["PR08", "PR09", "PR10", "PR07", "PR03", "PR11", "PR12", "PR15"].map(qualityKindOf)).toEqual(["crude", "natural_gas", "condensate", "gasoline", "diesel", "jet_fuel", "lpg", "other"]);
  });

  it("A30-TYP-09: the definition names crude distillation and natural-gas processing", () => {
    expect(NON_FOSSIL_DEFINITION).toContain("no se obtiene o deriva de un proceso de destilación del petróleo crudo o del procesamiento de gas natural");
  });

  it("refuses fields of another product's block", () => {
    expect(errors(evaluateProductData("PR07", { apiGravity: 30, octaneIndex: 87, containsNonFossil: false, nonFossilPct: 0 }, "VI"))).toEqual(["densidad API: no aplica a PR07 (Gasolinas)"]);
    expect(errors(evaluateProductData("PR15", { propanePct: 10 }, "VI"))).toEqual(["porcentaje de propano: no aplica a PR15 (Otro producto (sin apartado XVI específico))"]);
  });

  it("A30-TYP-03 / A32-04: crude rounded to one decimal and classified; a different sub-product is replaced with a warning", () => {
    const r = ok(evaluateProductData("PR08", { apiGravity: 32.47, sulfurPct: 1.04, subProductKey: "SP1" }, "II"));
    expect(r.columns).toMatchObject({ apiGravity: 32.5, sulfurPct: 1 });
    expect(r.subProductKey).toBe("SP5");
    expect(r.warnings).toEqual(["la subclave SP1 no corresponde a la clasificación Ligero/Semi-amargo: se registra SP5 (A32-04)"]);
    expect(errors(evaluateProductData("PR08", { apiGravity: 32 }, "II"))).toEqual(["petróleo: indique la densidad API y el contenido de azufre (A30-TYP-03)"]);
    expect(errors(evaluateProductData("PR08", { apiGravity: 320, sulfurPct: 1 }, "II"))).toEqual(["densidad API 320: fuera de rango (0–100)"]);
  });

  it("A30-TYP-06 / A32-03 / A32-06: octane index and Sí ⇔ % > 0; the gasoline sub-product follows the index (SP16 < 91 ≤ SP17)", () => {
    const r = ok(evaluateProductData("PR07", { octaneIndex: 87.5, containsNonFossil: true, nonFossilPct: 5.8 }, "VI"));
    expect(r.columns).toMatchObject({ octaneIndex: 87.5, containsNonFossil: true, nonFossilPct: 5.8 });
    expect(r.subProductKey).toBe("SP16");
    expect(r.xvi).toEqual({ gasolina: { indiceOctano: 87.5, contieneCombustibleNoFosil: "Sí", porcentajeCombustibleNoFosil: 5.8 } });
    expect(errors(evaluateProductData("PR07", { octaneIndex: 87.5, containsNonFossil: false, nonFossilPct: 3 }, "VI"))[0]).toContain("«contiene combustible no fósil: No» con 3 %");
    expect(errors(evaluateProductData("PR07", { octaneIndex: 87.5, nonFossilPct: 0 }, "VI"))).toEqual(["indique si contiene combustible no fósil (Sí/No) (A32-06)"]);
    expect(errors(evaluateProductData("PR07", { ron: 92, containsNonFossil: false, nonFossilPct: 0 }, "VI"))).toEqual(["indique RON y MON juntos, o sólo el índice de octano (A32-03)"]);
    const premium = ok(evaluateProductData("PR07", { ron: 96, mon: 88, subProductKey: "SP16", containsNonFossil: false, nonFossilPct: 0 }, "VI"));
    expect(premium.columns.octaneIndex).toBe(92);
    expect(premium.subProductKey).toBe("SP16");
    expect(premium.warnings).toEqual(["la subclave SP16 no corresponde al índice de octano 92 (se esperaba SP17)"]);
    expect([gasolineSubProduct(90.9), gasolineSubProduct(91)]).toEqual(["SP16", "SP17"]);
  });

  it("A30-TYP-07 / A32-07: diesel needs the %, jet fuel may give FAME instead", () => {
    expect(errors(evaluateProductData("PR03", { containsNonFossil: true, nonFossilPct: 0 }, "VI"))[0]).toContain("con 0 %");
    expect(ok(evaluateProductData("PR03", { containsNonFossil: false, nonFossilPct: 0 }, "VI")).xvi).toEqual({ diesel: { contieneCombustibleNoFosil: "No", porcentajeCombustibleNoFosil: 0 } });
    const jet = ok(evaluateProductData("PR11", { containsNonFossil: false, fameMgKg: 12 }, "VI"));
    expect(jet.columns).toMatchObject({ fameMgKg: 12, nonFossilPct: null });
    expect(jet.summary).toBe("Turbosina: contiene combustible no fósil: No (FAME 12 mg/kg)");
  });

  it("A32-08: LP gas keeps raw and normalised values", () => {
    const r = ok(evaluateProductData("PR12", { propanePct: 55.3, butanePct: 42.1 }, "VI"));
    expect(r.columns).toMatchObject({ propanePctRaw: 55.3, butanePctRaw: 42.1, propanePct: 56.78, butanePct: 43.22 });
  });

  it("A30-TYP-04: fraction I needs molar fractions with per-component calorific values; the sum ≤ 1", () => {
    const components = [
      { component: "metano" as const, molarFraction: 0.91, calorificValue: 1010 },
      { component: "etano" as const, molarFraction: 0.05, calorificValue: 1770 },
      { component: "propano" as const, molarFraction: 0.02, calorificValue: 2516 },
    ];
    expect(ok(evaluateProductData("PR09", { gasComposition: components }, "I")).columns.gasComposition).toHaveLength(3);
    expect(errors(evaluateProductData("PR09", { gasComposition: [{ component: "metano", molarFraction: 0.9, calorificValue: 1 }, { component: "etano", molarFraction: 0.2, calorificValue: 1 }] }, "I"))).toEqual(["suma de fracciones molares > 1 (1.1)"]);
    expect(errors(evaluateProductData("PR09", { gasComposition: [{ component: "metano", molarFraction: 0.9 }] }, "I"))[0]).toContain("indique el poder calorífico en BTU/ft3 de: metano");
    expect(errors(evaluateProductData("PR09", { calorificValue: 37, calorificValueUnit: "MJ/m3" }, "I"))[0]).toContain("fracción I: indique la fracción molar");
    expect(errors(evaluateProductData("PR09", { gasComposition: [{ component: "metano", molarFraction: 0.5, calorificValue: 1 }, { component: "metano", molarFraction: 0.2, calorificValue: 1 }] }, "I"))).toEqual(["componente repetido: metano"]);
  });

  it("A30-TYP-05: fractions II–VIII need the average in MJ/m³ (gas) or MMBTU (condensates)", () => {
    expect(ok(evaluateProductData("PR09", { calorificValue: 37.259, calorificValueUnit: "MJ/m3" }, "VI")).xvi).toEqual({ gasNaturalOCondensados: { poderCalorificoPromedio: 37.259, unidadPoderCalorifico: "MJ/m3" } });
    expect(errors(evaluateProductData("PR09", { calorificValue: 1000, calorificValueUnit: "BTU/ft3" }, "VI"))[0]).toContain("se expresa en MJ/m3, no en BTU/ft3");
    expect(errors(evaluateProductData("PR09", {}, null))[0]).toContain("poderCalorificoPromedio");
    expect(ok(evaluateProductData("PR10", { calorificValue: 5.2, calorificValueUnit: "MMBTU" }, "IV")).columns.calorificValueUnit).toBe("MMBTU");
    expect(errors(evaluateProductData("PR10", { calorificValue: 5.2, calorificValueUnit: "MJ/m3" }, "IV"))[0]).toContain("se expresa en MMBTU");
  });
});

describe("A32-02 test methods", () => {
  it("accepts the listed methods (with edition suffixes) and warns on others", () => {
    const { results, warnings } = checkTestMethods("PR07", [
      { property: "RON", testMethod: "ASTM D2699-19", samplingMethod: "ASTM D4057", value: 92, unit: "octanos" },
      { property: "destilación", testMethod: "ASTM D86", value: 200, unit: "°C" },
      { property: "MON", testMethod: "astm d 2700", samplingMethod: "ISO 3170", value: 82, unit: "octanos" },
    ]);
    expect(results[0]).not.toHaveProperty("warning");
    expect(results[1]!.warning).toBe("método no listado en Anexo 32: ASTM D86");
    expect(results[2]!.warning).toBe("método de muestreo no listado en Anexo 32: ISO 3170");
    expect(warnings).toEqual(["destilación: método no listado en Anexo 32: ASTM D86", "MON: método de muestreo no listado en Anexo 32: ISO 3170"]);
    // "ASTM D2870" is not "ASTM D287".
    expect(checkTestMethods("PR08", [{ property: "API", testMethod: "ASTM D2870", value: 1, unit: "°API" }]).warnings).toHaveLength(1);
    expect(checkTestMethods("PR15", [{ property: "x", testMethod: "cualquiera", value: 1, unit: "u" }]).warnings).toEqual([]);
  });
});
