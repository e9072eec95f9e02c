/**
 * Reception detection from a tank's stock series (A30-REC-01). Pure: the caller passes the
 * detector state and the new samples in, and gets the new state and the receptions that ENDED
 * out — one record per discharge, made at its end, never one per sample.
 *
 * Approach (documented for the auditor, A31-09):
 *  - The series is the tank's net volume at reference conditions (tank_readings.net_volume_l):
 *    it does not move with thermal expansion, so a warming tank never looks like a reception.
 *  - Each sample is smoothed with the two before it (3-sample moving mean), so single-sample
 *    gauge noise neither starts nor ends a discharge.
 *  - "Rise rate" = smoothed net change over a trailing window of at least `rateWindowS`. A
 *    discharge starts when that rate reaches `minRiseRateLpm` AND the stock stands more than
 *    `noiseBandL` above the lowest point of the recent window (the tank at rest). The start is
 *    the last sample still within half the noise band of that lowest point (the rest level right
 *    before the rise), so a flat noisy plateau does not pull the start back in time.
 *  - The discharge goes on while the rate stays above the threshold; once it falls below, the tank
 *    must stay quiet for `settleS` (turbulence and level settling). The end of the discharge is
 *    the highest smoothed stock reached (the peak), which is also the record's time.
 *  - A rise is rejected (reported, not recorded) when it is smaller than `minReceptionL`, shorter
 *    than `minDurationS`, or when the stock fell back from its peak during the settle time by more
 *    than the noise band plus what sales could draw (`maxRestDeclineLpm`): a spike, not product.
 *  - Sales during the discharge: hoses keep selling from the tank while the tanker discharges, so
 *    the stock rise understates what was received. The detector reports the stock rise; the
 *    service adds the volume metered by the dispensers of that tank between start and end
 *    (`receivedVolumes`): net received = Δstock + deliveries metered during the discharge.
 */

export interface TankSample {
  /** Epoch milliseconds. */
  time: number;
  /** Net volume at reference conditions, L. */
  netVolumeL: number;
  /** Observed (gross) volume, L. */
  grossVolumeL: number | null;
  temperatureC: number | null;
  levelMm?: number | null;
}

export interface ReceptionDetectorConfig {
  /** Fluctuations of the net volume within this band are noise. */
  noiseBandL: number;
  /** Net stock rise rate that marks a discharge in progress. */
  minRiseRateLpm: number;
  /** Trailing window of the rise rate. */
  rateWindowS: number;
  /** Quiet time after the rise stops before the discharge is declared over. */
  settleS: number;
  /** Smallest stock rise recorded as a reception. */
  minReceptionL: number;
  /** Shortest discharge (start → peak) recorded as a reception. */
  minDurationS: number;
  /** Highest outflow the tank's sales can cause while it settles (spike rejection). */
  maxRestDeclineLpm: number;
}

export const DEFAULT_RECEPTION_DETECTOR_CONFIG: ReceptionDetectorConfig = {
  noiseBandL: 50,
  minRiseRateLpm: 100,
  rateWindowS: 60,
  settleS: 180,
  minReceptionL: 500,
  minDurationS: 120,
  maxRestDeclineLpm: 300,
};

/** A sample with its smoothed net volume. */
export interface SmoothedSample extends TankSample {
  smoothNetL: number;
}

export interface RiseSummary {
  sampleCount: number;
  temperatureSumC: number;
  temperatureCount: number;
  minNetL: number | null;
  maxNetL: number | null;
  /** Up to `MAX_SUMMARY_POINTS` samples of the rise (decimated), kept with the record (A30-MS-18). */
  points: Array<[time: number, netVolumeL: number, grossVolumeL: number | null, temperatureC: number | null]>;
}

export type ReceptionDetectorState =
  | { phase: "idle"; window: SmoothedSample[] }
  | {
      phase: "rising";
      window: SmoothedSample[];
      start: SmoothedSample;
      /** Highest smoothed stock so far. */
      peak: SmoothedSample;
      /** First sample that reached the peak's plateau (within half the noise band): the end. */
      reached: SmoothedSample;
      /** Time the rise rate fell below the threshold (null while still rising). */
      quietSince: number | null;
      summary: RiseSummary;
    };

