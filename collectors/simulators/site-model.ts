import { TANK_VARIABLES, tagName, type Site, type SiteInstallation, type SiteTank, type TankVariable } from "../../server/contracts/site";
import {
  geometryHeightMm,
  levelAtVolumeMm,
  tankCapacityL,
  volumeAtLevelL,
  type TankGeometry,
} from "../../server/domain/measurement/tank-geometry";
import { defaultCommodity } from "../../server/domain/measurement/tank-volume";
import { resolveCommodity } from "../../server/domain/measurement/vcf/commodity";
import { alpha60PerF, ctlFromAlpha, ipts68TemperatureF, shiftedBaseDensity } from "../../server/domain/measurement/vcf/ctl";
import { exponential, uniform, type Prng } from "./prng";

/**
 * Physical model of the demo site: tanks, hoses and ducts, with traffic, tanker deliveries,
 * truck loadings and pipeline receipts. Pure: no clock and no randomness of its own; the
 * simulated time lives in the state and the random numbers come from the seeded `Prng` passed to
 * each call, so a seed and a sequence of `dtS` replay exactly.
 *
 * Physics, per tank (all volumes in litres):
 *   net     V15  = the conserved quantity, kept as an integer number of millilitres so the mass
 *                  balance (initial + receptions − deliveries = final) holds exactly
 *   gross   Vobs = V15 · (1 + α·(T − 15))        linear thermal expansion, α per product
 *   density ρobs = ρ15 / (1 + α·(T − 15))        the same mass in the expanded volume
 *   level        = geometry⁻¹(Vobs + Vwater)     the free-water bottom lies under the product
 *   T            → relaxes toward the ground temperature (buried service-station tanks, days) or
 *                  the diurnal ambient (above-ground terminal tanks, about a day); a reception
 *                  mixes in product at its own temperature (volume-weighted at 15 °C).
 * This is deliberately simpler than API MPMS 11.1 (constant α): it only has to look physical and
 * be self-consistent. The measurement pipeline must not assume the simulator uses its VCF.
 *
 * Operations are emitted as start/end events (ground truth for the operation detection of later
 * issues). In Anexo 30 terms a tanker delivery and a pipeline receipt are *recepciones* (direction
 * "in"); a hose sale and a truck loading are *entregas* (direction "out").
 *
 * Site conditions (`state.conditions`, set with the pure `with…` functions, never by a clock):
 *   powerFailure   mains power lost (A30-ALM-01 type 8): pumps, dispensers and valves are off, so
 *                  the operations in progress end at once (reason "power-failure") and none starts
 *                  until power returns. The simulators do not even step the model while they are
 *                  dark (`skipSiteModelTime` moves its clock over the outage): the plant keeps its
 *                  physical state — levels, volumes, temperatures — across a power failure.
 *   upsOnBattery   the UCC's UPS runs on its battery (it notices a mains loss first).
 *   emergencyStop  emergency-stop input (A30-ALM-01 type 11): like a power failure for the plant
 *                  (operations end with reason "emergency-stop", none starts while active) but the
 *                  model keeps stepping (temperatures follow the ambient).
 *   calibrationExpired  tanks (`<installationKey>/<tankKey>`) whose calibration is no longer valid
 *                  (A30-ALM-01 type 1, A30-MS-12); the gauge reports it, the physics ignore it.
 *   leaksLph       injected fault `leak`: tanks (`<installationKey>/<tankKey>`) losing product at
 *                  that many litres per hour (gross, at the tank's temperature) with no operation
 *                  recorded — no sale, no totalizer moves, no event: the inventory falls short of
 *                  the operations, the inconsistency A30-INC-01 must detect. It goes on through a
 *                  power failure or an emergency stop (a hole does not stop with the pumps), but
 *                  not while the model stands still (`skipSiteModelTime`).
 */

export const REFERENCE_TEMPERATURE_C = 15;

export interface SiteModelConfig {
  /** A tanker is ordered when a service-station tank's product volume falls below this fraction of capacity. */
  deliveryThresholdFraction: number;
  /** Tanker compartment volume, gross litres at the product's temperature. */
  deliveryVolumeL: number;
  /** Time to discharge a full tanker. */
  deliveryDurationS: number;
  /** Time between the order and the tanker's arrival, [min, max). */
  deliveryLeadTimeS: readonly [number, number];
  /** Mean idle time of a hose between two sales at peak traffic. */
  hoseMeanIdleS: number;
  saleVolumeL: readonly [number, number];
  saleFlowLpm: readonly [number, number];
  truckLoadingVolumeL: readonly [number, number];
  truckLoadingFlowLpm: readonly [number, number];
  /** Mean gap between two truck loadings on one outlet duct. */
  truckMeanGapS: number;
  /** A terminal tank is refilled through the inlet duct when it falls below this fraction of capacity… */
  pipelineThresholdFraction: number;
  /** …up to this fraction (never above the operating maximum). */
  pipelineTargetFraction: number;
  pipelineFlowLpm: number;
  ambientMeanC: number;
  ambientAmplitudeC: number;
  groundTemperatureC: number;
  /** Share of the ambient swing that reaches a buried tank's target temperature. */
  buriedAmbientCoupling: number;
  buriedTimeConstantH: number;
  aboveGroundTimeConstantH: number;
  /** Half-width of the uniform sensor noise. */
  noise: { levelMm: number; temperatureC: number; waterLevelMm: number; densityKgM3: number };
  /** Longest internal integration step; `step` splits longer intervals. */
  maxSubstepS: number;
}

