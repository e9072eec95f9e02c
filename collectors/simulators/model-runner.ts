import { TANK_VARIABLES, tagName, type Site } from "../../server/contracts/site";
import type { Logger } from "../../server/platform/logger";
import { createPrng, type Prng } from "./prng";
import {
  createSiteModel,
  skipSiteModelTime,
  stepSiteModel,
  withCalibrationExpired,
  withEmergencyStop,
  withLeak,
  withPowerFailure,
  withSensorFault,
  withUpsOnBattery,
  type SensorFault,
  type SiteEvent,
  type SiteModelConfig,
  type SiteModelState,
  type StepResult,
} from "./site-model";

/**
 * The wall-clock loop around the pure site model, shared by the simulators that own a model (the
 * OPC UA site server; a Veeder-Root console running alone): steps it every `tickMs` by the wall
 * time elapsed × `speed`, keeps the last events, and applies faults and site conditions as pure
 * state changes. The clock lives here, never in the model.
 *
 * Suspension (power failure): `suspend()` brings the model up to now and stops stepping it;
 * `resume()` moves its clock over the time it was suspended with `skipSiteModelTime` (no physics,
 * no random draws) and steps on from there, so the plant is exactly as it was when the power went
 * and the simulated time still follows the wall clock.
 */

export interface SiteModelHandle {
  /** Current model state (noise-free `truth` and published `measured` values per tank). */
  readonly state: SiteModelState;
  /** Events of the last hours (ring buffer), oldest first. */
  readonly events: readonly SiteEvent[];
  onEvents(listener: (events: SiteEvent[]) => void): () => void;
  /** Steps the model now by `dtS` simulated seconds and publishes the values (tests; the timer keeps running). */
  advance(dtS: number): void;
  /** Sets or clears (null) a sensor fault on one tag; takes effect at the next tick. */
  setFault(tag: string, fault: SensorFault | null): void;
  /** Mains power lost / back (A30-ALM-01 type 8): operations in progress end, none starts while lost. */
  setPowerFailure(failed: boolean): void;
  /** The UCC's UPS on battery / on mains (status only). */
  setUpsOnBattery(onBattery: boolean): void;
  /** Emergency-stop input (A30-ALM-01 type 11): operations in progress end, none starts while set. */
  setEmergencyStop(active: boolean): void;
  /** Marks a tank's calibration expired / valid (A30-ALM-01 type 1, A30-MS-12). */
  setCalibrationExpired(installationKey: string, tankKey: string, expired: boolean): void;
  /** Fault `leak` (A30-INC-01): the tank loses `litresPerHour` with no operation recorded; 0/null clears it. */
  setLeak(installationKey: string, tankKey: string, litresPerHour: number | null): void;
  /** Stops stepping the model (a powered-off plant stands still); see `resume`. */
  suspend(): void;
  /** Steps on, after moving the model's clock over the suspended time without physics. */
  resume(): void;
  readonly suspended: boolean;
}

export interface SiteModelRunnerOptions {
  site: Site;
  /** Wall-clock period between model steps. Default 1000 ms. */
  tickMs?: number;
  /** Simulated seconds per wall-clock second. Default 1. */
  speed?: number;
  /** Seed of the model's random numbers. Default 1. */
  seed?: number;
  modelConfig?: Partial<SiteModelConfig>;
  /**
   * Start from this state instead of a fresh model (the demo history's final state, so the live
   * plant continues with the same volumes); pass the history's `rng.state` as `seed` to continue
   * its random sequence. Its clock catches up to the wall clock at the first tick.
   */
  initialState?: SiteModelState;
  /** Wall clock (epoch ms). Default Date.now. */
  now?: () => number;
  logger?: Logger;
  /** Called after every change of the state (step, fault, condition), e.g. to publish the values. */
  onChange?: () => void;
}

export interface SiteModelRunner {
  handle: SiteModelHandle;
  /** Starts the stepping timer (idempotent). */
  start(): void;
  /** Stops the timer and forgets the event listeners. */
  stop(): void;
}