export interface DetectedReception {
  startTime: number;
  /** Peak of the stock: the end of the discharge and the record's time (A30-REC-01). */
  endTime: number;
  /** Time the settle period confirmed the end. */
  confirmedAt: number;
  before: TankSample;
  after: TankSample;
  /** Smoothed net stock rise start → end, L (before adding metered sales). */
  netRiseL: number;
  /** Gross stock rise start → end, L (null without gross volumes). */
  grossRiseL: number | null;
  averageTemperatureC: number | null;
  summary: RiseSummary;
}

export type RejectedRiseReason = "below-minimum" | "too-short" | "transient";

export interface RejectedRise {
  reason: RejectedRiseReason;
  startTime: number;
  endTime: number;
  netRiseL: number;
}

export interface ReceptionDetectorResult {
  state: ReceptionDetectorState;
  receptions: DetectedReception[];
  rejected: RejectedRise[];
}

const SMOOTHING = 3;
const MAX_SUMMARY_POINTS = 60;

export function initialReceptionDetectorState(): ReceptionDetectorState {
  return { phase: "idle", window: [] };
}

/** Feeds samples (any order; earlier-or-equal than the last seen are ignored) through the detector. */
export function stepReceptionDetector(
  state: ReceptionDetectorState,
  samples: readonly TankSample[],
  config: ReceptionDetectorConfig = DEFAULT_RECEPTION_DETECTOR_CONFIG,
): ReceptionDetectorResult {
  let current: ReceptionDetectorState = cloneState(state);
  const receptions: DetectedReception[] = [];
  const rejected: RejectedRise[] = [];
  const sorted = [...samples].sort((a, b) => a.time - b.time);
  for (const raw of sorted) {
    if (!Number.isFinite(raw.netVolumeL) || !Number.isFinite(raw.time)) continue;
    const last = current.window.at(-1);
    if (last && raw.time <= last.time) continue;
    const sample = smooth(current.window, raw);
    current.window.push(sample);
    trimWindow(current.window, sample.time, config);
    const rate = riseRateLpm(current.window, sample, config);

    if (current.phase === "idle") {
      const trough = lowestAtRest(current.window, config.noiseBandL / 2);
      if (rate >= config.minRiseRateLpm && sample.smoothNetL - trough.smoothNetL > config.noiseBandL) {
        const summary = emptySummary();
        for (const s of current.window) if (s.time > trough.time) addToSummary(summary, s);
        current = { phase: "rising", window: current.window, start: trough, peak: sample, reached: sample, quietSince: null, summary };
      }
      continue;
    }

    addToSummary(current.summary, sample);
    if (sample.smoothNetL > current.peak.smoothNetL) {
      // A new high beyond the plateau band moves the end; within it, only the volume.
      if (sample.smoothNetL > current.reached.smoothNetL + config.noiseBandL / 2) current.reached = sample;
      current.peak = sample;
    }
    if (rate >= config.minRiseRateLpm) {
      current.quietSince = null;
      continue;
    }
    current.quietSince ??= sample.time;
    if (sample.time - current.quietSince < config.settleS * 1000) continue;

    const { start, peak, reached } = current;
    const netRiseL = peak.smoothNetL - start.smoothNetL;
    const durationS = (reached.time - start.time) / 1000;
    const declineL = peak.smoothNetL - sample.smoothNetL;
    const allowedDeclineL = config.noiseBandL + (config.maxRestDeclineLpm * (sample.time - peak.time)) / 60_000;
    let reason: RejectedRiseReason | null = null;
    if (declineL > allowedDeclineL) reason = "transient";
    else if (netRiseL < config.minReceptionL) reason = "below-minimum";
    else if (durationS < config.minDurationS) reason = "too-short";
    if (reason) {
      rejected.push({ reason, startTime: start.time, endTime: reached.time, netRiseL: round3(netRiseL) });
    } else {
      const summary = current.summary;
      receptions.push({
        startTime: start.time,
        endTime: reached.time,
        confirmedAt: sample.time,
        before: plain(start, start.smoothNetL),
        after: { ...plain(reached, peak.smoothNetL) },
        netRiseL: round3(netRiseL),
        grossRiseL: start.grossVolumeL !== null && reached.grossVolumeL !== null ? round3(reached.grossVolumeL - start.grossVolumeL) : null,
        averageTemperatureC: summary.temperatureCount > 0 ? round3(summary.temperatureSumC / summary.temperatureCount) : null,
        summary,
      });
    }
    current = { phase: "idle", window: current.window.filter((s) => s.time >= sample.time) };
  }
  return { state: current, receptions, rejected };
}

