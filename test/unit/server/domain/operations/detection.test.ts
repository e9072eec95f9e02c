import { describe, expect, it } from "vitest";
import {
  DEFAULT_RECEPTION_DETECTOR_CONFIG,
  initialReceptionDetectorState,
  meteredBetween,
  receivedVolumes,
  stepReceptionDetector,
  stepSaleDetector,
  totalizerAt,
  type ReceptionDetectorState,
  type TankSample,
  type TotalizerSample,
} from "../../../../../server/domain/operations/index";

const T0 = Date.UTC(2026, 10, 25, 15, 0, 0); // 09:00 America/Mexico_City
const min = (m: number) => T0 + m * 60_000;

/** Deterministic pseudo-noise in [-1, 1]. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

interface SeriesOptions {
  fromMin: number;
  toMin: number;
  stepS: number;
  startNetL: number;
  /** Net inflow (L/min) at minute m. */
  inflowLpm: (m: number) => number;
  /** Net outflow by sales (L/min) at minute m. */
  salesLpm?: (m: number) => number;
  noiseL?: number;
  temperatureC?: (m: number) => number;
}

function series(o: SeriesOptions): TankSample[] {
  const out: TankSample[] = [];
  let net = o.startNetL;
  let i = 0;
  for (let t = o.fromMin * 60; t <= o.toMin * 60; t += o.stepS, i++) {
    const m = t / 60;
    if (i > 0) net += ((o.inflowLpm(m) - (o.salesLpm?.(m) ?? 0)) * o.stepS) / 60;
    const temperatureC = o.temperatureC?.(m) ?? 20;
    const measured = net + (o.noiseL ?? 0) * noise(i);
    out.push({ time: T0 + t * 1000, netVolumeL: measured, grossVolumeL: measured * (1 + 0.00095 * (temperatureC - 20)), temperatureC });
  }
  return out;
}

/** Tanker discharging 20 000 L from 09:10 to 09:55 (≈ 444 L/min). */
const tanker = (m: number) => (m > 10 && m <= 55 ? 20_000 / 45 : 0);

function run(samples: TankSample[], chunk = 37, state: ReceptionDetectorState = initialReceptionDetectorState()) {
  const receptions = [];
  const rejected = [];
  // Fed in chunks and through JSON, as the job resumes from its stored checkpoint.
  for (let i = 0; i < samples.length; i += chunk) {
    const result = stepReceptionDetector(JSON.parse(JSON.stringify(state)), samples.slice(i, i + chunk));
    state = result.state;
    receptions.push(...result.receptions);
    rejected.push(...result.rejected);
  }
  return { receptions, rejected, state };
}

describe("reception detection (A30-REC-01)", () => {
  it("A30-REC-01: a clean discharge 09:10–09:55 yields exactly one reception ending at 09:55, not one per sample", () => {
    const samples = series({ fromMin: 0, toMin: 70, stepS: 10, startNetL: 12_000, inflowLpm: tanker });
    const { receptions, rejected } = run(samples);
    expect(rejected).toEqual([]);
    expect(receptions).toHaveLength(1);
    const r = receptions[0]!;
    expect(Math.abs(r.startTime - min(10))).toBeLessThanOrEqual(20_000);
    expect(Math.abs(r.endTime - min(55))).toBeLessThanOrEqual(20_000);
    expect(r.netRiseL).toBeGreaterThan(19_850);
    expect(r.netRiseL).toBeLessThan(20_050);
    expect(r.before.netVolumeL).toBeCloseTo(12_000, -1);
    expect(r.after.netVolumeL).toBeCloseTo(32_000, -2);
    expect(r.averageTemperatureC).toBeCloseTo(20, 3);
    expect(r.summary.sampleCount).toBeGreaterThan(200);
    expect(r.summary.points.length).toBeLessThanOrEqual(60);
    expect(r.confirmedAt).toBeGreaterThanOrEqual(r.endTime + DEFAULT_RECEPTION_DETECTOR_CONFIG.settleS * 1000);
  });

  it("A30-REC-01: a noisy discharge (±15 L gauge noise every 5 s) still yields one reception within 0.5 %", () => {
    const samples = series({ fromMin: 0, toMin: 75, stepS: 5, startNetL: 9_000, inflowLpm: tanker, noiseL: 15 });
    const { receptions } = run(samples);
    expect(receptions).toHaveLength(1);
    expect(Math.abs(receptions[0]!.netRiseL - 20_000)).toBeLessThan(100);
    expect(Math.abs(receptions[0]!.endTime - min(55))).toBeLessThanOrEqual(30_000);
  });

  it("A30-REC-01: with sales during the discharge, net received = Δstock + metered deliveries", () => {
    const sales = (m: number) => 60 + 40 * Math.sin(m / 3); // 20–100 L/min, never stops
    const samples = series({ fromMin: 0, toMin: 80, stepS: 10, startNetL: 8_000, inflowLpm: tanker, salesLpm: sales, noiseL: 8 });
    const { receptions } = run(samples);
    expect(receptions).toHaveLength(1);
    const r = receptions[0]!;
    // Metered sales between the detected start and end (what the dispensers' totalizers give).
    let metered = 0;
    for (let t = r.startTime; t < r.endTime; t += 1000) metered += sales((t - T0) / 60_000) / 60;
    expect(r.netRiseL).toBeLessThan(20_000 - 2_000); // the stock alone understates the reception
    const received = receivedVolumes(r, { netL: metered, grossL: metered });
    expect(Math.abs(received.netL - 20_000)).toBeLessThan(120);
  });

  it("A30-REC-01: gauge noise, steady sales and thermal expansion of the gross volume never make a reception", () => {
    const samples = series({
      fromMin: 0,
      toMin: 24 * 60,
      stepS: 30,
      startNetL: 25_000,
      inflowLpm: () => 0,
      salesLpm: (m) => (Math.floor(m / 7) % 3 === 0 ? 70 : 0) * (m < 600 ? 1 : 0.2),
      noiseL: 30,
      temperatureC: (m) => 18 + 7 * Math.sin((2 * Math.PI * m) / 1440),
    });
    const { receptions } = run(samples, 100);
    expect(receptions).toEqual([]);
  });

  it("A30-REC-01: a single-sample spike (sensor glitch) is rejected as transient, not recorded", () => {
    const samples = series({ fromMin: 0, toMin: 20, stepS: 10, startNetL: 15_000, inflowLpm: () => 0 });
    for (const s of samples) if (s.time >= min(5) && s.time < min(5) + 30_000) s.netVolumeL += 12_000;
    const { receptions, rejected } = run(samples);
    expect(receptions).toEqual([]);
    expect(rejected.map((r) => r.reason)).toEqual(["transient"]);
  });

  it("A30-REC-01: a small rise below the minimum is reported as rejected", () => {
    const small = (m: number) => (m > 5 && m <= 7 ? 150 : 0); // 300 L
    const { receptions, rejected } = run(series({ fromMin: 0, toMin: 20, stepS: 10, startNetL: 5_000, inflowLpm: small }));
    expect(receptions).toEqual([]);
    expect(rejected[0]!.reason).toBe("below-minimum");
  });

  it("A30-REC-01: two discharges on the same day are two receptions; the state survives a JSON round trip mid-discharge", () => {
    const two = (m: number) => (m > 10 && m <= 40 ? 500 : m > 100 && m <= 130 ? 400 : 0);
    const samples = series({ fromMin: 0, toMin: 150, stepS: 15, startNetL: 6_000, inflowLpm: two });
    const { receptions } = run(samples, 11);
    expect(receptions.map((r) => Math.round(r.netRiseL / 100) * 100)).toEqual([15_000, 12_000]);
  });
});

