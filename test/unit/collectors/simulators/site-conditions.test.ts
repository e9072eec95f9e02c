import { describe, expect, it } from "vitest";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { createPrng, type Prng } from "../../../../collectors/simulators/prng";
import {
  createSiteModel,
  haltReason,
  isCalibrationValid,
  NORMAL_SITE_CONDITIONS,
  siteModelReadings,
  skipSiteModelTime,
  stepSiteModel,
  withCalibrationExpired,
  withEmergencyStop,
  withPowerFailure,
  withUpsOnBattery,
  type SiteEvent,
  type SiteModelState,
} from "../../../../collectors/simulators/site-model";

// Afternoon in Mexico City: peak traffic at the service station, trucks at the terminal.
const START_MS = Date.parse("2026-11-01T20:00:00Z");

function run(state: SiteModelState, rng: Prng, seconds: number, stepS = 1): { state: SiteModelState; events: SiteEvent[] } {
  const events: SiteEvent[] = [];
  for (let t = 0; t < seconds; t += stepS) {
    const result = stepSiteModel(state, stepS, rng);
    state = result.state;
    events.push(...result.events);
  }
  return { state, events };
}

/** Steps until at least one sale and one other operation are running. */
function busyPlant(seed: number): { state: SiteModelState; rng: Prng } {
  const rng = createPrng(seed);
  let state = createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng, config: { hoseMeanIdleS: 30, truckMeanGapS: 60 } });
  for (let t = 0; t < 7200; t++) {
    state = stepSiteModel(state, 1, rng).state;
    const kinds = new Set(state.operations.map((o) => o.operation));
    if (kinds.has("sale") && kinds.has("truck-loading")) return { state, rng };
  }
  throw new Error("the plant never got busy");
}

const netVolumes = (state: SiteModelState): number[] => state.tanks.map((t) => t.netVolumeMl);

