import { tagName, type Site } from "../../server/contracts/site";
import { isCalibrationValid, type SiteModelState } from "./site-model";

/**
 * Status points of the simulated site: booleans that are not measurements but inputs of the
 * alarms (A30-ALM-01), published by the OPC UA server (`statusPoints: true`) and the Modbus server
 * (`siteModbusRegisterMap(site).status`) in addition to their measurement points:
 *
 *   <installationKey>/<tankKey>/calibration_valid   true while the tank's calibration is valid (type 1, A30-MS-12)
 *   <installationKey>/UCC/ups_on_battery            the UCC's UPS runs on battery: mains lost (type 8)
 *   <installationKey>/UCC/emergency_stop            emergency-stop input (type 11)
 *
 * The UPS and the emergency stop are site-wide in the simulator: every installation's UCC shows
 * the same value.
 */

export const UCC_ELEMENT_KEY = "UCC";
export const CALIBRATION_VALID_VARIABLE = "calibration_valid";
export const UCC_VARIABLES = ["ups_on_battery", "emergency_stop"] as const;
export type UccVariable = (typeof UCC_VARIABLES)[number];

/** Where a status point's value comes from. */
export type StatusSource =
  | { kind: "calibration"; installationKey: string; tankKey: string }
  | { kind: "ucc"; installationKey: string; variable: UccVariable };

/** A status point: its tag and its source. */
export type StatusPoint = StatusSource & { tag: string };

/** The status points of a site: each tank's calibration_valid, then each installation's UCC points. */
export function siteStatusPoints(site: Site): StatusPoint[] {
  const points: StatusPoint[] = [];
  for (const installation of site.installations) {
    for (const tank of installation.tanks) {
      points.push({ tag: tagName(installation.key, tank.key, CALIBRATION_VALID_VARIABLE), kind: "calibration", installationKey: installation.key, tankKey: tank.key });
    }
  }
  for (const installation of site.installations) {
    for (const variable of UCC_VARIABLES) {
      points.push({ tag: tagName(installation.key, UCC_ELEMENT_KEY, variable), kind: "ucc", installationKey: installation.key, variable });
    }
  }
  return points;
}

/** What a status point shows in a model state. */
export function statusPointValue(point: StatusSource, state: SiteModelState): boolean {
  if (point.kind === "calibration") return isCalibrationValid(state, point.installationKey, point.tankKey);
  return point.variable === "ups_on_battery" ? state.conditions.upsOnBattery : state.conditions.emergencyStop;
}
