import { describe, expect, it } from "vitest";
import {
  apiGravityToKgM3,
  calculateVcf,
  correctionFrom60F,
  ipts68TemperatureF,
  K_VALUES,
  LPG_NOT_IMPLEMENTED_MESSAGE,
  relativeDensityToKgM3,
  roundCorrectionFactor,
  type CommoditySelection,
  type RefinedSubGroup,
  type VcfRequest,
  type VcfResult,
} from "../../../../../server/domain/measurement/index";

/**
 * API MPMS 11.1-2004 worked examples. Inputs and 12-digit results as printed in the standard's
 * §11.1.6.1, §11.1.6.2, §11.1.6.3, §11.1.7.1 and §11.1.7.2 examples (as carried by the API
 * reference implementation's test suite, and m2b/API11_1VCF for the intermediate values), plus the
 * two check values of /work/shared/research/measurement-math.md.
 */

function expectOk(result: ReturnType<typeof calculateVcf>): VcfResult {
  if (!result.ok) throw new Error(`expected a result, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

const F = (value: number) => ({ unit: "F" as const, value });
const C = (value: number) => ({ unit: "C" as const, value });
const psig = (value: number) => ({ unit: "psig" as const, value });
const kPa = (value: number) => ({ unit: "kPa" as const, value });
const bar = (value: number) => ({ unit: "bar" as const, value });
const crude: CommoditySelection = { kind: "crude" };
const refined: CommoditySelection = { kind: "refined" };
const lube: CommoditySelection = { kind: "lube" };
const special = (alpha60PerF: number): CommoditySelection => ({ kind: "special", alpha60PerF });

/** |ΔCTL|, |ΔCPL| allowed against the printed 12-digit values (measurement-math.md: ≤ 1e-10). */
const FACTOR_TOLERANCE = 1e-10;

describe("API MPMS 11.1-2004 measurement-math.md check values", () => {
  it("§11.1.5.3 ITS-90 → IPTS-68: −27.7 °F → −27.712499233089 °F", () => {
    expect(Math.abs(ipts68TemperatureF(-27.7) - -27.712499233089)).toBeLessThan(1e-11);
  });

  it("§11.1.7 crude 772.3 kg/m³ @ 20 °C at −32.8 °C → VCF 1.05331266825 (A30-MS-08 20 °C route)", () => {
    const result = expectOk(
      calculateVcf({ commodity: crude, density: { kind: "base-density", densityKgM3: 772.3, base: "20C" }, temperature: C(-32.8), base: "20C" }),
    );
    expect(Math.abs(result.ctl - 1.05331266825)).toBeLessThan(1e-11);
    expect(result.vcf).toBe(1.05331);
  });
});

describe("API MPMS 11.1-2004 §11.1.6.1 intermediates (t*, ρ*, α60, Fp, CTL, CPL)", () => {
  // [example, group, K, API60 | kg/m³, t °F, P psig, t*, ρ*, α60, Fp, CTL, CPL]
  const examples: [string, CommoditySelection, number, number, number, number, number, number, number, number, number][] = [
    ["Ex 1 crude", crude, apiGravityToKgM3(17.785), -27.7, 0, -27.712499233089, 946.921215770785, 0.000380407044, 0.305779891997, 1.033011591958, 1],
    ["Ex 2 crude", crude, apiGravityToKgM3(-10), 301.93, 1500, 301.993163042978, 1163.46509372, 0.000251982006, 0.427958509999, 0.938051116886, 1.006460852301],
    ["Ex 3 fuel oil", { kind: "refined", subGroup: "fuel-oil" }, apiGravityToKgM3(19.4), 48.04, -7.3, 48.043878159606, 936.787006219757, 0.000406689168, 0.384339609206, 1.00485806899, 1],
    ["Ex 4 jet", { kind: "refined", subGroup: "jet" }, relativeDensityToKgM3(0.7943), 85, 247.3, 85.013358222928, 793.521270459968, 0.000524557068, 0.664706197066, 0.986832406683, 1.001646525013],
    ["Ex 5 transition (forced)", { kind: "refined", subGroup: "transition" }, apiGravityToKgM3(48.0015), 55.9, 350, 55.905838569594, 787.521450184768, 0.000532585048, 0.608111538634, 1.002182725702, 1.002132930093],
    ["Ex 6 gasoline", { kind: "refined", subGroup: "gasoline" }, 657.3, 27.3, 1234.5, 27.298898616759, 657.303689061482, 0.00081636213, 0.993527440282, 1.026475833518, 1.012417396817],
  ];

  it.each(examples)("%s", (_name, selection, rho60, tF, pressurePsig, tStar, rhoStar, alpha, fp, ctl, cpl) => {
    expect(Math.abs(ipts68TemperatureF(tF) - tStar)).toBeLessThan(1e-11);
    const commodity =
      selection.kind === "refined" ? { kind: "k-values" as const, name: selection.subGroup!, k: K_VALUES[selection.subGroup!] } : { kind: "k-values" as const, name: "crude" as const, k: K_VALUES.crude };
    const result = correctionFrom60F(rho60, commodity, tF, pressurePsig);
    expect(Math.abs(result.shiftedDensityKgM3 - rhoStar)).toBeLessThan(1e-8);
    expect(Math.abs(result.alpha60PerF - alpha)).toBeLessThan(1e-12);
    expect(Math.abs(result.scaledCompressibilityPerPsi - fp)).toBeLessThan(1e-11);
    expect(Math.abs(result.ctl - ctl)).toBeLessThan(FACTOR_TOLERANCE);
    expect(Math.abs(result.cpl - cpl)).toBeLessThan(FACTOR_TOLERANCE);
  });
});

describe("API MPMS 11.1-2004 §11.1.6.1 examples: base density at 60 °F → CTL, CPL, CTPL", () => {
  // [example, request, CTL, CPL, CTPL rounded]
  const examples: [string, VcfRequest, number, number, number][] = [
    ["Ex 1 crude 17.785 °API −27.7 °F", { commodity: crude, density: { kind: "api60", apiGravity: 17.785 }, temperature: F(-27.7), pressure: psig(0), base: "60F" }, 1.033011591958, 1, 1.03301],
    ["Ex 2 crude −10 °API 301.93 °F 1500 psig", { commodity: crude, density: { kind: "api60", apiGravity: -10 }, temperature: F(301.93), pressure: psig(1500), base: "60F" }, 0.938051116886, 1.006460852301, 0.94411],
    ["Ex 3 refined 19.4 °API 48.04 °F −7.3 psig", { commodity: refined, density: { kind: "api60", apiGravity: 19.4 }, temperature: F(48.04), pressure: psig(-7.3), base: "60F" }, 1.00485806899, 1, 1.00486],
    ["Ex 4 refined RD 0.7943 85 °F", { commodity: refined, density: { kind: "rd60", relativeDensity: 0.7943 }, temperature: F(85), pressure: psig(247.3), base: "60F" }, 0.986832406683, 1.001646525013, 0.98846],
    ["Ex 5 refined 772.32 kg/m³ −32.8 °F", { commodity: refined, density: { kind: "density60", densityKgM3: 772.32 }, temperature: F(-32.8), pressure: psig(124.63), base: "60F" }, 1.057147343671, 1.000562524977, 1.05774],
    ["Ex 6 refined 657.3 kg/m³ 27.3 °F", { commodity: refined, density: { kind: "density60", densityKgM3: 657.3 }, temperature: F(27.3), pressure: psig(1234.5), base: "60F" }, 1.026475833518, 1.012417396817, 1.03922],
    ["Ex 7 special α60 732.185e-6 RD 1.0537", { commodity: special(0.000732185), density: { kind: "rd60", relativeDensity: 1.0537 }, temperature: F(97.7), pressure: psig(287.4), base: "60F" }, 0.9721737956968, 1.000996703515, 0.97314],
    ["Ex 8 lube 42.9 °API 129.3 °F", { commodity: lube, density: { kind: "api60", apiGravity: 42.9 }, temperature: F(129.3), pressure: psig(138.8), base: "60F" }, 0.969922293864, 1.001017953704, 0.97091],
    ["Ex 15 crude 100 °API 200 °F", { commodity: crude, density: { kind: "api60", apiGravity: 100 }, temperature: F(200), pressure: psig(0), base: "60F" }, 0.868288296907, 1, 0.86829],
  ];

  it.each(examples)("%s", (_name, request, ctl, cpl, ctplRounded) => {
    const result = expectOk(calculateVcf(request));
    expect(Math.abs(result.ctl - ctl)).toBeLessThan(FACTOR_TOLERANCE);
    expect(Math.abs(result.cpl - cpl)).toBeLessThan(FACTOR_TOLERANCE);
    expect(result.rounded.ctpl).toBe(ctplRounded);
    expect(result.vcf).toBe(roundCorrectionFactor(ctl));
  });

  it("Ex 5 refined 772.32 kg/m³ picks the transition-zone sub-group from density", () => {
    const result = expectOk(calculateVcf(examples[4]![1]));
    expect(result.commodity).toBe("transition");
  });
});

describe("API MPMS 11.1-2004 §11.1.6.2 examples: observed density → base density at 60 °F", () => {
  // [example, request, ρ60, CTL, CPL, |Δρ| allowed]
  const examples: [string, VcfRequest, number, number, number, number][] = [
    ["Ex 1 crude 823.7 kg/m³ 80.3 °F", { commodity: crude, density: { kind: "observed-density", densityKgM3: 823.7 }, temperature: F(80.3), pressure: psig(-5), base: "60F" }, 832.048516184234, 0.989966310837, 1, 1e-7],
    ["Ex 2 crude RD 0.72332 −57.95 °F", { commodity: crude, density: { kind: "observed-rd", relativeDensity: 0.72332 }, temperature: F(-57.95), pressure: psig(113.5), base: "60F" }, 663.445062852402, 1.08842974169, 1.000685369884, 1e-7],
    ["Ex 3 refined RD 0.8665 68 °F", { commodity: refined, density: { kind: "observed-rd", relativeDensity: 0.8665 }, temperature: F(68), pressure: psig(11), base: "60F" }, 868.722680008428, 0.9964068147, 1.000053333513, 1e-7],
    ["Ex 4 refined 41.4 °API 72 °F", { commodity: refined, density: { kind: "observed-api", apiGravity: 41.4 }, temperature: F(72), pressure: psig(375), base: "60F" }, 820.670624131605, 0.994103137645, 1.002151908149, 1e-7],
    // Converges next to the jet/transition boundary (787.5195): the printed ρ60 differs in the
    // 6th decimal and CTL by 2.4e-10 (measurement-math.md §3); the 5-decimal factor is equal.
    ["Ex 5 refined 803.141 kg/m³ 25.3 °F (boundary)", { commodity: refined, density: { kind: "observed-density", densityKgM3: 803.141 }, temperature: F(25.3), pressure: psig(267), base: "60F" }, 787.507922593917, 1.018381017381, 1.001443772976, 2e-6],
    ["Ex 6 refined 49.85 °API 41.85 °F", { commodity: refined, density: { kind: "observed-api", apiGravity: 49.85 }, temperature: F(41.85), pressure: psig(248.3), base: "60F" }, 769.3624510058947, 1.011613933078, 1.001533625495, 1e-7],
    ["Ex 7 special α60 576.34e-6 853.7 kg/m³", { commodity: special(0.00057634), density: { kind: "observed-density", densityKgM3: 853.7 }, temperature: F(84.5), pressure: psig(573), base: "60F" }, 863.403098613648, 0.985817857839, 1.002986291965, 1e-7],
    ["Ex 8 lube 23.6 °API 78.7 °F", { commodity: lube, density: { kind: "observed-api", apiGravity: 23.6 }, temperature: F(78.7), pressure: psig(128), base: "60F" }, 917.442430351448, 0.992874116475, 1.000562161535, 1e-7],
    ["Ex 9 lube 62 °API 302 °F 1499.97 psig", { commodity: lube, density: { kind: "observed-api", apiGravity: 62 }, temperature: F(302), pressure: psig(1499.97), base: "60F" }, 801.061124838869, 0.892011191342, 1.022379081731, 1e-7],
  ];

  it.each(examples)("%s", (name, request, rho60, ctl, cpl, densityTolerance) => {
    const result = expectOk(calculateVcf(request));
    const factorTolerance = name.includes("boundary") ? 3e-10 : FACTOR_TOLERANCE;
    expect(Math.abs(result.baseDensityKgM3 - rho60)).toBeLessThan(densityTolerance);
    expect(Math.abs(result.ctl - ctl)).toBeLessThan(factorTolerance);
    expect(Math.abs(result.cpl - cpl)).toBeLessThan(factorTolerance);
    expect(result.rounded.ctpl).toBe(roundCorrectionFactor(ctl * cpl));
  });
});

describe("API MPMS 11.1-2004 §11.1.6.3 examples: observed → base → alternate conditions", () => {
  // [example, group, observed density input, t_obs °F, P_obs psig, t_alt °F, P_alt psig, ρ60, CTL obs, CPL obs, CTL alt, CPL alt]
  type Observed = Extract<VcfRequest["density"], { kind: "observed-density" | "observed-api" | "observed-rd" }>;
  const examples: [string, CommoditySelection, Observed, number, number, number, number, number, number, number, number, number][] = [
    ["Ex 1 crude", crude, { kind: "observed-density", densityKgM3: 823.7 }, 80.25, -5, -57.9, 0, 832.028099977475, 0.989990602513, 1, 1.056966235844, 1],
    ["Ex 2 crude", crude, { kind: "observed-rd", relativeDensity: 0.7233 }, -57.95, 113.5, 301.95, 1342, 663.423272118035, 1.088435322387, 1.00068543735, 0.805983918837, 1.060408035597],
    ["Ex 3 refined", refined, { kind: "observed-rd", relativeDensity: 0.8665 }, 68.02, 11, 150.3, 534, 868.730481427765, 0.9963978645, 1.000053335737, 0.959034901244, 1.003385106716],
    ["Ex 4 refined", refined, { kind: "observed-api", apiGravity: 41.4 }, 72.04, 375, -58, 47.75, 820.686533964218, 0.994083677273, 1.002152098365, 1.056751557035, 1.00017150789],
    // Transition zone (α strongly density-dependent): the printed ρ60 is 9e-7 kg/m³ from the
    // converged root and its CTL 1.4e-10 from ours; the 5-decimal factor is equal.
    ["Ex 5 refined (transition)", refined, { kind: "observed-density", densityKgM3: 790.53 }, 35.34, 38.4, 127.98, 121.8, 779.174880755919, 1.01434778063, 1.000222292442, 0.959835974243, 1.001018993536],
    ["Ex 6 refined", refined, { kind: "observed-density", densityKgM3: 602.6 }, 74.33, 2, -50, -2.33, 610.620806310613, 0.986828242232, 1.000036747157, 1.09702673068, 1],
    ["Ex 7 special", special(0.00057634), { kind: "observed-density", densityKgM3: 853.7 }, 84.5, 157, 97.4, 0, 865.279061018129, 0.985817857839, 1.000811774331, 0.978305995393, 1],
    ["Ex 8 lube", lube, { kind: "observed-api", apiGravity: -14.1 }, -57.9, 233, 60, 245, 1162.81779744, 1.034967289693, 1.000512439176, 1.000000000001, 1.000670651388],
    ["Ex 9 lube", lube, { kind: "observed-api", apiGravity: 36.43 }, 302, 1499.97, 98.65, 568.33, 917.505498028854, 0.905934133257, 1.012733782436, 0.985240961815, 1.002649703018],
    ["Ex 12 crude near 1163.5", crude, { kind: "observed-api", apiGravity: -9.1 }, 89.08, 0.43, 97.06, 27.75, 1163.4529809, 0.99265444238, 1.000001240466, 0.990633258118, 1.000081252422],
    ["Ex 13 crude near 610.6", crude, { kind: "observed-api", apiGravity: 105.3 }, 87.9, 172.34, 237.8, 0, 610.603878491534, 0.974283669212, 1.00346494182, 0.832034523163, 1],
    ["Ex 18 lube", lube, { kind: "observed-api", apiGravity: -14.15 }, -57.95, 233.7, 60, 245.66, 1163.31178744, 1.034967263424, 1.000513719024, 1.000000000001, 1.00067206491],
  ];

  it.each(examples)("%s", (name, commodity, density, tObs, pObs, tAlt, pAlt, rho60, ctlObs, cplObs, ctlAlt, cplAlt) => {
    const observed = expectOk(calculateVcf({ commodity, density, temperature: F(tObs), pressure: psig(pObs), base: "60F" }));
    expect(Math.abs(observed.density60KgM3 - rho60)).toBeLessThan(1e-6);
    expect(Math.abs(observed.ctl - ctlObs)).toBeLessThan(name.includes("transition") ? 2e-10 : FACTOR_TOLERANCE);
    expect(roundCorrectionFactor(observed.ctl)).toBe(roundCorrectionFactor(ctlObs));
    expect(Math.abs(observed.cpl - cplObs)).toBeLessThan(FACTOR_TOLERANCE);
    // Second step from the printed ρ60, so each step is compared with its own printed inputs.
    const alternate = expectOk(calculateVcf({ commodity, density: { kind: "density60", densityKgM3: rho60 }, temperature: F(tAlt), pressure: psig(pAlt), base: "60F" }));
    expect(Math.abs(alternate.ctl - ctlAlt)).toBeLessThan(FACTOR_TOLERANCE);
    expect(Math.abs(alternate.cpl - cplAlt)).toBeLessThan(FACTOR_TOLERANCE);
  });
});

describe("API MPMS 11.1-2004 §11.1.7.1 examples: base density at 15/20 °C → factors at alternate conditions", () => {
  // [example, group, ρb, base, t °C, P, CTL, CPL, CTPL (12 digits, null: see Ex 5), density at alternate conditions as printed]
  const examples: [string, CommoditySelection, number, "15C" | "20C", number, ReturnType<typeof bar> | ReturnType<typeof kPa>, number, number, number | null, number][] = [
    ["Ex 1 crude 772.3 @ 15 °C", crude, 772.3, "15C", -32.8, bar(24.6), 1.048420095319, 1.001652488031, 1.050152596978, 811.030845],
    ["Ex 2 crude 772.3 @ 20 °C", crude, 772.3, "20C", -32.8, bar(24.65), 1.05331266825, 1.001635234957, 1.055035081947, 814.807392],
    ["Ex 3 refined 865.6 @ 15 °C", refined, 865.6, "15C", 87.32, kPa(75), 0.940416747194, 1.000078931033, 0.94049097526, 814.088144],
    ["Ex 4 refined 793.5 @ 15 °C", refined, 793.5, "15C", 27.37, bar(17.05), 0.98827400056, 1.001625828532, 0.989880764627, 785.46978],
    // The printed CTPL of Ex 5 (1.06073325446) is not the product of its printed CTL and CPL
    // (1.0607332534…, a transcription slip); CTL, CPL and the rounded density are checked.
    ["Ex 5 refined 772.3 @ 20 °C", refined, 772.3, "20C", -36, bar(8.6), 1.060143267269, 1.000556515516, null, 819.201779],
    ["Ex 6 refined 657.3 @ 15 °C", refined, 657.3, "15C", 27.35, kPa(1235), 0.98175251646, 1.002411349381, 0.984119864783, 646.862076],
  ];

  it.each(examples)("%s", (_name, commodity, densityKgM3, base, tC, pressure, ctl, cpl, ctpl, alternateDensity) => {
    const result = expectOk(calculateVcf({ commodity, density: { kind: "base-density", densityKgM3, base }, temperature: C(tC), pressure, base }));
    expect(Math.abs(result.ctl - ctl)).toBeLessThan(FACTOR_TOLERANCE);
    expect(Math.abs(result.cpl - cpl)).toBeLessThan(FACTOR_TOLERANCE);
    expect(Math.abs(result.ctpl - (ctpl ?? ctl * cpl))).toBeLessThan(FACTOR_TOLERANCE);
    expect(result.baseDensityKgM3).toBe(densityKgM3);
    // The standard prints the alternate density as base density × ROUNDED CTPL.
    expect(Math.abs(densityKgM3 * result.rounded.ctpl - alternateDensity)).toBeLessThan(1e-6);
  });

  it("Ex 7 special α60 446.759e-6, 641.8 kg/m³ @ 15 °C, 89.9 °C, 45.35 bar", () => {
    const result = expectOk(
      calculateVcf({ commodity: special(0.000446759), density: { kind: "base-density", densityKgM3: 641.8, base: "15C" }, temperature: C(89.9), pressure: bar(45.35), base: "15C" }),
    );
    expect(Math.abs(result.ctl - 0.938841277179)).toBeLessThan(FACTOR_TOLERANCE);
    expect(Math.abs(result.cpl - 1.019276716462)).toBeLessThan(FACTOR_TOLERANCE);
    expect(Math.abs(641.8 * result.rounded.ctpl - 614.164092)).toBeLessThan(1e-6);
  });
});

describe("API MPMS 11.1-2004 §11.1.7.2 examples: observed density → base density at 15 °C", () => {
  // [example, group, ρobs, t °C, P, ρ15, CTL, CPL]
  const examples: [string, CommoditySelection, number, number, ReturnType<typeof bar> | ReturnType<typeof kPa>, number, number, number][] = [
    ["Ex 1 refined 657.3", refined, 657.3, 27.35, kPa(1234), 667.718347529613, 0.982192367319, 1.002244698072],
    ["Ex 2 crude 823.7", crude, 823.7, 26.8, kPa(-5), 832.434018321149, 0.989507855128, 1],
    ["Ex 3 crude 722.6 at −50 °C (lower limit)", crude, 722.6, -50, kPa(115), 664.383677067826, 1.087515323806, 1.000100439513],
    ["Ex 4 refined 865.6", refined, 865.6, 20, bar(11.25), 868.425929024799, 0.995955841168, 1.000793285184],
    ["Ex 5 refined 817.59", refined, 817.59, 22.25, kPa(2587.3), 821.09497766568, 0.993591533933, 1.002153604472],
    ["Ex 7 refined 779.6", refined, 779.6, 5.47, kPa(1710), 769.965411139556, 1.010965045324, 1.001531180371],
    ["Ex 8 special α60 576.3e-6", special(0.0005763), 853.7, 29.18, kPa(395), 866.235845849433, 0.985237057692, 1.000295675975],
    ["Ex 9 lube 1204.6", lube, 1204.6, -49.97, bar(31.1), 1163.078239292499, 1.034672971366, 1.000992501782],
    ["Ex 10 lube 734.3 at 150 °C (upper limit)", lube, 734.3, 150, kPa(100), 820.979105094945, 0.894250233938, 1.000189663064],
  ];

  it.each(examples)("%s", (_name, commodity, densityKgM3, tC, pressure, rho15, ctl, cpl) => {
    const result = expectOk(calculateVcf({ commodity, density: { kind: "observed-density", densityKgM3 }, temperature: C(tC), pressure, base: "15C" }));
    expect(Math.abs(result.baseDensityKgM3 - rho15)).toBeLessThan(1e-7);
    expect(Math.abs(result.ctl - ctl)).toBeLessThan(FACTOR_TOLERANCE);
    expect(Math.abs(result.cpl - cpl)).toBeLessThan(FACTOR_TOLERANCE);
  });
});

describe("API MPMS 11.1-2004 limits: outside the standard is an error, never an extrapolation", () => {
  const cases: [string, VcfRequest, string][] = [
    ["§11.1.6.1 Ex 9: −58.05 °F", { commodity: crude, density: { kind: "api60", apiGravity: 100 }, temperature: F(-58.05), base: "60F" }, "temperature_out_of_range"],
    ["§11.1.6.1 Ex 10: 302.05 °F", { commodity: crude, density: { kind: "api60", apiGravity: 100 }, temperature: F(302.05), base: "60F" }, "temperature_out_of_range"],
    ["§11.1.6.1 Ex 11: 1501 psig", { commodity: crude, density: { kind: "api60", apiGravity: 100 }, temperature: F(92), pressure: psig(1501), base: "60F" }, "pressure_out_of_range"],
    ["§11.1.6.1 Ex 12: crude 100.06 °API (ρ60 < 610.6)", { commodity: crude, density: { kind: "api60", apiGravity: 100.06 }, temperature: F(72), base: "60F" }, "density_out_of_range"],
    ["§11.1.6.1 Ex 13: refined −10.08 °API (ρ60 > 1163.5)", { commodity: refined, density: { kind: "api60", apiGravity: -10.08 }, temperature: F(302), base: "60F" }, "density_out_of_range"],
    ["§11.1.6.1 Ex 14: lube 45.08 °API (ρ60 < 800.9)", { commodity: lube, density: { kind: "api60", apiGravity: 45.08 }, temperature: F(0), base: "60F" }, "density_out_of_range"],
    ["§11.1.6.2 Ex 12: refined −58.05 °F", { commodity: refined, density: { kind: "observed-density", densityKgM3: 470.17 }, temperature: F(-58.05), base: "60F" }, "temperature_out_of_range"],
    ["§11.1.6.2 Ex 14: lube −14.53 °API observed (base > 1163.5)", { commodity: lube, density: { kind: "observed-api", apiGravity: -14.53 }, temperature: F(60), base: "60F" }, "density_out_of_range"],
    ["§11.1.6.2 Ex 15: lube 66.48 °API observed (base < 800.9)", { commodity: lube, density: { kind: "observed-api", apiGravity: 66.48 }, temperature: F(72.32), base: "60F" }, "density_out_of_range"],
    ["§11.1.6.2 Ex 16: lube −14.51 °API at −57.97 °F", { commodity: lube, density: { kind: "observed-api", apiGravity: -14.51 }, temperature: F(-57.97), pressure: psig(240.7), base: "60F" }, "density_out_of_range"],
    ["§11.1.6.2: observed density below the crude iteration range (470.5)", { commodity: crude, density: { kind: "observed-density", densityKgM3: 470.4 }, temperature: F(100), base: "60F" }, "density_out_of_range"],
    ["§11.1.7.1 Ex 8: crude −50.025 °C", { commodity: crude, density: { kind: "base-density", densityKgM3: 610.46, base: "15C" }, temperature: C(-50.025), pressure: kPa(-5), base: "15C" }, "temperature_out_of_range"],
    ["§11.1.7.1 Ex 9: refined 150.025 °C, 10343 kPa", { commodity: refined, density: { kind: "base-density", densityKgM3: 1163.55, base: "20C" }, temperature: C(150), pressure: kPa(10343), base: "20C" }, "pressure_out_of_range"],
    ["§11.1.7.1 Ex 11: lube 150.025 °C", { commodity: lube, density: { kind: "base-density", densityKgM3: 1163.55, base: "20C" }, temperature: C(150.025), pressure: bar(103.43), base: "20C" }, "temperature_out_of_range"],
    ["§11.1.7.1: crude 610.46 kg/m³ @ 15 °C gives ρ60 < 610.6", { commodity: crude, density: { kind: "base-density", densityKgM3: 610.46, base: "15C" }, temperature: C(20), base: "15C" }, "density_out_of_range"],
    ["special α60 above 930e-6", { commodity: special(0.00094), density: { kind: "density60", densityKgM3: 800 }, temperature: F(80), base: "60F" }, "alpha_out_of_range"],
    ["special α60 below 230e-6", { commodity: special(0.0002), density: { kind: "density60", densityKgM3: 800 }, temperature: F(80), base: "60F" }, "alpha_out_of_range"],
    ["non-finite temperature", { commodity: crude, density: { kind: "density60", densityKgM3: 800 }, temperature: C(Number.NaN), base: "60F" }, "invalid_input"],
  ];

  it.each(cases)("%s", (_name, request, code) => {
    const result = calculateVcf(request);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message).toMatch(/[a-záéíóúñ]/);
    }
  });

  it("accepts the exact limits −50 °C, 150 °C, −58 °F, 302 °F and 1500 psig (= 10342.1355 kPa)", () => {
    for (const temperature of [C(-50), C(150), F(-58), F(302)]) {
      expect(calculateVcf({ commodity: crude, density: { kind: "density60", densityKgM3: 850 }, temperature, base: "60F" }).ok).toBe(true);
    }
    expect(calculateVcf({ commodity: crude, density: { kind: "density60", densityKgM3: 850 }, temperature: F(80), pressure: kPa(10342.1355), base: "60F" }).ok).toBe(true);
  });

  it("uses a negative gauge pressure as 0 (CPL = 1)", () => {
    const result = expectOk(calculateVcf({ commodity: crude, density: { kind: "density60", densityKgM3: 850 }, temperature: F(80), pressure: kPa(-20), base: "60F" }));
    expect(result.cpl).toBe(1);
    expect(result.pressurePsig).toBe(0);
  });

  it("LPG (API 11.2.4) answers an explicit not-implemented error", () => {
    const result = calculateVcf({ commodity: { kind: "lpg" }, density: { kind: "rd60", relativeDensity: 0.507 }, temperature: C(25), base: "15C" });
    expect(result).toEqual({ ok: false, error: { code: "not_implemented", message: LPG_NOT_IMPLEMENTED_MESSAGE } });
    expect(LPG_NOT_IMPLEMENTED_MESSAGE).toContain("LPG (API 11.2.4) no implementado");
  });
});

describe("A30-MS-08 Mexican bases: petrolíferos to 20 °C, hydrocarbons to 60 °F (never 15.56 °C literally)", () => {
  it("gasoline 740 kg/m³ at 30 °C: VCF to 20 °C is CTL60(30 °C)/CTL60(20 °C)", () => {
    const to20 = expectOk(calculateVcf({ commodity: refined, density: { kind: "density60", densityKgM3: 740 }, temperature: C(30), base: "20C" }));
    const at30 = expectOk(calculateVcf({ commodity: refined, density: { kind: "density60", densityKgM3: 740 }, temperature: C(30), base: "60F" }));
    const at20 = expectOk(calculateVcf({ commodity: refined, density: { kind: "density60", densityKgM3: 740 }, temperature: C(20), base: "60F" }));
    expect(to20.ctl).toBeCloseTo(at30.ctl / at20.ctl, 14);
    expect(to20.baseDensityKgM3).toBeCloseTo(740 * at20.ctl, 10);
    expect(to20.procedure).toContain("Tabla 60B");
  });

  it("computing at 15.56 °C instead of 60 °F would move the gasoline factor by ≈ 5.5e-6 (why 60 °F is used)", () => {
    const at60F = expectOk(calculateVcf({ commodity: refined, density: { kind: "density60", densityKgM3: 740 }, temperature: C(30), base: "60F" }));
    const atLiteral = expectOk(calculateVcf({ commodity: refined, density: { kind: "density60", densityKgM3: 740 }, temperature: C(15.56), base: "60F" }));
    const wrongFactor = at60F.ctl / atLiteral.ctl;
    expect(Math.abs(wrongFactor - at60F.ctl)).toBeGreaterThan(4e-6);
    expect(Math.abs(wrongFactor - at60F.ctl)).toBeLessThan(7e-6);
  });
});

/** mulberry32: a seeded PRNG so the property loops are reproducible (no extra dependencies). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROPERTY_GROUPS: [string, CommoditySelection, number, number][] = [
  ["crude", crude, 610.6, 1163.5],
  ["lube", lube, 800.9, 1163.5],
  ...(
    [
      ["gasoline", 610.6, 770.352],
      ["transition", 770.352, 787.5195],
      ["jet", 787.5195, 838.3127],
      ["fuel-oil", 838.3127, 1163.5],
    ] as [RefinedSubGroup, number, number][]
  ).map(([subGroup, min, max]): [string, CommoditySelection, number, number] => [subGroup, { kind: "refined", subGroup }, min, max]),
  ["special", special(0.0005), 610.6, 1163.5],
];

describe("API MPMS 11.1-2004 properties (seeded loops)", () => {
  it.each(PROPERTY_GROUPS)("VCF = 1 at the base temperature (60 °F, 15 °C, 20 °C) — %s", (_name, commodity, min, max) => {
    const random = seeded(11);
    for (let i = 0; i < 200; i++) {
      const densityKgM3 = min + (max - min) * random();
      const at60 = expectOk(calculateVcf({ commodity, density: { kind: "density60", densityKgM3 }, temperature: F(60), base: "60F" }));
      expect(at60.vcf).toBe(1);
      expect(Math.abs(at60.ctl - 1)).toBeLessThan(1e-8);
      for (const [base, tC] of [["15C", 15], ["20C", 20]] as const) {
        const atBase = expectOk(calculateVcf({ commodity, density: { kind: "density60", densityKgM3 }, temperature: C(tC), base }));
        expect(atBase.ctl).toBe(1);
        expect(atBase.baseDensityKgM3).toBeCloseTo(densityKgM3 * expectOk(calculateVcf({ commodity, density: { kind: "density60", densityKgM3 }, temperature: C(tC), base: "60F" })).ctl, 9);
      }
    }
  });

  it.each(PROPERTY_GROUPS)("VCF < 1 and decreasing as temperature rises above the reference; > 1 below — %s", (_name, commodity, min, max) => {
    const random = seeded(23);
    for (let i = 0; i < 200; i++) {
      const densityKgM3 = min + (max - min) * random();
      const base = (["60F", "15C", "20C"] as const)[i % 3]!;
      const referenceC = base === "60F" ? 15.5556 : base === "15C" ? 15 : 20;
      const t1 = referenceC + 0.5 + (150 - referenceC - 1) * random();
      const t2 = t1 + 0.1 + (150 - t1 - 0.1) * random();
      const below = -50 + (referenceC - 0.5 + 50) * random();
      const at = (tC: number) => expectOk(calculateVcf({ commodity, density: { kind: "density60", densityKgM3 }, temperature: C(tC), base })).ctl;
      const [c1, c2, cBelow] = [at(t1), at(t2), at(below)];
      expect(c1).toBeLessThan(1);
      expect(c2).toBeLessThan(c1);
      expect(cBelow).toBeGreaterThan(1);
    }
  });

  it.each(PROPERTY_GROUPS.filter(([name]) => name !== "special"))("CTL is monotonic in density within a group (denser expands less) — %s", (_name, commodity, min, max) => {
    const random = seeded(37);
    for (let i = 0; i < 200; i++) {
      const d1 = min + (max - min) * random();
      const d2 = d1 + (max - d1) * random();
      if (d2 - d1 < 1e-6) continue;
      const tC = -50 + 200 * random();
      if (Math.abs(tC - 15.5556) < 0.5) continue;
      const ctl = (densityKgM3: number) => expectOk(calculateVcf({ commodity, density: { kind: "density60", densityKgM3 }, temperature: C(tC), base: "60F" })).ctl;
      const [c1, c2] = [ctl(d1), ctl(d2)];
      // Above 60 °F the denser liquid has the larger CTL (closer to 1); below, the smaller.
      if (tC > 15.5556) expect(c2).toBeGreaterThan(c1);
      else expect(c2).toBeLessThan(c1);
    }
  });

  it("observed → base → observed round trip returns the observed density (§11.1.6.2 inverse of §11.1.6.1)", () => {
    const random = seeded(41);
    for (let i = 0; i < 200; i++) {
      const commodity = PROPERTY_GROUPS[i % PROPERTY_GROUPS.length]![1];
      const densityKgM3 = 700 + 400 * random();
      const tC = -40 + 180 * random();
      const pressure = kPa(5000 * random());
      const result = calculateVcf({ commodity, density: { kind: "observed-density", densityKgM3 }, temperature: C(tC), pressure, base: "60F" });
      if (!result.ok) continue; // outside the group's range: covered by the limit tests
      expect(result.value.density60KgM3 * result.value.ctpl).toBeCloseTo(densityKgM3, 7);
    }
  });
});
