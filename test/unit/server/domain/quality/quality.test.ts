import { describe, expect, it } from "vitest";
import {
  checkCrudeRanges,
  checkDictamenDates,
  checkMolarFractions,
  checkQualitySource,
  classifyCrude,
  flowWeightedAverage,
  nonFossilContent,
  normaliseLpg,
  octaneIndex,
  parseDictamenFileName,
} from "../../../../../server/domain/quality/index";

describe("crude oil (A30-TYP-03, A32-04)", () => {
  it("one decimal: API 32.47 → 32.5, sulfur 1.04 → 1.0, «Ligero/Semi-amargo» (SP5)", () => {
    expect(classifyCrude(32.47, 1.04)).toEqual({ apiGravity: 32.5, sulfurPct: 1, apiClass: "Ligero", sulfurClass: "Semi-amargo", label: "Ligero/Semi-amargo", subProductKey: "SP5" });
  });

  it.each([
    [40.2, 0.3, "Súper-ligero/Dulce", "SP1"],
    [33.0, 1.0, "Ligero/Semi-amargo", "SP5"],
    [39.0, 0.5, "Ligero/Semi-amargo", "SP5"],
    [21.0, 3.4, "Pesado/Amargo", "SP12"],
    [8.5, 5.2, "Extra-pesado/Amargo", "SP15"],
    [22.3, 1.5, "Pesado/Amargo", "SP12"],
    [31.1, 0.4, "Mediano/Dulce", "SP7"],
    [10.0, 0.44, "Extra-pesado/Dulce", "SP13"],
    // classification uses the one-decimal values: 0.49 % is 0.5 % → Semi-amargo
    [10.04, 0.49, "Extra-pesado/Semi-amargo", "SP14"],
  ])("API %s, S %s → %s (%s) — boundaries go to the heavier / more sour class", (api, sulfur, label, sp) => {
    const result = classifyCrude(api, sulfur);
    expect(result.label).toBe(label);
    expect(result.subProductKey).toBe(sp);
  });

  it("A30-TYP-11: °API 320 → «fuera de rango (0–100)»; sulfur 12 % rejected", () => {
    expect(checkCrudeRanges(320, 1)).toEqual({ ok: false, error: "densidad API 320: fuera de rango (0–100)" });
    expect(checkCrudeRanges(30, 12).ok).toBe(false);
    expect(checkCrudeRanges(30, 1)).toEqual({ ok: true });
  });
});

describe("gasolines, diesel, jet fuel (A32-03/06/07, A30-TYP-06/07)", () => {
  it("A32-03: RON 92.0, MON 82.0 → 87.0; a stated 87.5 is warned", () => {
    expect(octaneIndex({ ron: 92, mon: 82 })).toEqual({ ok: true, value: 87, warnings: [] });
    const stated = octaneIndex({ ron: 92, mon: 82, statedIndex: 87.5 });
    expect(stated.ok && stated.warnings).toEqual(["el índice de octano declarado (87.5) difiere del calculado (RON + MON)/2 = 87"]);
    expect(octaneIndex({ ron: 92, mon: 82, statedIndex: 87.05 })).toMatchObject({ ok: true, warnings: [] });
    expect(octaneIndex({ statedIndex: 120 }).ok).toBe(false);
  });

  it("A30-TYP-06 / A32-06: 5.8 % with «Sí» accepted; «No» with 5.8 % rejected; «Sí» with 0 % rejected; «No» with 0 % accepted", () => {
    expect(nonFossilContent({ product: "gasolina", contains: "Sí", percent: 5.8 }).ok).toBe(true);
    expect(nonFossilContent({ product: "gasolina", contains: "No", percent: 5.8 })).toMatchObject({ ok: false });
    expect(nonFossilContent({ product: "diesel", contains: "Sí", percent: 0 })).toMatchObject({ ok: false });
    expect(nonFossilContent({ product: "diesel", contains: "No", percent: 0 }).ok).toBe(true);
  });

  it("A32-07: jet fuel with FAME 12 mg/kg and no bioturbosina % is accepted; FAME on diesel is not", () => {
    expect(nonFossilContent({ product: "turbosina", contains: "Sí", fameMgKg: 12 })).toMatchObject({ ok: true, value: { fameMgKg: 12, percent: null } });
    expect(nonFossilContent({ product: "diesel", contains: "Sí", fameMgKg: 12 }).ok).toBe(false);
  });
});