export const DEFAULT_SITE_MODEL_CONFIG: SiteModelConfig = {
  deliveryThresholdFraction: 0.25,
  deliveryVolumeL: 20_000,
  deliveryDurationS: 1_800,
  deliveryLeadTimeS: [900, 2_700],
  hoseMeanIdleS: 180,
  saleVolumeL: [10, 60],
  saleFlowLpm: [25, 40],
  truckLoadingVolumeL: [15_000, 31_000],
  truckLoadingFlowLpm: [1_200, 2_000],
  truckMeanGapS: 480,
  pipelineThresholdFraction: 0.35,
  pipelineTargetFraction: 0.85,
  pipelineFlowLpm: 8_000,
  ambientMeanC: 18,
  ambientAmplitudeC: 7,
  groundTemperatureC: 20,
  buriedAmbientCoupling: 0.05,
  buriedTimeConstantH: 96,
  aboveGroundTimeConstantH: 20,
  noise: { levelMm: 0.3, temperatureC: 0.05, waterLevelMm: 0.3, densityKgM3: 0.05 },
  maxSubstepS: 1,
};

/**
 * Cubical thermal expansion coefficient (1/°C) of the product: the API MPMS 11.1-2004 α60 of its
 * commodity group and base density (§11.1.6.1 steps 2–3, server/domain/measurement/vcf/ctl.ts),
 * i.e. the same coefficient the measurement pipeline corrects with — so the simulated plant's net
 * stock does not drift against the measured one as the temperature swings (A30-INV-04). The
 * density at 15 °C is taken to 60 °F (a fixed point of ρ60 = ρ15 / CTL(59 °F), two steps suffice).
 * Products API 11.1 does not cover (LPG, natural gas) keep a generic light-liquid coefficient.
 */
export function expansionCoefficientPerC(productKey: string, density15KgM3: number): number {
  const selection = defaultCommodity(productKey);
  if (!selection.ok || selection.value.kind === "lpg") return density15KgM3 < 770 ? 0.00095 : 0.00083;
  const commodity = selection.value;
  const alphaAt = (rho60: number): number => alpha60PerF(shiftedBaseDensity(rho60, resolveCommodity(commodity, rho60)), resolveCommodity(commodity, rho60));
  let rho60 = density15KgM3;
  for (let i = 0; i < 3; i += 1) rho60 = density15KgM3 / ctlFromAlpha(alphaAt(rho60), ipts68TemperatureF(59));
  return alphaAt(rho60) * 1.8;
}

export interface TankSpec {
  installationKey: string;
  tankKey: string;
  productKey: string;
  density15KgM3: number;
  alphaPerC: number;
  geometry: TankGeometry;
  heightMm: number;
  capacityL: number;
  /** Total liquid volume (product + water) at the fondaje and operating-maximum levels. */
  fondajeVolumeL: number;
  operatingMaxVolumeL: number;
  operatingMaxLevelMm: number;
  /** Underground service-station tank (small temperature swing) or above-ground terminal tank. */
  buried: boolean;
  longitudeDeg: number;
}

/** Noise-free values at the state's time. */
export interface TankTruth {
  netVolumeL: number;
  grossVolumeL: number;
  waterVolumeL: number;
  levelMm: number;
  temperatureC: number;
  waterLevelMm: number;
  densityKgM3: number;
}

export type TankMeasurements = Record<TankVariable, number>;

export interface TankState {
  readonly spec: TankSpec;
  /** Net product volume at 15 °C in integer millilitres (exact bookkeeping). */
  netVolumeMl: number;
  temperatureC: number;
  waterLevelMm: number;
  /** Arrival time of an ordered tanker, or null. */
  deliveryDueAtMs: number | null;
  truth: TankTruth;
  /** What the gauge reports: truth + noise, or a fault's value. */
  measured: TankMeasurements;
  /** Fault `leak`: net millilitres lost so far, unrounded (the integer stock follows its rounding without drift). */
  leakedMl?: number;
}

export interface HoseSpec {
  installationKey: string;
  dispenserKey: string;
  hoseKey: string;
  tankIndex: number;
}

export interface DuctSpec {
  installationKey: string;
  ductKey: string;
  direction: "inlet" | "outlet";
}

export interface InstallationState {
  readonly key: string;
  readonly longitudeDeg: number;
  /** Receptions come by tanker when the installation has no inlet duct. */
  readonly receivesByTanker: boolean;
  readonly tankIndexes: readonly number[];
  readonly inletDuctKey: string | null;
  readonly outletDuctKey: string | null;
  /** Next truck arrival at the outlet duct's loading bay, or null when one is loading / not yet drawn. */
  nextTruckAtMs: number | null;
}