describe("sale detection from hose totalizers (A30-MS-20)", () => {
  function hose(points: Array<[sec: number, value: number]>): TotalizerSample[] {
    return points.map(([s, v]) => ({ time: T0 + s * 1000, valueL: v }));
  }

  it("A30-MS-20: an increase between rest periods is one sale with totalizer_after; sum of sales = closing − opening", () => {
    const samples: TotalizerSample[] = [];
    let v = 3_000_000.25;
    const sales = [
      [10, 40, 30],
      [70, 95, 20.5],
      [130, 200, 45.125],
    ];
    for (let s = 0; s <= 260; s++) {
      for (const [a, b, vol] of sales) if (s > a! && s <= b!) v += vol! / (b! - a!);
      samples.push({ time: T0 + s * 1000, valueL: v });
    }
    let state = null;
    const found = [];
    for (let i = 0; i < samples.length; i += 17) {
      const r = stepSaleDetector(state, samples.slice(i, i + 17));
      state = JSON.parse(JSON.stringify(r.state));
      found.push(...r.sales);
    }
    expect(found.map((s) => s.volumeL)).toEqual([30, 20.5, 45.125]);
    expect(found[0]!.startTime).toBe(T0 + 10_000);
    expect(found[0]!.endTime).toBe(T0 + 40_000);
    expect(found[2]!.totalizerAfterL).toBeCloseTo(3_000_000.25 + 95.625, 3);
    const total = found.reduce((a, s) => a + s.volumeL, 0);
    expect(total).toBeCloseTo(samples.at(-1)!.valueL - samples[0]!.valueL, 3);
  });

  it("A30-MS-20: a register rollover gives the positive volume across the wrap, flagged 'rollover'", () => {
    const r = stepSaleDetector(null, hose([[0, 999_990], [1, 999_990], [2, 999_995], [3, 2.5], [4, 10], [20, 10]]), {
      restS: 10,
      epsilonL: 0.0005,
      rolloverModuloL: 1_000_000,
    });
    expect(r.sales).toHaveLength(1);
    expect(r.sales[0]!.volumeL).toBe(20);
    expect(r.sales[0]!.flags).toEqual(["rollover"]);
    expect(r.sales[0]!.totalizerAfterL).toBe(10);
    expect(r.anomalies).toEqual([]);
  });

  it("A30-MS-20: a totalizer reset closes the sale in progress, is reported, and never yields a negative volume", () => {
    const r = stepSaleDetector(null, hose([[0, 500], [1, 505], [2, 512], [3, 0], [4, 0], [5, 8], [30, 8]]));
    expect(r.sales.map((s) => [s.volumeL, s.flags])).toEqual([
      [12, ["reset"]],
      [8, []],
    ]);
    expect(r.anomalies).toEqual([{ kind: "reset", time: T0 + 3000, fromL: 512, toL: 0 }]);
    expect(r.sales.every((s) => s.volumeL >= 0)).toBe(true);
  });

  it("metered volume between two instants interpolates the totalizer and ignores a series that went backwards", () => {
    const s = hose([[0, 100], [10, 110], [20, 130]]);
    expect(totalizerAt(s, T0 + 5000)).toBe(105);
    expect(meteredBetween(s, T0 + 5000, T0 + 15_000)).toBe(15);
    expect(meteredBetween(s, T0 - 5000, T0 + 15_000)).toBe(0);
    expect(meteredBetween(hose([[0, 100], [10, 5]]), T0, T0 + 10_000)).toBe(0);
  });
});
