import { describe, expect, it } from "vitest";
import { expansionCoefficientPerC, REFERENCE_TEMPERATURE_C } from "../../../../collectors/simulators/site-model";
import { calculateVcf } from "../../../../server/domain/measurement/vcf/index";

/**
 * The simulated plant expands its product with the API MPMS 11.1 coefficient the measurement
 * pipeline corrects with (A30-MS-08, A30-INV-04): the net volume the pipeline computes from the
 * plant's gross volume at any temperature stays within a few ppm of constant — a warming tank does
 * not look like stock appearing.
 */
function vcf20(density15KgM3: number, temperatureC: number): number {
  const r = calculateVcf({
    commodity: { kind: "refined" },
    density: { kind: "base-density", densityKgM3: density15KgM3, base: "15C" },
    temperature: { unit: "C", value: temperatureC },
    base: "20C",
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value.ctl;
}

describe("simulated thermal expansion = API MPMS 11.1 α60 (A30-MS-08, A30-INV-04)", () => {
  it.each([
    ["PR07", 735],
    ["PR07", 745],
    ["PR03", 835],
  ] as const)("%s at %d kg/m³: net at 20 °C of the plant's gross volume varies < 0.05 %% between 10 °C and 30 °C (was 0.6 %% for gasoline)", (product, density) => {
    const alpha = expansionCoefficientPerC(product, density);
    const net15 = 100_000;
    const nets = [10, 15, 20, 25, 30].map((t) => net15 * (1 + alpha * (t - REFERENCE_TEMPERATURE_C)) * vcf20(density, t));
    const spread = (Math.max(...nets) - Math.min(...nets)) / nets[0]!;
    // What is left is the 2nd-order term of the API equation (α grows with temperature): ≤ 0.04 % over 20 °C.
    expect(spread).toBeLessThan(0.0005);
    // The previous fixed gasoline coefficient (0.00095 /°C) drifted ~0.6 % over the same range.
    const old = [10, 30].map((t) => net15 * (1 + (product === "PR03" ? 0.00083 : 0.00095) * (t - REFERENCE_TEMPERATURE_C)) * vcf20(density, t));
    if (product === "PR07") expect(Math.abs(old[1]! - old[0]!) / old[0]!).toBeGreaterThan(0.005);
  });

  it("gasolines 735–745 kg/m³ get ≈ 0.00121–0.00124 /°C, diesel ≈ 0.00085 /°C; LPG keeps a generic coefficient", () => {
    expect(expansionCoefficientPerC("PR07", 735)).toBeCloseTo(0.00124, 5);
    expect(expansionCoefficientPerC("PR07", 745)).toBeCloseTo(0.001214, 5);
    expect(expansionCoefficientPerC("PR03", 835)).toBeCloseTo(0.000854, 5);
    expect(expansionCoefficientPerC("PR12", 540)).toBe(0.00095);
  });
});