export type OperationKind = "sale" | "tanker-delivery" | "truck-loading" | "pipeline-receipt";

export interface ActiveOperation {
  id: string;
  operation: OperationKind;
  direction: "in" | "out";
  installationKey: string;
  tankIndex: number;
  tankKey: string;
  /** Hose key, duct key, or "tanker". */
  elementKey: string;
  startTimeMs: number;
  /** Gross flow at the meter, L/min. */
  flowLpm: number;
  targetGrossL: number;
  movedGrossL: number;
  movedNetMl: number;
  /** Temperature of the incoming product (direction "in"). */
  productTemperatureC: number | null;
}

export type SensorFault =
  /** The gauge keeps reporting its last value. */
  | { kind: "frozen" }
  /** The gauge reports an impossible value (e.g. beyond the shell height). */
  | { kind: "out-of-range"; value: number };

/** Site-level conditions (faults as data); see the module comment. */
export interface SiteConditions {
  readonly powerFailure: boolean;
  readonly upsOnBattery: boolean;
  readonly emergencyStop: boolean;
  /** `<installationKey>/<tankKey>` of the tanks whose calibration expired, sorted. */
  readonly calibrationExpired: readonly string[];
  /** Fault `leak`: `<installationKey>/<tankKey>` → litres per hour lost without any operation. Absent = none. */
  readonly leaksLph?: Readonly<Record<string, number>>;
}

export const NORMAL_SITE_CONDITIONS: SiteConditions = {
  powerFailure: false,
  upsOnBattery: false,
  emergencyStop: false,
  calibrationExpired: [],
};

export interface SiteModelState {
  /** Simulated time, epoch milliseconds. */
  timeMs: number;
  readonly config: SiteModelConfig;
  installations: InstallationState[];
  tanks: TankState[];
  readonly hoses: readonly HoseSpec[];
  operations: ActiveOperation[];
  nextOperationSeq: number;
  /** Sensor faults by tag name. */
  faults: Readonly<Record<string, SensorFault>>;
  /** Power, UPS, emergency stop and calibration validity. */
  conditions: SiteConditions;
}

interface OperationEventBase {
  id: string;
  operation: OperationKind;
  direction: "in" | "out";
  timeMs: number;
  installationKey: string;
  tankKey: string;
  elementKey: string;
}

export type SiteEvent =
  | (OperationEventBase & { type: "operation-start"; flowLpm: number; targetGrossL: number })
  | (OperationEventBase & {
      type: "operation-end";
      startTimeMs: number;
      /** Net volume at 15 °C moved by the whole operation, exact (integer mL). */
      netVolumeMl: number;
      netVolumeL: number;
      grossVolumeL: number;
      /**
       * "tank-limit": stopped at the fondaje (out) or the operating maximum (in);
       * "power-failure" / "emergency-stop": the plant stopped while it was running.
       */
      reason: OperationEndReason;
    })
  | { type: "delivery-ordered"; timeMs: number; installationKey: string; tankKey: string; dueTimeMs: number };

export type OperationEndReason = "completed" | "tank-limit" | "power-failure" | "emergency-stop";

export interface StepResult {
  state: SiteModelState;
  events: SiteEvent[];
}

export interface CreateSiteModelOptions {
  startTimeMs: number;
  /** Draws the initial temperatures and water bottoms. */
  rng: Prng;
  config?: Partial<SiteModelConfig>;
}

export function createSiteModel(site: Site, options: CreateSiteModelOptions): SiteModelState {
  const config: SiteModelConfig = { ...DEFAULT_SITE_MODEL_CONFIG, ...options.config };
  const { rng } = options;
  const tanks: TankState[] = [];
  const hoses: HoseSpec[] = [];
  const installations: InstallationState[] = [];
  for (const installation of site.installations) {
    const tankIndexes: number[] = [];
    const buried = installation.type === "service_station";
    for (const tank of installation.tanks) {
      tankIndexes.push(tanks.length);
      tanks.push(initialTank(installation, tank, buried, config, rng));
    }
    for (const dispenser of installation.dispensers) {
      for (const hose of dispenser.hoses) {
        const tankIndex = tanks.findIndex((t) => t.spec.installationKey === installation.key && t.spec.tankKey === hose.tankKey);
        if (tankIndex < 0) throw new Error(`La manguera ${hose.key} apunta a un tanque inexistente: ${installation.key}/${hose.tankKey}`);
        hoses.push({ installationKey: installation.key, dispenserKey: dispenser.key, hoseKey: hose.key, tankIndex });
      }
    }
    const inlet = installation.ducts.find((d) => d.direction === "inlet");
    const outlet = installation.ducts.find((d) => d.direction === "outlet");
    installations.push({
      key: installation.key,
      longitudeDeg: installation.longitude,
      receivesByTanker: !inlet,
      tankIndexes,
      inletDuctKey: inlet?.key ?? null,
      outletDuctKey: outlet?.key ?? null,
      nextTruckAtMs: null,
    });
  }
  const state: SiteModelState = {
    timeMs: options.startTimeMs,
    config,
    installations,
    tanks,
    hoses,
    operations: [],
    nextOperationSeq: 1,
    faults: {},
    conditions: NORMAL_SITE_CONDITIONS,
  };
  updateSensors(state, null, rng);
  return state;
}

