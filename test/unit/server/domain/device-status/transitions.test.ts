import { describe, expect, it } from "vitest";
import { QUALITY_BAD, QUALITY_GOOD } from "../../../../../server/contracts/measurement";
import {
  classifyStatusTag,
  INITIAL_DEVICE_STATUS,
  isAbnormal,
  nextDeviceStatus,
  occurrenceTime,
  type DeviceStatusDecision,
  type DeviceStatusVariable,
} from "../../../../../server/domain/device-status/index";

const at = (hhmm: string) => new Date(`2026-11-25T${hhmm}:00-06:00`);

/** Runs readings through the transition logic; returns the decisions that are not "none". */
function run(variable: DeviceStatusVariable, readings: Array<[time: string, value: number, quality?: 0 | 2]>): DeviceStatusDecision[] {
  let state = INITIAL_DEVICE_STATUS;
  const out: DeviceStatusDecision[] = [];
  for (const [time, value, quality] of readings) {
    const next = nextDeviceStatus(state, variable, { time: at(time), value, quality: quality ?? QUALITY_GOOD });
    state = next.state;
    if (next.decision.kind !== "none") out.push(next.decision);
  }
  return out;
}

describe("status points (A30-ALM-01 types 1/8/11)", () => {
  it("classifies the UCC's UPS and emergency stop and a tank's calibration flag; measurements are not status points", () => {
    expect(classifyStatusTag("EDS-0001/UCC/emergency_stop")).toMatchObject({ alarmType: 11, component: "UCC", installationKey: "EDS-0001", resumption: true, sourceKey: "device:11:EDS-0001/UCC/emergency_stop" });
    expect(classifyStatusTag("TDA-0001/UCC/ups_on_battery")).toMatchObject({ alarmType: 8, component: "UCC", resumption: true });
    expect(classifyStatusTag("EDS-0001/TQS-EDS-0002/calibration_valid")).toMatchObject({ alarmType: 1, component: "TQS-EDS-0002", resumption: false });
    expect(classifyStatusTag("EDS-0001/TQS-EDS-0002/level_mm")).toBeNull();
    expect(classifyStatusTag("EDS-0001/emergency_stop")).toBeNull();
    expect(classifyStatusTag("EDS-0001/UCC/toString")).toBeNull();
  });

  it("the stop and the UPS are abnormal when set; calibration_valid when clear", () => {
    expect([isAbnormal("emergency_stop", 1), isAbnormal("emergency_stop", 0)]).toEqual([true, false]);
    expect([isAbnormal("ups_on_battery", 1), isAbnormal("ups_on_battery", 0)]).toEqual([true, false]);
    expect([isAbnormal("calibration_valid", 0), isAbnormal("calibration_valid", 1)]).toEqual([true, false]);
  });

  it("A30-ALM-05: set at 10:00, reset at 10:30 → start at 10:00, end at 10:30, 1800 s, with the source times", () => {
    expect(run("emergency_stop", [["09:55", 0], ["10:00", 1], ["10:10", 1], ["10:30", 0]])).toEqual([
      { kind: "observed-normal", at: at("09:55") },
      { kind: "fault-start", start: at("10:00") },
      { kind: "fault-end", start: at("10:00"), end: at("10:30"), durationS: 1800 },
    ]);
  });

  it("repeated values, older or equal times and BAD readings (link down) decide nothing", () => {
    expect(run("ups_on_battery", [["10:00", 1], ["10:00", 0], ["09:59", 0], ["10:05", 0, QUALITY_BAD], ["10:06", 1], ["10:07", 1]])).toEqual([
      { kind: "fault-start", start: at("10:00") },
    ]);
  });

  it("a first reading that is already abnormal (collector started during the stop) starts the fault at its source time", () => {
    expect(run("calibration_valid", [["08:00", 0], ["09:00", 1]])).toEqual([
      { kind: "fault-start", start: at("08:00") },
      { kind: "fault-end", start: at("08:00"), end: at("09:00"), durationS: 3600 },
    ]);
  });

  it("dates an alarm with the source time unless the device clock is more than 5 min ahead", () => {
    expect(occurrenceTime(at("10:04"), at("10:00"))).toEqual(at("10:04"));
    expect(occurrenceTime(at("10:06"), at("10:00"))).toEqual(at("10:00"));
    expect(occurrenceTime(at("09:00"), at("10:00"))).toEqual(at("09:00"));
  });
});
