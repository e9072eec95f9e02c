import { describe, expect, it } from "vitest";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { createSiteModelRunner } from "../../../../collectors/simulators/model-runner";
import { demoModbusCollectorConfig, siteModbusRegisterMap } from "../../../../collectors/simulators/modbus-site-server";
import { createPrng } from "../../../../collectors/simulators/prng";
import { createSiteModel, withCalibrationExpired, withEmergencyStop, withUpsOnBattery, type SiteEvent } from "../../../../collectors/simulators/site-model";
import { siteStatusPoints, statusPointValue } from "../../../../collectors/simulators/status-points";

const START_MS = Date.parse("2026-11-01T20:00:00Z");

describe("status points of the simulated site", () => {
  it("one calibration_valid per tank, then ups_on_battery and emergency_stop per installation's UCC", () => {
    const points = siteStatusPoints(DEMO_SITE);
    expect(points.map((p) => p.tag)).toEqual([
      "EDS-0001/TQS-EDS-0001/calibration_valid",
      "EDS-0001/TQS-EDS-0002/calibration_valid",
      "EDS-0001/TQS-EDS-0003/calibration_valid",
      ...[1, 2, 3, 4, 5, 6].map((n) => `TDA-0001/TQS-TDA-000${n}/calibration_valid`),
      "EDS-0001/UCC/ups_on_battery",
      "EDS-0001/UCC/emergency_stop",
      "TDA-0001/UCC/ups_on_battery",
      "TDA-0001/UCC/emergency_stop",
    ]);
  });

  it("their values follow the model's conditions", () => {
    const points = siteStatusPoints(DEMO_SITE);
    const values = (state: Parameters<typeof statusPointValue>[1]) => Object.fromEntries(points.map((p) => [p.tag, statusPointValue(p, state)]));
    let state = createSiteModel(DEMO_SITE, { startTimeMs: START_MS, rng: createPrng(1) });
    const normal = values(state);
    expect(Object.entries(normal).filter(([, v]) => v).map(([tag]) => tag)).toHaveLength(9); // every calibration valid, no UCC flag
    state = withUpsOnBattery(state, true);
    state = withEmergencyStop(state, true).state;
    state = withCalibrationExpired(state, "TDA-0001", "TQS-TDA-0003", true);
    expect(values(state)).toEqual({
      ...normal,
      "TDA-0001/TQS-TDA-0003/calibration_valid": false,
      "EDS-0001/UCC/ups_on_battery": true,
      "TDA-0001/UCC/ups_on_battery": true,
      "EDS-0001/UCC/emergency_stop": true,
      "TDA-0001/UCC/emergency_stop": true,
    });
  });
});