function initialTank(installation: SiteInstallation, tank: SiteTank, buried: boolean, config: SiteModelConfig, rng: Prng): TankState {
  const geometry = tank.geometry;
  const heightMm = geometryHeightMm(geometry);
  const alphaPerC = expansionCoefficientPerC(tank.productKey, tank.density15KgM3);
  const operatingMaxLevelMm = heightMm * tank.operatingMaxFraction;
  const spec: TankSpec = {
    installationKey: installation.key,
    tankKey: tank.key,
    productKey: tank.productKey,
    density15KgM3: tank.density15KgM3,
    alphaPerC,
    geometry,
    heightMm,
    capacityL: tankCapacityL(geometry),
    fondajeVolumeL: volumeAtLevelL(geometry, heightMm * tank.fondajeFraction),
    operatingMaxVolumeL: volumeAtLevelL(geometry, operatingMaxLevelMm),
    operatingMaxLevelMm,
    buried,
    longitudeDeg: installation.longitude,
  };
  const temperatureC = buried ? config.groundTemperatureC + uniform(rng, -0.5, 0.5) : config.ambientMeanC + uniform(rng, -1, 1);
  const waterLevelMm = buried ? uniform(rng, 5, 20) : uniform(rng, 20, 60);
  // initialFillFraction is read like the other fractions of the site document: of the shell height.
  const totalL = volumeAtLevelL(geometry, heightMm * tank.initialFillFraction);
  const grossL = Math.max(0, totalL - volumeAtLevelL(geometry, waterLevelMm));
  const netVolumeMl = Math.round((grossL * 1000) / expansionFactor(alphaPerC, temperatureC));
  return {
    spec,
    netVolumeMl,
    temperatureC,
    waterLevelMm,
    deliveryDueAtMs: null,
    truth: emptyTruth(),
    measured: { level_mm: 0, temperature_c: 0, water_level_mm: 0, density_kg_m3: 0 },
  };
}

/** Advances the model by `dtS` simulated seconds (split into steps of at most `config.maxSubstepS`). */
export function stepSiteModel(state: SiteModelState, dtS: number, rng: Prng): StepResult {
  if (!Number.isFinite(dtS) || dtS < 0) throw new RangeError(`dtS debe ser un número ≥ 0: ${dtS}`);
  const next: SiteModelState = {
    ...state,
    installations: state.installations.map((i) => ({ ...i })),
    tanks: state.tanks.map((t) => ({ ...t })),
    operations: state.operations.map((o) => ({ ...o })),
  };
  const events: SiteEvent[] = [];
  // A state built while the plant was stopped may still list operations: they end first.
  const halt = haltReason(next.conditions);
  if (halt) haltOperations(next, halt, events);
  let remainingS = dtS;
  while (remainingS > 1e-9) {
    const substepS = Math.min(remainingS, next.config.maxSubstepS);
    substep(next, substepS, rng, events);
    remainingS -= substepS;
  }
  updateSensors(next, state, rng);
  return { state: next, events };
}

/**
 * Mains power lost (`failed` true) or back. Losing it ends every operation in progress at the
 * state's time (reason "power-failure": what was moved until then stays moved); while it is lost
 * `stepSiteModel` starts none. Does not touch the UPS flag (`withUpsOnBattery`).
 */
export function withPowerFailure(state: SiteModelState, failed: boolean): StepResult {
  return withHalt(state, { ...state.conditions, powerFailure: failed });
}

/** The UCC's UPS on battery (true) or on mains (false). Only a status; the plant ignores it. */
export function withUpsOnBattery(state: SiteModelState, onBattery: boolean): SiteModelState {
  if (state.conditions.upsOnBattery === onBattery) return state;
  return { ...state, conditions: { ...state.conditions, upsOnBattery: onBattery } };
}

/**
 * Emergency-stop input set (true) or reset (false). Setting it ends every operation in progress
 * (reason "emergency-stop"); while it is set `stepSiteModel` starts none.
 */
export function withEmergencyStop(state: SiteModelState, active: boolean): StepResult {
  return withHalt(state, { ...state.conditions, emergencyStop: active });
}

/** Marks a tank's calibration expired (true) or valid again (false). Throws on an unknown tank. */
export function withCalibrationExpired(state: SiteModelState, installationKey: string, tankKey: string, expired: boolean): SiteModelState {
  if (!state.tanks.some((t) => t.spec.installationKey === installationKey && t.spec.tankKey === tankKey)) {
    throw new Error(`tanque desconocido: ${installationKey}/${tankKey}`);
  }
  const key = `${installationKey}/${tankKey}`;
  const current = state.conditions.calibrationExpired;
  if (current.includes(key) === expired) return state;
  const calibrationExpired = expired ? [...current, key].sort() : current.filter((k) => k !== key);
  return { ...state, conditions: { ...state.conditions, calibrationExpired } };
}

