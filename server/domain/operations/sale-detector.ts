import { round3 } from "./reception-detector";

/**
 * Delivery (sale) detection from a hose's totalizer (A30-REC-01, A30-MS-20). Pure, resumable.
 *
 * A sale is a totalizer increase between two rest periods: it starts at the last sample at rest
 * and ends at the last increase, once the totalizer stayed still for `restS`. The record carries
 * the totalizer after the sale (SAT VolumenEntregadoTotalizadorAcum).
 *
 * Totalizer going backwards — never a negative volume:
 *  - rollover: with `rolloverModuloL` set (e.g. a 6-digit mechanical register, 1 000 000 L), a
 *    value near the top followed by one near zero is a wrap: the volume is the distance across
 *    the wrap and the sale is flagged "rollover";
 *  - reset (anything else): the sale in progress is closed at the last value before the drop and
 *    flagged "reset"; the drop itself is reported as an anomaly; counting restarts at the new value.
 */

export interface TotalizerSample {
  time: number;
  /** Accumulated gross volume, L. */
  valueL: number;
}

export interface SaleDetectorConfig {
  /** The sale ends once the totalizer has not moved for this long. */
  restS: number;
  /** Increases at or below this are float jitter, not product. */
  epsilonL: number;
  /** Register modulus for rollover detection (null: any decrease is a reset). */
  rolloverModuloL: number | null;
}

export const DEFAULT_SALE_DETECTOR_CONFIG: SaleDetectorConfig = { restS: 10, epsilonL: 0.0005, rolloverModuloL: null };

export type SaleDetectorState =
  | { phase: "rest"; lastValueL: number; lastTime: number }
  | {
      phase: "dispensing";
      lastValueL: number;
      lastTime: number;
      startTime: number;
      totalizerBeforeL: number;
      accumulatedL: number;
      lastChangeTime: number;
      flags: SaleFlag[];
    };

export type SaleFlag = "rollover" | "reset";

export interface DetectedSale {
  startTime: number;
  endTime: number;
  /** Gross volume delivered, L (≥ 0). */
  volumeL: number;
  totalizerBeforeL: number;
  totalizerAfterL: number;
  flags: SaleFlag[];
}

export interface TotalizerAnomaly {
  kind: "reset";
  time: number;
  fromL: number;
  toL: number;
}

export interface SaleDetectorResult {
  state: SaleDetectorState | null;
  sales: DetectedSale[];
  anomalies: TotalizerAnomaly[];
}

export function stepSaleDetector(
  state: SaleDetectorState | null,
  samples: readonly TotalizerSample[],
  config: SaleDetectorConfig = DEFAULT_SALE_DETECTOR_CONFIG,
): SaleDetectorResult {
  let current: SaleDetectorState | null = state ? { ...state, ...(state.phase === "dispensing" ? { flags: [...state.flags] } : {}) } : null;
  const sales: DetectedSale[] = [];
  const anomalies: TotalizerAnomaly[] = [];
  const sorted = [...samples].sort((a, b) => a.time - b.time);
  for (const sample of sorted) {
    if (!Number.isFinite(sample.valueL) || !Number.isFinite(sample.time) || sample.valueL < 0) continue;
    if (!current) {
      current = { phase: "rest", lastValueL: sample.valueL, lastTime: sample.time };
      continue;
    }
    if (sample.time <= current.lastTime) continue;
    let delta = sample.valueL - current.lastValueL;
    let rollover = false;
    if (delta < -config.epsilonL) {
      const modulo = config.rolloverModuloL;
      if (modulo !== null && current.lastValueL >= modulo * 0.9 && sample.valueL <= modulo * 0.1) {
        delta = modulo - current.lastValueL + sample.valueL;
        rollover = true;
      } else {
        if (current.phase === "dispensing") sales.push(closeSale(current, ["reset"]));
        anomalies.push({ kind: "reset", time: sample.time, fromL: current.lastValueL, toL: sample.valueL });
        current = { phase: "rest", lastValueL: sample.valueL, lastTime: sample.time };
        continue;
      }
    }
    if (delta > config.epsilonL) {
      if (current.phase === "rest") {
        current = {
          phase: "dispensing",
          lastValueL: sample.valueL,
          lastTime: sample.time,
          startTime: current.lastTime,
          totalizerBeforeL: current.lastValueL,
          accumulatedL: delta,
          lastChangeTime: sample.time,
          flags: rollover ? ["rollover"] : [],
        };
      } else {
        current = {
          ...current,
          lastValueL: sample.valueL,
          lastTime: sample.time,
          accumulatedL: current.accumulatedL + delta,
          lastChangeTime: sample.time,
          flags: rollover && !current.flags.includes("rollover") ? [...current.flags, "rollover"] : current.flags,
        };
      }
      continue;
    }
    // Still (within epsilon).
    if (current.phase === "dispensing" && sample.time - current.lastChangeTime >= config.restS * 1000) {
      sales.push(closeSale(current, []));
      current = { phase: "rest", lastValueL: current.lastValueL, lastTime: sample.time };
      continue;
    }
    current = { ...current, lastTime: sample.time };
  }
  return { state: current, sales, anomalies };
}

function closeSale(state: Extract<SaleDetectorState, { phase: "dispensing" }>, extra: SaleFlag[]): DetectedSale {
  return {
    startTime: state.startTime,
    endTime: state.lastChangeTime,
    volumeL: Math.max(0, round3(state.accumulatedL)),
    totalizerBeforeL: round3(state.totalizerBeforeL),
    totalizerAfterL: round3(state.lastValueL),
    flags: [...state.flags, ...extra],
  };
}

/** Totalizer value at `time`, linearly interpolated between the samples around it (null outside the series). */
export function totalizerAt(samples: readonly TotalizerSample[], time: number): number | null {
  let before: TotalizerSample | null = null;
  let after: TotalizerSample | null = null;
  for (const s of samples) {
    if (s.time <= time && (!before || s.time >= before.time)) before = s;
    if (s.time >= time && (!after || s.time <= after.time)) after = s;
  }
  if (!before) return null;
  if (!after || after.time === before.time || after.valueL < before.valueL) return before.valueL;
  return before.valueL + ((after.valueL - before.valueL) * (time - before.time)) / (after.time - before.time);
}

/** Gross volume metered by a totalizer between two instants (0 when the series does not cover them or went backwards). */
export function meteredBetween(samples: readonly TotalizerSample[], from: number, to: number): number {
  const a = totalizerAt(samples, from);
  const b = totalizerAt(samples, to);
  if (a === null || b === null) return 0;
  return Math.max(0, b - a);
}