describe("LP gas (A32-08)", () => {
  it.each([
    [60, 30, 66.67, 33.33],
    [55.3, 42.1, 56.78, 43.22],
    [50, 50, 50, 50],
    [100, 0, 100, 0],
  ])("P %s %, B %s % → %s / %s", (p, b, propane, butane) => {
    expect(normaliseLpg(p, b)).toEqual({ ok: true, value: { propanePct: propane, butanePct: butane }, warnings: [] });
  });

  it("P 0, B 0 → rejected", () => {
    expect(normaliseLpg(0, 0)).toEqual({ ok: false, error: "propano + butano = 0: no se puede normalizar" });
  });
});

describe("natural gas (A30-TYP-04, A32-12)", () => {
  it("methane 0.9 + ethane 0.2 → «suma de fracciones molares > 1»; 0.91 + 0.05 + 0.02 accepted", () => {
    expect(checkMolarFractions({ metano: 0.9, etano: 0.2 })).toMatchObject({ ok: false, error: expect.stringContaining("suma de fracciones molares > 1") });
    expect(checkMolarFractions({ metano: 0.91, etano: 0.05, propano: 0.02 }).ok).toBe(true);
    expect(checkMolarFractions({ metano: 1.2 }).ok).toBe(false);
  });

  it("A32-12: calorific values 37.10 and 37.30 MJ/m³ with flows 1,000 and 3,000 m³ → 37.25", () => {
    expect(flowWeightedAverage([{ value: 37.1, flow: 1000 }, { value: 37.3, flow: 3000 }])).toMatchObject({ ok: true, value: 37.25 });
    expect(flowWeightedAverage([]).ok).toBe(false);
  });
});

describe("dictámenes (A32-01, A32-11, A30-TYP-01/02)", () => {
  it("A32-11: DI-GPA200101NL1_EVA9612104R6000252021.json → GPA200101NL1, EVA9612104R6, 00025, 2021; a 4-digit consecutive is rejected", () => {
    expect(parseDictamenFileName("DI-GPA200101NL1_EVA9612104R6000252021.json")).toEqual({
      ok: true,
      value: { rfcContribuyente: "GPA200101NL1", rfcProveedor: "EVA9612104R6", consecutivo: "00025", anio: "2021", extension: "json" },
    });
    expect(parseDictamenFileName("DI-GPA200101NL1_EVA9612104R600252021.json").ok).toBe(false);
    expect(parseDictamenFileName("DI-GPA200101NL1_CACX7605101P8000012026.pdf")).toMatchObject({ ok: true, value: { rfcProveedor: "CACX7605101P8", consecutivo: "00001" } });
    expect(parseDictamenFileName("../../DI-x.json").ok).toBe(false);
  });

  it("A32-01 decision: sampling ≤ test ≤ results ≤ issue, otherwise «fechas inconsistentes»", () => {
    expect(checkDictamenDates({ samplingDate: "2026-11-01", testDate: "2026-11-02", resultsDate: "2026-11-02", issueDate: "2026-11-03" })).toEqual({ ok: true });
    const bad = checkDictamenDates({ samplingDate: "2026-11-05", testDate: "2026-11-02", resultsDate: "2026-11-06", issueDate: "2026-11-07" });
    expect(bad).toMatchObject({ ok: false, error: expect.stringContaining("fechas inconsistentes") });
    expect(checkDictamenDates({ samplingDate: "2026-13-45", testDate: "2026-11-02", resultsDate: "2026-11-06", issueDate: "2026-11-07" }).ok).toBe(false);
  });

  it("A30-TYP-01/02: a dictamen needs the laboratory RFC; an online instrument does not", () => {
    expect(checkQualitySource({ kind: "dictamen", laboratoryRfc: "", folio: "F-1", issueDate: "2026-11-03" }).ok).toBe(false);
    expect(checkQualitySource({ kind: "dictamen", laboratoryRfc: "EVA9612104R6", folio: "F-1", issueDate: "2026-11-03" })).toEqual({ ok: true, label: "dictamen F-1" });
    expect(checkQualitySource({ kind: "instrumento", instrumentKey: "CROM-01" })).toEqual({ ok: true, label: "instrumento en línea CROM-01" });
    expect(checkQualitySource({ kind: "proporcionado", providerRfc: "GPA200101NL1" })).toEqual({ ok: true, label: "proporcionado por GPA200101NL1" });
  });
});