/**
 * Injects (litres per hour > 0) or clears (0 or null) a leak on one tank: product leaves the tank
 * with no operation, sale or totalizer movement (A30-INC-01 test fault). Throws on an unknown tank
 * or a bad rate.
 */
export function withLeak(state: SiteModelState, installationKey: string, tankKey: string, litresPerHour: number | null): SiteModelState {
  if (!state.tanks.some((t) => t.spec.installationKey === installationKey && t.spec.tankKey === tankKey)) {
    throw new Error(`tanque desconocido: ${installationKey}/${tankKey}`);
  }
  const rate = litresPerHour ?? 0;
  if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`la fuga debe ser un número de litros por hora ≥ 0: ${litresPerHour}`);
  const key = `${installationKey}/${tankKey}`;
  const leaks = { ...(state.conditions.leaksLph ?? {}) };
  if (rate > 0) leaks[key] = rate;
  else delete leaks[key];
  return { ...state, conditions: { ...state.conditions, leaksLph: leaks } };
}

/** Whether the tank's calibration is valid (not marked expired). */
export function isCalibrationValid(state: SiteModelState, installationKey: string, tankKey: string): boolean {
  return !state.conditions.calibrationExpired.includes(`${installationKey}/${tankKey}`);
}

/** Why the plant is stopped (no operation runs), or null when it runs. */
export function haltReason(conditions: SiteConditions): "power-failure" | "emergency-stop" | null {
  if (conditions.powerFailure) return "power-failure";
  if (conditions.emergencyStop) return "emergency-stop";
  return null;
}

/**
 * Moves the model's clock `dtS` simulated seconds ahead without any physics, random draw or sensor
 * update: the interval a powered-off plant (and its dark gauges) spends standing still. Orders and
 * truck arrivals that fell due in the gap happen at the next `stepSiteModel` after power returns.
 */
export function skipSiteModelTime(state: SiteModelState, dtS: number): SiteModelState {
  if (!Number.isFinite(dtS) || dtS < 0) throw new RangeError(`dtS debe ser un número ≥ 0: ${dtS}`);
  if (dtS === 0) return state;
  return { ...state, timeMs: state.timeMs + dtS * 1000 };
}

function withHalt(state: SiteModelState, conditions: SiteConditions): StepResult {
  const next: SiteModelState = { ...state, conditions };
  const events: SiteEvent[] = [];
  const reason = haltReason(conditions);
  if (reason && next.operations.length > 0) {
    next.operations = next.operations.map((o) => ({ ...o }));
    next.installations = next.installations.map((i) => ({ ...i }));
    haltOperations(next, reason, events);
  }
  return { state: next, events };
}

/** Ends every operation in progress now (mutates `s`, whose operations/installations are copies). */
function haltOperations(s: SiteModelState, reason: "power-failure" | "emergency-stop", events: SiteEvent[]): void {
  if (s.operations.length === 0) return;
  for (const op of s.operations) events.push(operationEndEvent(s, op, reason));
  const trucksDone = s.operations.filter((op) => op.operation === "truck-loading");
  s.operations = [];
  // The bay waits for the next truck as after a completed loading (drawn at the next step).
  for (const op of trucksDone) {
    const installation = s.installations.find((i) => i.key === op.installationKey);
    if (installation) installation.nextTruckAtMs = null;
  }
}

function operationEndEvent(s: SiteModelState, op: ActiveOperation, reason: OperationEndReason): SiteEvent {
  return {
    type: "operation-end",
    id: op.id,
    operation: op.operation,
    direction: op.direction,
    timeMs: s.timeMs,
    startTimeMs: op.startTimeMs,
    installationKey: op.installationKey,
    tankKey: op.tankKey,
    elementKey: op.elementKey,
    netVolumeMl: op.movedNetMl,
    netVolumeL: op.movedNetMl / 1000,
    grossVolumeL: op.movedGrossL,
    reason,
  };
}

/** Sets (or with `null` clears) a sensor fault on one tag. */
export function withSensorFault(state: SiteModelState, tag: string, fault: SensorFault | null): SiteModelState {
  const faults = { ...state.faults };
  if (fault) faults[tag] = fault;
  else delete faults[tag];
  return { ...state, faults };
}

/** The tag of a tank variable (`EDS-0001/TQS-EDS-0001/level_mm`). */
export function tankTag(tank: TankState, variable: TankVariable): string {
  return tagName(tank.spec.installationKey, tank.spec.tankKey, variable);
}

/** Diurnal ambient temperature at local solar time (minimum about 03:00, maximum about 15:00). */
export function ambientTemperatureC(config: SiteModelConfig, longitudeDeg: number, timeMs: number): number {
  const hour = solarHour(longitudeDeg, timeMs);
  return config.ambientMeanC + config.ambientAmplitudeC * Math.sin((2 * Math.PI * (hour - 9)) / 24);
}

/** Share of peak traffic at a service station: low at night, highest early afternoon. */
export function trafficFactor(hour: number): number {
  return 0.15 + 0.85 * Math.max(0, Math.sin((Math.PI * (hour - 6)) / 17));
}