/**
 * Volumes received: the stock rise plus what the dispensers of the tank delivered (metered)
 * between the start and the end of the discharge. Never negative.
 */
export function receivedVolumes(
  reception: Pick<DetectedReception, "netRiseL" | "grossRiseL">,
  meteredOutflow: { netL: number; grossL: number },
): { netL: number; grossL: number | null } {
  const netL = Math.max(0, round3(reception.netRiseL + meteredOutflow.netL));
  const grossL = reception.grossRiseL === null ? null : Math.max(0, round3(reception.grossRiseL + meteredOutflow.grossL));
  return { netL, grossL };
}

function smooth(window: readonly SmoothedSample[], raw: TankSample): SmoothedSample {
  const previous = window.slice(-(SMOOTHING - 1));
  const values = [...previous.map((s) => s.netVolumeL), raw.netVolumeL];
  const smoothNetL = values.reduce((a, b) => a + b, 0) / values.length;
  return { ...raw, smoothNetL };
}

/** Keeps 2 × rateWindowS of history plus at least SMOOTHING samples and one sample older than the rate window. */
function trimWindow(window: SmoothedSample[], now: number, config: ReceptionDetectorConfig): void {
  const keepFrom = now - 2 * config.rateWindowS * 1000;
  while (window.length > SMOOTHING + 1 && window[1]!.time <= keepFrom) window.shift();
}

function riseRateLpm(window: readonly SmoothedSample[], sample: SmoothedSample, config: ReceptionDetectorConfig): number {
  const limit = sample.time - config.rateWindowS * 1000;
  let reference: SmoothedSample | undefined;
  for (const s of window) {
    if (s.time <= limit) reference = s;
    else break;
  }
  reference ??= window[0];
  if (!reference || reference.time >= sample.time) return 0;
  return (sample.smoothNetL - reference.smoothNetL) / ((sample.time - reference.time) / 60_000);
}

/** The last sample still at rest: the latest one within `band` of the window's lowest stock. */
function lowestAtRest(window: readonly SmoothedSample[], band: number): SmoothedSample {
  let lowest = window[0]!;
  for (const s of window) if (s.smoothNetL < lowest.smoothNetL) lowest = s;
  let atRest = lowest;
  for (const s of window) if (s.time > atRest.time && s.smoothNetL <= lowest.smoothNetL + band) atRest = s;
  // Its time, the lowest point's volumes (the stock before the rise).
  return { ...atRest, smoothNetL: lowest.smoothNetL, netVolumeL: lowest.netVolumeL, grossVolumeL: lowest.grossVolumeL };
}

function emptySummary(): RiseSummary {
  return { sampleCount: 0, temperatureSumC: 0, temperatureCount: 0, minNetL: null, maxNetL: null, points: [] };
}

function addToSummary(summary: RiseSummary, s: SmoothedSample): void {
  summary.sampleCount += 1;
  if (s.temperatureC !== null && Number.isFinite(s.temperatureC)) {
    summary.temperatureSumC += s.temperatureC;
    summary.temperatureCount += 1;
  }
  summary.minNetL = summary.minNetL === null ? s.netVolumeL : Math.min(summary.minNetL, s.netVolumeL);
  summary.maxNetL = summary.maxNetL === null ? s.netVolumeL : Math.max(summary.maxNetL, s.netVolumeL);
  summary.points.push([s.time, round3(s.netVolumeL), s.grossVolumeL === null ? null : round3(s.grossVolumeL), s.temperatureC]);
  // Decimate: keep every other point (the first and the newest always stay).
  if (summary.points.length > MAX_SUMMARY_POINTS) summary.points = summary.points.filter((_, i, all) => i % 2 === 0 || i === all.length - 1);
}

function plain(s: SmoothedSample, netVolumeL: number): TankSample {
  return { time: s.time, netVolumeL: round3(netVolumeL), grossVolumeL: s.grossVolumeL, temperatureC: s.temperatureC, levelMm: s.levelMm ?? null };
}

function cloneState(state: ReceptionDetectorState): ReceptionDetectorState {
  if (state.phase === "idle") return { phase: "idle", window: [...state.window] };
  return { ...state, window: [...state.window], summary: { ...state.summary, points: [...state.summary.points] } };
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