describe("Modbus register map: status section", () => {
  it("adds the UCC units after every field device and a calibration bit per tank on its gauge; the field map is unchanged", () => {
    const map = siteModbusRegisterMap(DEMO_SITE);
    expect(map.devices.map((d) => `${d.unitId}:${d.key}`)).toEqual([
      "1:EDS-0001/ATG",
      "2:EDS-0001/SMD-DISP-0001",
      "3:EDS-0001/SMD-DISP-0002",
      "4:EDS-0001/SMD-DISP-0003",
      "5:EDS-0001/SMD-DISP-0004",
      "6:TDA-0001/ATG",
      "7:TDA-0001/SMD-DUC-TRA-0001",
      "8:TDA-0001/SMD-DUC-CAR-0001",
    ]);
    expect(map.points.every((p) => p.source.kind === "tank" || p.source.kind === "meter")).toBe(true);
    expect(map.status.devices.map((d) => `${d.unitId}:${d.key}:${d.kind}`)).toEqual(["9:EDS-0001/UCC:ucc", "10:TDA-0001/UCC:ucc"]);
    expect(map.status.points.map((p) => `${p.unitId}:${p.table}:${p.address}:${p.type}:${p.tag}`)).toEqual([
      "1:discrete:0:bool:EDS-0001/TQS-EDS-0001/calibration_valid",
      "1:discrete:1:bool:EDS-0001/TQS-EDS-0002/calibration_valid",
      "1:discrete:2:bool:EDS-0001/TQS-EDS-0003/calibration_valid",
      ...[0, 1, 2, 3, 4, 5].map((t) => `6:discrete:${t}:bool:TDA-0001/TQS-TDA-000${t + 1}/calibration_valid`),
      "9:discrete:0:bool:EDS-0001/UCC/ups_on_battery",
      "9:discrete:1:bool:EDS-0001/UCC/emergency_stop",
      "10:discrete:0:bool:TDA-0001/UCC/ups_on_battery",
      "10:discrete:1:bool:TDA-0001/UCC/emergency_stop",
    ]);
  });

  it("collector configs read the status points only when asked", () => {
    const plain = demoModbusCollectorConfig(DEMO_SITE, 5020);
    expect(plain.devices.map((d) => d.unitId)).toEqual([2, 3, 4, 5, 7, 8]);
    const tagsOf = (config: typeof plain) => config.devices.flatMap((d) => d.pollGroups.flatMap((g) => g.items.map((i) => i.tag)));
    expect(tagsOf(plain).some((tag) => tag.includes("UCC") || tag.endsWith("calibration_valid"))).toBe(false);

    const status = demoModbusCollectorConfig(DEMO_SITE, 5020, { status: true });
    expect(status.devices.map((d) => d.unitId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Without `tanks` a gauge is read for its calibration bits only.
    const gauge = status.devices.find((d) => d.unitId === 1)!;
    expect(gauge.pollGroups.flatMap((g) => g.items.map((i) => `${i.table}:${i.address}`))).toEqual(["discrete:0", "discrete:1", "discrete:2"]);
    const ucc = status.devices.find((d) => d.unitId === 9)!;
    expect(ucc.key).toBe("EDS-0001/UCC");
    expect(ucc.pollGroups.flatMap((g) => g.items.map((i) => i.tag))).toEqual(["EDS-0001/UCC/ups_on_battery", "EDS-0001/UCC/emergency_stop"]);

    const all = demoModbusCollectorConfig(DEMO_SITE, 5020, { status: true, tanks: true });
    expect(tagsOf(all)).toHaveLength(siteModbusRegisterMap(DEMO_SITE).points.length + siteModbusRegisterMap(DEMO_SITE).status.points.length);
  });
});

describe("site model runner (the simulators' clock around the pure model)", () => {
  it("a suspended model stands still and resumes with its clock moved over the gap", () => {
    let wall = START_MS;
    const runner = createSiteModelRunner({ site: DEMO_SITE, now: () => wall, seed: 4, modelConfig: { hoseMeanIdleS: 30 } });
    const { handle } = runner;
    const events: SiteEvent[] = [];
    handle.onEvents((batch) => events.push(...batch));
    handle.advance(600); // simulated time only: the model runs 600 s ahead of the wall clock
    expect(handle.state.operations.length).toBeGreaterThan(0);

    // Mains lost at +10 s wall: the runner catches up first, then the pumps stop.
    wall += 10_000;
    const before = events.length;
    handle.setPowerFailure(true);
    expect(handle.state.timeMs).toBe(START_MS + 610_000);
    expect(handle.state.operations).toEqual([]);
    expect(events.slice(before).every((e) => e.type !== "operation-end" || e.timeMs === START_MS + 610_000)).toBe(true);
    expect(events.slice(before).some((e) => e.type === "operation-end" && e.reason === "power-failure")).toBe(true);
    handle.setUpsOnBattery(true);
    expect(handle.state.conditions).toMatchObject({ powerFailure: true, upsOnBattery: true });

    handle.suspend();
    expect(handle.suspended).toBe(true);
    const frozen = handle.state;
    wall += 90_000;
    handle.setEmergencyStop(false); // a condition change while dark does not step the model
    expect(handle.state.timeMs).toBe(frozen.timeMs);
    expect(handle.state.tanks.map((t) => t.netVolumeMl)).toEqual(frozen.tanks.map((t) => t.netVolumeMl));

    handle.resume();
    expect(handle.suspended).toBe(false);
    expect(handle.state.timeMs).toBe(frozen.timeMs + 90_000);
    expect(handle.state.tanks).toEqual(frozen.tanks);
    handle.setPowerFailure(false);
    handle.setUpsOnBattery(false);
    expect(handle.state.conditions).toMatchObject({ powerFailure: false, upsOnBattery: false });
    runner.stop();
  });

  it("runs at `speed` simulated seconds per wall second, and validates its inputs", () => {
    let wall = START_MS;
    const runner = createSiteModelRunner({ site: DEMO_SITE, now: () => wall, speed: 60 });
    runner.handle.suspend();
    wall += 2_000;
    runner.handle.resume();
    expect(runner.handle.state.timeMs).toBe(START_MS + 120_000);
    expect(() => runner.handle.setCalibrationExpired("EDS-0001", "NOPE", true)).toThrow(/tanque desconocido/);
    expect(() => runner.handle.setFault("EDS-0001/NOPE/level_mm", { kind: "frozen" })).toThrow(/etiqueta desconocida/);
    expect(() => createSiteModelRunner({ site: DEMO_SITE, tickMs: 0 })).toThrow(RangeError);
    runner.stop();
  });
});