function solarHour(longitudeDeg: number, timeMs: number): number {
  const hours = timeMs / 3_600_000 + longitudeDeg / 15;
  return ((hours % 24) + 24) % 24;
}

function expansionFactor(alphaPerC: number, temperatureC: number): number {
  return 1 + alphaPerC * (temperatureC - REFERENCE_TEMPERATURE_C);
}

function grossVolumeL(tank: TankState): number {
  return (tank.netVolumeMl / 1000) * expansionFactor(tank.spec.alphaPerC, tank.temperatureC);
}

function waterVolumeL(tank: TankState): number {
  return volumeAtLevelL(tank.spec.geometry, tank.waterLevelMm);
}

function productFraction(tank: TankState): number {
  return grossVolumeL(tank) / tank.spec.capacityL;
}

function substep(s: SiteModelState, dtS: number, rng: Prng, events: SiteEvent[]): void {
  const { config } = s;
  s.timeMs += dtS * 1000;

  // Temperature: first-order relaxation toward the ground / ambient.
  for (const tank of s.tanks) {
    const ambientC = ambientTemperatureC(config, tank.spec.longitudeDeg, s.timeMs);
    const targetC = tank.spec.buried
      ? config.groundTemperatureC + config.buriedAmbientCoupling * (ambientC - config.ambientMeanC)
      : ambientC;
    const tauS = (tank.spec.buried ? config.buriedTimeConstantH : config.aboveGroundTimeConstantH) * 3600;
    tank.temperatureC += (targetC - tank.temperatureC) * (1 - Math.exp(-dtS / tauS));
  }

  // Fault `leak`: product lost with no operation (A30-INC-01), whatever the plant is doing.
  const leaks = s.conditions.leaksLph;
  if (leaks) {
    for (const tank of s.tanks) {
      const rate = leaks[`${tank.spec.installationKey}/${tank.spec.tankKey}`];
      if (!rate) continue;
      const grossL = (rate / 3600) * dtS;
      const before = tank.leakedMl ?? 0;
      const after = before + (grossL / expansionFactor(tank.spec.alphaPerC, tank.temperatureC)) * 1000;
      tank.leakedMl = after;
      tank.netVolumeMl = Math.max(0, tank.netVolumeMl - (Math.round(after) - Math.round(before)));
    }
  }

  // Power failure / emergency stop: no operation starts (and none is running: they were ended).
  if (haltReason(s.conditions)) return;
  startSales(s, dtS, rng, events);
  for (const installation of s.installations) {
    if (installation.outletDuctKey) startTruckLoading(s, installation, installation.outletDuctKey, rng, events);
    if (installation.inletDuctKey) startPipelineReceipt(s, installation, installation.inletDuctKey, rng, events);
    if (installation.receivesByTanker) handleTankerDeliveries(s, installation, rng, events);
  }
  applyFlows(s, dtS, rng, events);
}

function isBusy(s: SiteModelState, elementKey: string, installationKey: string): boolean {
  return s.operations.some((op) => op.elementKey === elementKey && op.installationKey === installationKey);
}

function startOperation(
  s: SiteModelState,
  fields: Omit<ActiveOperation, "id" | "startTimeMs" | "movedGrossL" | "movedNetMl" | "tankKey">,
  events: SiteEvent[],
): void {
  const tank = s.tanks[fields.tankIndex];
  if (!tank) throw new Error(`tanque ${fields.tankIndex} inexistente`);
  const op: ActiveOperation = {
    ...fields,
    id: `${fields.operation}-${s.nextOperationSeq}`,
    tankKey: tank.spec.tankKey,
    startTimeMs: s.timeMs,
    movedGrossL: 0,
    movedNetMl: 0,
  };
  s.nextOperationSeq += 1;
  s.operations.push(op);
  events.push({
    type: "operation-start",
    id: op.id,
    operation: op.operation,
    direction: op.direction,
    timeMs: s.timeMs,
    installationKey: op.installationKey,
    tankKey: op.tankKey,
    elementKey: op.elementKey,
    flowLpm: op.flowLpm,
    targetGrossL: op.targetGrossL,
  });
}

function startSales(s: SiteModelState, dtS: number, rng: Prng, events: SiteEvent[]): void {
  const { config } = s;
  for (const hose of s.hoses) {
    if (isBusy(s, hose.hoseKey, hose.installationKey)) continue;
    const tank = s.tanks[hose.tankIndex];
    if (!tank) continue;
    const rate = trafficFactor(solarHour(tank.spec.longitudeDeg, s.timeMs)) / config.hoseMeanIdleS;
    if (rng.next() >= 1 - Math.exp(-rate * dtS)) continue;
    const targetGrossL = uniform(rng, config.saleVolumeL[0], config.saleVolumeL[1]);
    const flowLpm = uniform(rng, config.saleFlowLpm[0], config.saleFlowLpm[1]);
    // The submersible pump cannot draw below the fondaje: no sale starts on an empty tank.
    if (grossVolumeL(tank) + waterVolumeL(tank) - tank.spec.fondajeVolumeL < 1) continue;
    startOperation(
      s,
      {
        operation: "sale",
        direction: "out",
        installationKey: hose.installationKey,
        tankIndex: hose.tankIndex,
        elementKey: hose.hoseKey,
        flowLpm,
        targetGrossL,
        productTemperatureC: null,
      },
      events,
    );
  }
}

