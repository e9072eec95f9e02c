import { describe, expect, it } from "vitest";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { siteSchema, type Site, type SiteInstallation, type SiteTank } from "../../../../server/contracts/site";
import { createPrng, type Prng } from "../../../../collectors/simulators/prng";
import {
  createSiteModel,
  expansionCoefficientPerC,
  stepSiteModel,
  siteModelReadings,
  withSensorFault,
  REFERENCE_TEMPERATURE_C,
  type SiteEvent,
  type SiteModelConfig,
  type SiteModelState,
} from "../../../../collectors/simulators/site-model";

const START_MS = Date.parse("2026-11-01T06:00:00Z");

function tank(key: string, overrides: Partial<SiteTank> = {}): SiteTank {
  return {
    key,
    description: key,
    productKey: "PR07",
    subProductKey: "SP16",
    density15KgM3: 735,
    geometry: { kind: "horizontal-cylinder", diameterMm: 2900, lengthMm: 9100 },
    fondajeFraction: 0.05,
    operatingMaxFraction: 0.95,
    measurementSystemKey: `SME-${key}`,
    initialFillFraction: 0.6,
    calibrationValidUntil: "2027-06-30",
    ...overrides,
  };
}

function installation(key: string, overrides: Partial<SiteInstallation>): SiteInstallation {
  return {
    key,
    description: key,
    type: "service_station",
    permitModality: "PER2",
    permitNumber: "PL/1/EXP/ES/2026",
    latitude: 19.43,
    longitude: -99.13,
    timeZone: "America/Mexico_City",
    cutHour: "00:00",
    tanks: [],
    dispensers: [],
    ducts: [],
    ...overrides,
  };
}

function site(...installations: SiteInstallation[]): Site {
  return siteSchema.parse({ ...DEMO_SITE, installations });
}

function run(state: SiteModelState, rng: Prng, seconds: number, stepS = 1): { state: SiteModelState; events: SiteEvent[] } {
  const events: SiteEvent[] = [];
  for (let t = 0; t < seconds; t += stepS) {
    const result = stepSiteModel(state, stepS, rng);
    state = result.state;
    events.push(...result.events);
  }
  return { state, events };
}

function runUntil(state: SiteModelState, rng: Prng, predicate: (e: SiteEvent) => boolean, maxS: number): { state: SiteModelState; event: SiteEvent } {
  for (let t = 0; t < maxS; t++) {
    const result = stepSiteModel(state, 1, rng);
    state = result.state;
    const event = result.events.find(predicate);
    if (event) return { state, event };
  }
  throw new Error(`no event within ${maxS} s`);
}

const quietConfig: Partial<SiteModelConfig> = { hoseMeanIdleS: 1e12 };

