import { round3 } from "./reception-detector";
import { stepSaleDetector, type DetectedSale, type SaleDetectorConfig, type SaleDetectorResult, type SaleDetectorState, type TotalizerSample } from "./sale-detector";

/**
 * Duct meter batches (A30-REC-01, A30-MS-18): truck loadings through an outlet duct and pipeline
 * receipts through an inlet duct, from the duct flow computer's totalizers. Pure, resumable.
 *
 * A batch is a gross-totalizer increase between two rest periods — the same rule as a hose sale
 * (`stepSaleDetector`: start = last sample at rest, end = last increase once the totalizer stood
 * still for `restS`; rollover/reset handled the same way, never a negative volume). Flow pauses
 * shorter than `restS` (valve changes, compartment switches) stay in one batch.
 *
 * The flow computer meters the duct, not the tank: `attributeDuctBatch` names the tank the batch
 * came from (outlet) or went to (inlet) from the tanks' measured net stock over the batch — the tank
 * whose stock moved in the batch's direction by the most, provided it moved by at least
 * `minShare` of the batch (a tank at rest or one merely selling cannot be picked). The record is
 * then booked on that tank (operations.tank_id) as well as on the duct (duct_id), so the daily cut
 * balances the tank (A30-INV-03, A30-INC-01).
 */
export type DuctBatchDetectorConfig = SaleDetectorConfig & {
  /** Batches smaller than this are line packing / meter creep, not a loading. */
  minBatchL: number;
};

export const DEFAULT_DUCT_BATCH_DETECTOR_CONFIG: DuctBatchDetectorConfig = { restS: 20, epsilonL: 0.01, rolloverModuloL: null, minBatchL: 50 };

export type DuctBatchDetectorState = SaleDetectorState;
export type DetectedDuctBatch = DetectedSale;

export interface DuctBatchDetectorResult extends SaleDetectorResult {
  /** Closed batches of at least `minBatchL`. */
  batches: DetectedDuctBatch[];
  /** Closed increases below `minBatchL` (reported, not recorded). */
  ignored: DetectedDuctBatch[];
}

/** A gross-totalizer sample; `inOperation: false` marks the flow computer's end-of-batch edge. */
export interface DuctMeterSample {
  time: number;
  valueL: number;
  inOperation?: boolean | null;
}

/**
 * Batches close at a rest of `restS` (as sales) OR at a falling `in_operation` edge — the flow
 * computer's own end of batch, which splits two loadings with no rest sample between them.
 */
export function stepDuctBatchDetector(
  state: DuctBatchDetectorState | null,
  samples: readonly DuctMeterSample[],
  config: DuctBatchDetectorConfig = DEFAULT_DUCT_BATCH_DETECTOR_CONFIG,
): DuctBatchDetectorResult {
  const sorted = [...samples].sort((a, b) => a.time - b.time);
  let current = state;
  const sales: DetectedSale[] = [];
  const anomalies: SaleDetectorResult["anomalies"] = [];
  let chunk: TotalizerSample[] = [];
  const feed = (): void => {
    const r = stepSaleDetector(current, chunk, config);
    sales.push(...r.sales);
    anomalies.push(...r.anomalies);
    current = r.state;
    chunk = [];
  };
  for (const sample of sorted) {
    chunk.push({ time: sample.time, valueL: sample.valueL });
    if (sample.inOperation !== false) continue;
    feed();
    if (current?.phase === "dispensing") {
      sales.push({
        startTime: current.startTime,
        endTime: current.lastChangeTime,
        volumeL: Math.max(0, round3(current.accumulatedL)),
        totalizerBeforeL: round3(current.totalizerBeforeL),
        totalizerAfterL: round3(current.lastValueL),
        flags: [...current.flags],
      });
      current = { phase: "rest", lastValueL: current.lastValueL, lastTime: current.lastTime };
    }
  }
  feed();
  return {
    state: current,
    sales,
    anomalies,
    batches: sales.filter((b) => b.volumeL >= config.minBatchL),
    ignored: sales.filter((b) => b.volumeL < config.minBatchL),
  };
}

export interface TankStockChange {
  tankId: number;
  tankKey: string;
  /** Net stock (reference conditions) at the batch start and end, L; null when not measured. */
  netBeforeL: number | null;
  netAfterL: number | null;
  /** Net volume the tank's own hoses metered during the batch, L (they also lower its stock). */
  meteredOutflowNetL?: number;
}

export interface DuctAttribution {
  tankId: number;
  tankKey: string;
  /** Stock change of the tank in the batch's direction (fall for an outlet, rise for an inlet), L. */
  movedL: number;
  /** movedL / batch net volume. */
  share: number;
  /** The other candidates, for the record's raw data (auditor, A31-09). */
  candidates: Array<{ tankKey: string; movedL: number | null }>;
}

/**
 * The tank of a duct batch: outlet → the largest net stock FALL (less what its hoses metered),
 * inlet → the largest net stock RISE (plus what its hoses metered); null when no tank moved by at
 * least `minShare` of the batch (the record is then kept on the duct alone, flagged incomplete).
 */
export function attributeDuctBatch(
  direction: "inlet" | "outlet",
  batchNetL: number,
  tanks: readonly TankStockChange[],
  minShare = 0.5,
): DuctAttribution | null {
  const candidates = tanks.map((t) => {
    if (t.netBeforeL === null || t.netAfterL === null) return { tank: t, movedL: null };
    const change = t.netAfterL - t.netBeforeL + (t.meteredOutflowNetL ?? 0);
    return { tank: t, movedL: round3(direction === "outlet" ? -change : change) };
  });
  let best: (typeof candidates)[number] | null = null;
  for (const c of candidates) if (c.movedL !== null && (best === null || c.movedL > best.movedL!)) best = c;
  if (!best || best.movedL === null || batchNetL <= 0 || best.movedL < minShare * batchNetL) return null;
  return {
    tankId: best.tank.tankId,
    tankKey: best.tank.tankKey,
    movedL: best.movedL,
    share: Math.round((best.movedL / batchNetL) * 10_000) / 10_000,
    candidates: candidates.map((c) => ({ tankKey: c.tank.tankKey, movedL: c.movedL })),
  };
}