function startTruckLoading(s: SiteModelState, installation: InstallationState, ductKey: string, rng: Prng, events: SiteEvent[]): void {
  const { config } = s;
  if (isBusy(s, ductKey, installation.key)) return;
  if (installation.nextTruckAtMs === null) {
    installation.nextTruckAtMs = s.timeMs + exponential(rng, config.truckMeanGapS) * 1000;
    return;
  }
  if (s.timeMs < installation.nextTruckAtMs) return;
  const volumeL = uniform(rng, config.truckLoadingVolumeL[0], config.truckLoadingVolumeL[1]);
  const flowLpm = uniform(rng, config.truckLoadingFlowLpm[0], config.truckLoadingFlowLpm[1]);
  // Load from a tank that is not receiving and holds the whole load above its fondaje.
  const candidates = installation.tankIndexes.filter((index) => {
    const tank = s.tanks[index];
    if (!tank || s.operations.some((op) => op.tankIndex === index)) return false;
    return grossVolumeL(tank) + waterVolumeL(tank) - tank.spec.fondajeVolumeL > volumeL;
  });
  const tankIndex = candidates[Math.floor(rng.next() * candidates.length)];
  installation.nextTruckAtMs = null;
  if (tankIndex === undefined) return;
  startOperation(
    s,
    {
      operation: "truck-loading",
      direction: "out",
      installationKey: installation.key,
      tankIndex,
      elementKey: ductKey,
      flowLpm,
      targetGrossL: volumeL,
      productTemperatureC: null,
    },
    events,
  );
}

function startPipelineReceipt(s: SiteModelState, installation: InstallationState, ductKey: string, rng: Prng, events: SiteEvent[]): void {
  const { config } = s;
  if (isBusy(s, ductKey, installation.key)) return;
  let chosen: number | null = null;
  for (const index of installation.tankIndexes) {
    const tank = s.tanks[index];
    if (!tank || s.operations.some((op) => op.tankIndex === index)) continue;
    if (productFraction(tank) >= config.pipelineThresholdFraction) continue;
    const best = chosen === null ? null : s.tanks[chosen];
    if (!best || productFraction(tank) < productFraction(best)) chosen = index;
  }
  if (chosen === null) return;
  const tank = s.tanks[chosen];
  if (!tank) return;
  const targetTotalL = Math.min(config.pipelineTargetFraction * tank.spec.capacityL, tank.spec.operatingMaxVolumeL);
  const targetGrossL = targetTotalL - grossVolumeL(tank) - waterVolumeL(tank);
  if (targetGrossL <= 0) return;
  startOperation(
    s,
    {
      operation: "pipeline-receipt",
      direction: "in",
      installationKey: installation.key,
      tankIndex: chosen,
      elementKey: ductKey,
      flowLpm: config.pipelineFlowLpm,
      targetGrossL,
      productTemperatureC: uniform(rng, 21, 23),
    },
    events,
  );
}

function handleTankerDeliveries(s: SiteModelState, installation: InstallationState, rng: Prng, events: SiteEvent[]): void {
  const { config } = s;
  for (const index of installation.tankIndexes) {
    const tank = s.tanks[index];
    if (!tank) continue;
    const delivering = s.operations.some((op) => op.tankIndex === index && op.operation === "tanker-delivery");
    if (tank.deliveryDueAtMs === null) {
      if (delivering || productFraction(tank) >= config.deliveryThresholdFraction) continue;
      tank.deliveryDueAtMs = s.timeMs + uniform(rng, config.deliveryLeadTimeS[0], config.deliveryLeadTimeS[1]) * 1000;
      events.push({
        type: "delivery-ordered",
        timeMs: s.timeMs,
        installationKey: installation.key,
        tankKey: tank.spec.tankKey,
        dueTimeMs: tank.deliveryDueAtMs,
      });
      continue;
    }
    if (s.timeMs < tank.deliveryDueAtMs) continue;
    tank.deliveryDueAtMs = null;
    const ambientC = ambientTemperatureC(config, installation.longitudeDeg, s.timeMs);
    startOperation(
      s,
      {
        operation: "tanker-delivery",
        direction: "in",
        installationKey: installation.key,
        tankIndex: index,
        elementKey: "tanker",
        flowLpm: config.deliveryVolumeL / (config.deliveryDurationS / 60),
        targetGrossL: config.deliveryVolumeL,
        productTemperatureC: ambientC + uniform(rng, 0, 3),
      },
      events,
    );
  }
}