const EVENT_BUFFER_SIZE = 10_000;

export function createSiteModelRunner(options: SiteModelRunnerOptions): SiteModelRunner {
  const tickMs = options.tickMs ?? 1000;
  const speed = options.speed ?? 1;
  const now = options.now ?? Date.now;
  if (!(tickMs > 0)) throw new RangeError(`tickMs debe ser > 0: ${tickMs}`);
  if (!(speed > 0)) throw new RangeError(`speed debe ser > 0: ${speed}`);
  const rng: Prng = createPrng(options.seed ?? 1);
  let lastWallMs = now();
  let state: SiteModelState = options.initialState ?? createSiteModel(options.site, { startTimeMs: lastWallMs, rng, config: options.modelConfig });
  if (options.initialState) lastWallMs = Math.min(lastWallMs, options.initialState.timeMs);
  const events: SiteEvent[] = [];
  const listeners = new Set<(events: SiteEvent[]) => void>();
  const knownTags = new Set(options.site.installations.flatMap((i) => i.tanks.flatMap((t) => TANK_VARIABLES.map((v) => tagName(i.key, t.key, v)))));
  let timer: NodeJS.Timeout | null = null;
  let suspended = false;

  const changed = (): void => {
    try {
      options.onChange?.();
    } catch (error) {
      options.logger?.error({ err: error }, "error al publicar el estado del simulador");
    }
  };
  const emit = (batch: SiteEvent[]): void => {
    if (batch.length === 0) return;
    events.push(...batch);
    if (events.length > EVENT_BUFFER_SIZE) events.splice(0, events.length - EVENT_BUFFER_SIZE);
    for (const listener of listeners) listener(batch);
  };
  const apply = (result: StepResult): void => {
    state = result.state;
    emit(result.events);
    changed();
  };
  const advance = (dtS: number): void => apply(stepSiteModel(state, dtS, rng));
  /** Steps up to the wall clock's now (unless suspended), so a condition applies at the right time. */
  const catchUp = (): void => {
    if (suspended) return;
    const wallMs = now();
    const dtS = ((wallMs - lastWallMs) / 1000) * speed;
    lastWallMs = wallMs;
    if (dtS > 0) advance(dtS);
  };
  const tick = (): void => {
    try {
      catchUp();
    } catch (error) {
      options.logger?.error({ err: error }, "error en el paso del simulador");
    }
  };

  const handle: SiteModelHandle = {
    get state() {
      return state;
    },
    get events() {
      return events;
    },
    onEvents(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    advance,
    setFault(tag, fault) {
      if (!knownTags.has(tag)) throw new Error(`etiqueta desconocida: ${tag}`);
      state = withSensorFault(state, tag, fault);
    },
    setPowerFailure(failed) {
      catchUp();
      apply(withPowerFailure(state, failed));
    },
    setUpsOnBattery(onBattery) {
      catchUp();
      state = withUpsOnBattery(state, onBattery);
      changed();
    },
    setEmergencyStop(active) {
      catchUp();
      apply(withEmergencyStop(state, active));
    },
    setCalibrationExpired(installationKey, tankKey, expired) {
      // Dated now, like the other conditions: the elapsed time is stepped first.
      catchUp();
      state = withCalibrationExpired(state, installationKey, tankKey, expired);
      changed();
    },
    setLeak(installationKey, tankKey, litresPerHour) {
      // The leak starts now: the time elapsed so far is stepped without it.
      catchUp();
      state = withLeak(state, installationKey, tankKey, litresPerHour);
      changed();
    },
    suspend() {
      if (suspended) return;
      catchUp();
      suspended = true;
    },
    resume() {
      if (!suspended) return;
      suspended = false;
      const wallMs = now();
      state = skipSiteModelTime(state, Math.max(0, ((wallMs - lastWallMs) / 1000) * speed));
      lastWallMs = wallMs;
      changed();
    },
    get suspended() {
      return suspended;
    },
  };

  return {
    handle,
    start() {
      if (timer) return;
      timer = setInterval(tick, tickMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      listeners.clear();
    },
  };
}