describe("site conditions (A30-ALM-01 types 1, 8, 11)", () => {
  it("a new model runs normally: mains, UPS on mains, no emergency stop, every calibration valid", () => {
    const state = createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng: createPrng(1) });
    expect(state.conditions).toEqual(NORMAL_SITE_CONDITIONS);
    expect(haltReason(state.conditions)).toBeNull();
    expect(state.tanks.every((t) => isCalibrationValid(state, t.spec.installationKey, t.spec.tankKey))).toBe(true);
  });

  it("a power failure ends every running operation at once with what it moved, and none starts until power returns", () => {
    const { state: busy, rng } = busyPlant(4);
    const snapshot = JSON.stringify(busy);
    const running = busy.operations.map((o) => ({ id: o.id, movedNetMl: o.movedNetMl, movedGrossL: o.movedGrossL }));
    const failed = withPowerFailure(busy, true);
    expect(JSON.stringify(busy)).toBe(snapshot); // pure
    expect(failed.state.conditions.powerFailure).toBe(true);
    expect(failed.state.conditions.upsOnBattery).toBe(false); // the UPS is its own flag
    expect(failed.state.operations).toEqual([]);
    expect(failed.events.map((e) => (e.type === "operation-end" ? { id: e.id, movedNetMl: e.netVolumeMl, movedGrossL: e.grossVolumeL } : null))).toEqual(running);
    expect(failed.events.every((e) => e.type === "operation-end" && e.reason === "power-failure" && e.timeMs === busy.timeMs)).toBe(true);
    expect(netVolumes(failed.state)).toEqual(netVolumes(busy));

    // An hour without power at peak traffic: no operation, not one millilitre moves.
    const dark = run(failed.state, rng, 3600, 10);
    expect(dark.events).toEqual([]);
    expect(dark.state.operations).toEqual([]);
    expect(netVolumes(dark.state)).toEqual(netVolumes(busy));

    // Power back: sales and loadings start again.
    const restored = withPowerFailure(dark.state, false);
    expect(restored.events).toEqual([]);
    const after = run(restored.state, rng, 600);
    expect(after.events.some((e) => e.type === "operation-start" && e.operation === "sale")).toBe(true);
    expect(netVolumes(after.state)).not.toEqual(netVolumes(busy));
  });

  it("the mass balance stays exact across a power failure (interrupted operations count what they moved)", () => {
    const { state: busy, rng } = busyPlant(9);
    const initialMl = netVolumes(busy);
    const moved = busy.tanks.map(() => 0);
    for (const op of busy.operations) moved[op.tankIndex]! += op.direction === "in" ? -op.movedNetMl : op.movedNetMl;
    let state = busy;
    const events: SiteEvent[] = [];
    const collect = (result: { state: SiteModelState; events: SiteEvent[] }): void => {
      state = result.state;
      events.push(...result.events);
    };
    collect(run(state, rng, 120));
    collect(withPowerFailure(state, true));
    collect(run(state, rng, 300, 5));
    collect(withPowerFailure(state, false));
    collect(run(state, rng, 600));
    const index = (e: SiteEvent): number => state.tanks.findIndex((t) => t.spec.installationKey === e.installationKey && t.spec.tankKey === e.tankKey);
    for (const e of events) if (e.type === "operation-end") moved[index(e)]! += e.direction === "in" ? e.netVolumeMl : -e.netVolumeMl;
    for (const op of state.operations) moved[op.tankIndex]! += op.direction === "in" ? op.movedNetMl : -op.movedNetMl;
    expect(netVolumes(state)).toEqual(initialMl.map((ml, i) => ml + moved[i]!));
  });

  it("an emergency stop ends running operations (reason emergency-stop) and holds every tank while set; temperatures still follow the ambient", () => {
    const { state: busy, rng } = busyPlant(21);
    const stopped = withEmergencyStop(busy, true);
    expect(stopped.state.conditions.emergencyStop).toBe(true);
    expect(haltReason(stopped.state.conditions)).toBe("emergency-stop");
    expect(stopped.events.length).toBe(busy.operations.length);
    expect(stopped.events.every((e) => e.type === "operation-end" && e.reason === "emergency-stop")).toBe(true);
    const held = run(stopped.state, rng, 1800, 5);
    expect(held.events).toEqual([]);
    expect(netVolumes(held.state)).toEqual(netVolumes(busy));
    expect(held.state.timeMs).toBe(busy.timeMs + 1_800_000);
    // The model keeps stepping: the above-ground terminal tanks' temperatures move.
    const terminal = (s: SiteModelState) => s.tanks.filter((t) => !t.spec.buried).map((t) => t.temperatureC);
    expect(terminal(held.state)).not.toEqual(terminal(busy));

    const reset = withEmergencyStop(held.state, false);
    expect(reset.events).toEqual([]);
    expect(haltReason(reset.state.conditions)).toBeNull();
    const after = run(reset.state, rng, 600);
    expect(after.events.some((e) => e.type === "operation-start" && e.operation === "sale")).toBe(true);
  });

  it("a stepped state that still lists operations while halted ends them first", () => {
    const { state: busy, rng } = busyPlant(5);
    const inconsistent: SiteModelState = { ...busy, conditions: { ...busy.conditions, emergencyStop: true } };
    const result = stepSiteModel(inconsistent, 1, rng);
    expect(result.state.operations).toEqual([]);
    expect(result.events.filter((e) => e.type === "operation-end")).toHaveLength(busy.operations.length);
  });

  it("power failure and emergency stop overlap: the plant runs only when both are cleared", () => {
    const { state: busy } = busyPlant(6);
    const both = withEmergencyStop(withPowerFailure(busy, true).state, true);
    expect(both.events).toEqual([]); // nothing left to stop
    expect(haltReason(withPowerFailure(both.state, false).state.conditions)).toBe("emergency-stop");
    expect(haltReason(withEmergencyStop(both.state, false).state.conditions)).toBe("power-failure");
  });

  it("the UPS flag is a status only", () => {
    const state = createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng: createPrng(2) });
    const onBattery = withUpsOnBattery(state, true);
    expect(onBattery.conditions.upsOnBattery).toBe(true);
    expect(haltReason(onBattery.conditions)).toBeNull();
    expect(withUpsOnBattery(state, false)).toBe(state);
    expect(state.conditions.upsOnBattery).toBe(false);
  });

  it("calibration expiry is per tank, sorted, reversible and leaves the measurements alone", () => {
    const rngA = createPrng(3);
    const rngB = createPrng(3);
    const plain = createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng: rngA });
    let marked = createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng: rngB });
    marked = withCalibrationExpired(marked, "TDA-0001", "TQS-TDA-0004", true);
    marked = withCalibrationExpired(marked, "EDS-0001", "TQS-EDS-0002", true);
    expect(marked.conditions.calibrationExpired).toEqual(["EDS-0001/TQS-EDS-0002", "TDA-0001/TQS-TDA-0004"]);
    expect(withCalibrationExpired(marked, "EDS-0001", "TQS-EDS-0002", true)).toBe(marked);
    expect(isCalibrationValid(marked, "EDS-0001", "TQS-EDS-0002")).toBe(false);
    expect(isCalibrationValid(marked, "EDS-0001", "TQS-EDS-0001")).toBe(true);
    expect(siteModelReadings(run(marked, rngB, 300).state)).toEqual(siteModelReadings(run(plain, rngA, 300).state));
    const renewed = withCalibrationExpired(marked, "EDS-0001", "TQS-EDS-0002", false);
    expect(renewed.conditions.calibrationExpired).toEqual(["TDA-0001/TQS-TDA-0004"]);
    expect(() => withCalibrationExpired(marked, "EDS-0001", "TQS-TDA-0004", true)).toThrow(/tanque desconocido/);
  });

  it("skipSiteModelTime moves only the clock: no physics, no random draw, no sensor update", () => {
    const { state: busy, rng } = busyPlant(8);
    const rngState = rng.state;
    const skipped = skipSiteModelTime(busy, 90);
    expect(rng.state).toBe(rngState);
    expect(skipped.timeMs).toBe(busy.timeMs + 90_000);
    expect({ ...skipped, timeMs: busy.timeMs }).toEqual(busy);
    expect(skipSiteModelTime(busy, 0)).toBe(busy);
    expect(() => skipSiteModelTime(busy, -1)).toThrow(RangeError);
  });
});