function applyFlows(s: SiteModelState, dtS: number, rng: Prng, events: SiteEvent[]): void {
  const finished: ActiveOperation[] = [];
  for (const op of s.operations) {
    const tank = s.tanks[op.tankIndex];
    if (!tank) continue;
    const remainingGrossL = op.targetGrossL - op.movedGrossL;
    const wantedGrossL = Math.min((op.flowLpm / 60) * dtS, remainingGrossL);
    let movedGrossL: number;
    let netMl: number;
    let limited = false;
    if (op.direction === "out") {
      const availableGrossL = Math.max(0, grossVolumeL(tank) + waterVolumeL(tank) - tank.spec.fondajeVolumeL);
      movedGrossL = Math.min(wantedGrossL, availableGrossL);
      limited = movedGrossL < wantedGrossL;
      netMl = Math.min(tank.netVolumeMl, Math.round((movedGrossL * 1000) / expansionFactor(tank.spec.alphaPerC, tank.temperatureC)));
      tank.netVolumeMl -= netMl;
    } else {
      const productC = op.productTemperatureC ?? tank.temperatureC;
      // Room below the operating maximum, in net litres of the incoming product.
      const roomGrossL = Math.max(0, tank.spec.operatingMaxVolumeL - grossVolumeL(tank) - waterVolumeL(tank));
      const roomNetMl = Math.floor((roomGrossL * 1000) / expansionFactor(tank.spec.alphaPerC, tank.temperatureC));
      const wantedNetMl = Math.round((wantedGrossL * 1000) / expansionFactor(tank.spec.alphaPerC, productC));
      netMl = Math.min(wantedNetMl, roomNetMl);
      limited = netMl < wantedNetMl;
      movedGrossL = wantedNetMl > 0 ? (wantedGrossL * netMl) / wantedNetMl : 0;
      const totalMl = tank.netVolumeMl + netMl;
      if (totalMl > 0) tank.temperatureC = (tank.netVolumeMl * tank.temperatureC + netMl * productC) / totalMl;
      tank.netVolumeMl = totalMl;
    }
    op.movedGrossL += movedGrossL;
    op.movedNetMl += netMl;
    const completed = op.movedGrossL >= op.targetGrossL - 1e-9;
    if (completed || limited) {
      finished.push(op);
      events.push(operationEndEvent(s, op, completed ? "completed" : "tank-limit"));
    }
  }
  if (finished.length === 0) return;
  s.operations = s.operations.filter((op) => !finished.includes(op));
  for (const op of finished) {
    if (op.operation !== "truck-loading") continue;
    const installation = s.installations.find((i) => i.key === op.installationKey);
    if (installation) installation.nextTruckAtMs = s.timeMs + exponential(rng, s.config.truckMeanGapS) * 1000;
  }
}

function updateSensors(s: SiteModelState, previous: SiteModelState | null, rng: Prng): void {
  const { noise } = s.config;
  s.tanks.forEach((tank, index) => {
    const waterL = waterVolumeL(tank);
    const grossL = grossVolumeL(tank);
    const truth: TankTruth = {
      netVolumeL: tank.netVolumeMl / 1000,
      grossVolumeL: grossL,
      waterVolumeL: waterL,
      levelMm: levelAtVolumeMm(tank.spec.geometry, grossL + waterL),
      temperatureC: tank.temperatureC,
      waterLevelMm: tank.waterLevelMm,
      densityKgM3: tank.spec.density15KgM3 / expansionFactor(tank.spec.alphaPerC, tank.temperatureC),
    };
    // Always four draws per tank, faults or not, so a fault does not shift the random sequence.
    const measured: TankMeasurements = {
      level_mm: clamp(truth.levelMm + symmetric(rng, noise.levelMm), 0, tank.spec.heightMm),
      temperature_c: truth.temperatureC + symmetric(rng, noise.temperatureC),
      water_level_mm: clamp(truth.waterLevelMm + symmetric(rng, noise.waterLevelMm), 0, tank.spec.heightMm),
      density_kg_m3: truth.densityKgM3 + symmetric(rng, noise.densityKgM3),
    };
    const before = previous?.tanks[index]?.measured;
    for (const variable of TANK_VARIABLES) {
      const fault = s.faults[tankTag(tank, variable)];
      if (!fault) continue;
      if (fault.kind === "out-of-range") measured[variable] = fault.value;
      else if (before) measured[variable] = before[variable];
    }
    tank.truth = truth;
    tank.measured = measured;
  });
}

function symmetric(rng: Prng, halfWidth: number): number {
  return (rng.next() * 2 - 1) * halfWidth;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

function emptyTruth(): TankTruth {
  return { netVolumeL: 0, grossVolumeL: 0, waterVolumeL: 0, levelMm: 0, temperatureC: 0, waterLevelMm: 0, densityKgM3: 0 };
}

/** Every tank reading of the model: `{ tag, value }` with the gauge's (noisy / faulty) values. */
export function siteModelReadings(state: SiteModelState): Array<{ tag: string; value: number }> {
  const readings: Array<{ tag: string; value: number }> = [];
  for (const tank of state.tanks) {
    for (const variable of TANK_VARIABLES) {
      readings.push({ tag: tankTag(tank, variable), value: tank.measured[variable] });
    }
  }
  return readings;
}