describe("site model", () => {
  it("is deterministic for a seed", () => {
    const a = createPrng(7);
    const b = createPrng(7);
    const first = run(createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng: a }), a, 600, 10);
    const second = run(createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng: b }), b, 600, 10);
    expect(siteModelReadings(second.state)).toEqual(siteModelReadings(first.state));
    expect(second.events).toEqual(first.events);
    expect(siteModelReadings(first.state)).toHaveLength(36);
  });

  it("does not mutate the state it is given", () => {
    const rng = createPrng(3);
    const state = createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng });
    const snapshot = JSON.stringify(state);
    stepSiteModel(state, 120, rng);
    expect(JSON.stringify(state)).toBe(snapshot);
  });

  it("a sale draws its tank down by exactly the dispensed net volume", () => {
    const s = site(
      installation("EDS-0009", {
        tanks: [tank("TQS-EDS-0009")],
        dispensers: [{ key: "DISP-0001", measurementSystemKey: "SMD-DISP-0001", hoses: [{ key: "DISP-0001-MGA-0001", tankKey: "TQS-EDS-0009" }] }],
      }),
    );
    const rng = createPrng(11);
    let state = createSiteModel(s, { startTimeMs: Date.parse("2026-11-01T18:00:00Z"), rng, config: { hoseMeanIdleS: 60 } });
    const started = runUntil(state, rng, (e) => e.type === "operation-start" && e.operation === "sale", 3600);
    state = started.state;
    const before = state.tanks[0]!.netVolumeMl + state.operations[0]!.movedNetMl;
    const ended = runUntil(state, rng, (e) => e.type === "operation-end" && e.operation === "sale", 600);
    const end = ended.event;
    if (end.type !== "operation-end") throw new Error("unexpected event");
    expect(end.elementKey).toBe("DISP-0001-MGA-0001");
    expect(end.grossVolumeL).toBeGreaterThanOrEqual(10);
    expect(end.grossVolumeL).toBeLessThanOrEqual(60);
    // Flow 25–40 L/min.
    const minutes = (end.timeMs - end.startTimeMs) / 60_000;
    expect(end.grossVolumeL / minutes).toBeGreaterThan(24);
    expect(end.grossVolumeL / minutes).toBeLessThan(41);
    expect(before - ended.state.tanks[0]!.netVolumeMl).toBe(end.netVolumeMl);
    // Gasoline warmer than 15 °C: the meter's (gross) litres exceed the net litres.
    expect(end.grossVolumeL).toBeGreaterThan(end.netVolumeL);
    expect(ended.state.tanks[0]!.truth.levelMm).toBeLessThan(state.tanks[0]!.truth.levelMm);
  });

  it("a tank below 25 % gets a tanker delivery of 20 000 L over about 30 minutes", () => {
    const s = site(installation("EDS-0009", { tanks: [tank("TQS-EDS-0009", { initialFillFraction: 0.2 })] }));
    const rng = createPrng(5);
    const initial = createSiteModel(s, { startTimeMs: START_MS, rng });
    const ordered = runUntil(initial, rng, (e) => e.type === "delivery-ordered", 10);
    const started = runUntil(ordered.state, rng, (e) => e.type === "operation-start" && e.operation === "tanker-delivery", 3600);
    expect(started.event.timeMs - ordered.event.timeMs).toBeGreaterThanOrEqual(900_000);
    const ended = runUntil(started.state, rng, (e) => e.type === "operation-end" && e.operation === "tanker-delivery", 3600);
    const end = ended.event;
    if (end.type !== "operation-end") throw new Error("unexpected event");
    expect(end.direction).toBe("in");
    expect(end.reason).toBe("completed");
    expect(end.grossVolumeL).toBeCloseTo(20_000, 6);
    expect((end.timeMs - end.startTimeMs) / 1000).toBeCloseTo(1800, -1);
    expect(ended.state.tanks[0]!.netVolumeMl - initial.tanks[0]!.netVolumeMl).toBe(end.netVolumeMl);
    expect(ended.state.tanks[0]!.truth.levelMm - initial.tanks[0]!.truth.levelMm).toBeGreaterThan(500);
  });

  it("a delivery stops at the operating maximum", () => {
    const small = tank("TQS-EDS-0009", { geometry: { kind: "horizontal-cylinder", diameterMm: 2000, lengthMm: 6000 }, initialFillFraction: 0.2 });
    const s = site(installation("EDS-0009", { tanks: [small] }));
    const rng = createPrng(9);
    const initial = createSiteModel(s, { startTimeMs: START_MS, rng });
    const ended = runUntil(initial, rng, (e) => e.type === "operation-end", 4 * 3600);
    const end = ended.event;
    if (end.type !== "operation-end") throw new Error("unexpected event");
    expect(end.reason).toBe("tank-limit");
    expect(end.grossVolumeL).toBeLessThan(20_000);
    const t = ended.state.tanks[0]!;
    expect(t.truth.levelMm).toBeLessThanOrEqual(t.spec.operatingMaxLevelMm + 1);
    expect(t.truth.levelMm).toBeGreaterThan(t.spec.operatingMaxLevelMm - 5);
  });

  it("mass balance at 15 °C holds exactly over a simulated day of the demo site", () => {
    const rng = createPrng(20261101);
    let state = createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng });
    const initialMl = state.tanks.map((t) => t.netVolumeMl);
    const inMl = state.tanks.map(() => 0);
    const outMl = state.tanks.map(() => 0);
    const counts: Record<string, number> = {};
    const tankIndex = (installationKey: string, tankKey: string): number =>
      state.tanks.findIndex((t) => t.spec.installationKey === installationKey && t.spec.tankKey === tankKey);
    for (let minute = 0; minute < 24 * 60; minute++) {
      const result = stepSiteModel(state, 60, rng);
      state = result.state;
      for (const event of result.events) {
        if (event.type !== "operation-end") continue;
        counts[event.operation] = (counts[event.operation] ?? 0) + 1;
        const index = tankIndex(event.installationKey, event.tankKey);
        if (event.direction === "in") inMl[index]! += event.netVolumeMl;
        else outMl[index]! += event.netVolumeMl;
      }
      for (const t of state.tanks) {
        expect(t.truth.levelMm).toBeGreaterThanOrEqual(0);
        expect(t.truth.levelMm).toBeLessThanOrEqual(t.spec.heightMm);
        expect(t.measured.level_mm).toBeGreaterThanOrEqual(0);
        expect(t.measured.level_mm).toBeLessThanOrEqual(t.spec.heightMm);
        expect(t.truth.waterLevelMm).toBeLessThan(100);
      }
    }
    // Operations still running at the end have moved part of their volume already.
    for (const op of state.operations) {
      if (op.direction === "in") inMl[op.tankIndex]! += op.movedNetMl;
      else outMl[op.tankIndex]! += op.movedNetMl;
    }
    state.tanks.forEach((t, i) => {
      expect(t.netVolumeMl).toBe(initialMl[i]! + inMl[i]! - outMl[i]!);
      expect(Number.isInteger(t.netVolumeMl)).toBe(true);
    });
    expect(counts.sale ?? 0).toBeGreaterThan(500);
    expect(counts["tanker-delivery"] ?? 0).toBeGreaterThanOrEqual(1);
    expect(counts["truck-loading"] ?? 0).toBeGreaterThan(20);
    expect(counts["pipeline-receipt"] ?? 0).toBeGreaterThanOrEqual(1);
    expect(state.timeMs).toBe(START_MS + 86_400_000);
  });

  it("buried service-station tanks drift much less than above-ground terminal tanks", () => {
    const s = site(
      installation("EDS-0009", { tanks: [tank("TQS-EDS-0009")] }),
      installation("TDA-0009", {
        type: "storage_terminal",
        tanks: [tank("TQS-TDA-0009", { geometry: { kind: "vertical-cylinder", diameterMm: 18000, heightMm: 14000 }, initialFillFraction: 0.7 })],
      }),
    );
    const rng = createPrng(21);
    let state = createSiteModel(s, { startTimeMs: START_MS, rng, config: quietConfig });
    const range = [
      { min: Infinity, max: -Infinity },
      { min: Infinity, max: -Infinity },
    ];
    for (let minute = 0; minute < 2 * 24 * 60; minute += 10) {
      state = stepSiteModel(state, 600, rng).state;
      state.tanks.forEach((t, i) => {
        range[i]!.min = Math.min(range[i]!.min, t.truth.temperatureC);
        range[i]!.max = Math.max(range[i]!.max, t.truth.temperatureC);
      });
    }
    const buriedSwing = range[0]!.max - range[0]!.min;
    const terminalSwing = range[1]!.max - range[1]!.min;
    expect(buriedSwing).toBeLessThan(0.3);
    expect(terminalSwing).toBeGreaterThan(1);
    expect(terminalSwing).toBeLessThan(8);
    expect(terminalSwing).toBeGreaterThan(5 * buriedSwing);
  });

  it("gross volume and density follow the temperature; sensors stay within their noise", () => {
    const rng = createPrng(99);
    const { state } = run(createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng }), rng, 3600, 30);
    for (const t of state.tanks) {
      const factor = 1 + t.spec.alphaPerC * (t.truth.temperatureC - REFERENCE_TEMPERATURE_C);
      // API MPMS 11.1 α60 of the product's density (refined products: gasolines ≈ 0.00121–0.00124 /°C, diesel ≈ 0.00085 /°C).
      if (t.spec.productKey === "PR03") expect(t.spec.alphaPerC).toBeCloseTo(0.000854, 5);
      else expect(t.spec.alphaPerC).toBeGreaterThan(0.0012);
      expect(t.spec.alphaPerC).toBe(expansionCoefficientPerC(t.spec.productKey, t.spec.density15KgM3));
      expect(t.truth.grossVolumeL).toBeCloseTo(t.truth.netVolumeL * factor, 6);
      expect(t.truth.densityKgM3).toBeCloseTo(t.spec.density15KgM3 / factor, 9);
      // Warmer than 15 °C: lighter than at reference, and more litres than at reference.
      expect(t.truth.temperatureC).toBeGreaterThan(15);
      expect(t.truth.densityKgM3).toBeLessThan(t.spec.density15KgM3);
      expect(Math.abs(t.measured.level_mm - t.truth.levelMm)).toBeLessThanOrEqual(0.3);
      expect(Math.abs(t.measured.temperature_c - t.truth.temperatureC)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(t.measured.water_level_mm - t.truth.waterLevelMm)).toBeLessThanOrEqual(0.3);
      expect(Math.abs(t.measured.density_kg_m3 - t.truth.densityKgM3)).toBeLessThanOrEqual(0.05);
    }
    const gasoline = state.tanks.find((t) => t.spec.productKey === "PR07")!;
    const diesel = state.tanks.find((t) => t.spec.productKey === "PR03")!;
    expect(gasoline.truth.densityKgM3).toBeGreaterThan(725);
    expect(gasoline.truth.densityKgM3).toBeLessThan(745);
    expect(diesel.truth.densityKgM3).toBeGreaterThan(825);
    expect(diesel.truth.densityKgM3).toBeLessThan(835);
  });

  it("a frozen sensor repeats its value and an out-of-range fault reports the given value", () => {
    const rng = createPrng(4);
    let state = createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng });
    const levelTag = "EDS-0001/TQS-EDS-0001/level_mm";
    const tempTag = "TDA-0001/TQS-TDA-0001/temperature_c";
    state = withSensorFault(state, levelTag, { kind: "frozen" });
    state = withSensorFault(state, tempTag, { kind: "out-of-range", value: 999 });
    const frozenAt = state.tanks[0]!.measured.level_mm;
    state = run(state, rng, 300, 10).state;
    const byTag = new Map(siteModelReadings(state).map((r) => [r.tag, r.value]));
    expect(byTag.get(levelTag)).toBe(frozenAt);
    expect(byTag.get(tempTag)).toBe(999);
    state = withSensorFault(withSensorFault(state, levelTag, null), tempTag, null);
    state = stepSiteModel(state, 1, rng).state;
    expect(state.tanks[0]!.measured.level_mm).not.toBe(frozenAt);
    expect(Math.abs(state.tanks[3]!.measured.temperature_c - state.tanks[3]!.truth.temperatureC)).toBeLessThanOrEqual(0.05);
  });
});
