import type { SqlExecutor } from "../../db/client";
import type { MeasurementSinkStats } from "../sink/measurement-sink";

/**
 * Buffer depth of a collector (A30-DIAG-01 class 2 "buffer depth"): how much its durable spool
 * holds that the database has not confirmed yet, and how old the oldest of it is.
 *
 * Where the server reads it: `component_status` row `RED:<collectorKey>` (class `channel`, the
 * collector → database channel the diagnostics service already judges under that key), key
 * `detail.spool`:
 *
 *   { reportedAt, state, pendingRecords, pendingReadings, stagedReadings, usedBytes, maxBytes,
 *     fillRatio, refusedReadings, lastSequence, committedSequence,
 *     oldestPendingSince (ISO or null), oldestPendingAgeS (seconds or null) }
 *
 * Only `detail.spool` is written: the row's state/since/checked_at and the rest of `detail` belong
 * to the diagnostics service (its upsert merges `detail` with `||`, so neither erases the other).
 * A row that does not exist yet is created with state `unknown`.
 */
export interface SpoolDepthReport {
  reportedAt: string;
  state: string;
  pendingRecords: number;
  pendingReadings: number;
  stagedReadings: number;
  usedBytes: number;
  maxBytes: number;
  fillRatio: number;
  refusedReadings: number;
  lastSequence: number;
  committedSequence: number;
  oldestPendingSince: string | null;
  oldestPendingAgeS: number | null;
}

/**
 * Age of the oldest unconfirmed spool record, from samples of (lastSequence, time): the oldest
 * pending record (committedSequence + 1) was appended after the last sample that did not hold it
 * yet, so its age is known to within one sampling period (reported as the upper bound).
 */
export class PendingAgeTracker {
  /** Distinct lastSequence values seen, in order, with the last time each was still the newest. */
  private samples: { lastSequence: number; lastSeenAt: number }[] = [];

  /** Records a sample; returns since when (at the latest) the oldest pending record waits, or null when none waits. */
  sample(lastSequence: number, committedSequence: number, at: Date): Date | null {
    const t = at.getTime();
    this.firstSeen ??= t;
    const last = this.samples[this.samples.length - 1];
    if (last && last.lastSequence === lastSequence) last.lastSeenAt = t;
    else this.samples.push({ lastSequence, lastSeenAt: t });
    if (lastSequence <= committedSequence) {
      this.samples = [{ lastSequence, lastSeenAt: t }];
      return null;
    }
    const k = this.samples.findIndex((s) => s.lastSequence > committedSequence);
    // The oldest pending record (committedSequence + 1) was appended after the last moment the
    // spool's newest record was still older than it: samples[k - 1].lastSeenAt.
    if (k > 0) {
      this.samples.splice(0, k - 1);
      return new Date(this.samples[0]!.lastSeenAt);
    }
    // Already pending at the first sample (left by a previous run): at least that old.
    return new Date(this.firstSeen);
  }

  /** First sample's time: records already pending then are dated from it. */
  private firstSeen: number | null = null;
}

export function spoolDepthReport(stats: MeasurementSinkStats, oldestPendingSince: Date | null, now: Date): SpoolDepthReport | null {
  const spool = stats.spool;
  if (!spool) return null;
  return {
    reportedAt: now.toISOString(),
    state: spool.state,
    pendingRecords: spool.pendingRecords,
    pendingReadings: spool.pendingReadings,
    stagedReadings: spool.stagedReadings,
    usedBytes: spool.usedBytes,
    maxBytes: spool.maxBytes,
    fillRatio: Math.round(spool.fillRatio * 10_000) / 10_000,
    refusedReadings: spool.refusedReadings,
    lastSequence: spool.lastSequence,
    committedSequence: spool.committedSequence,
    oldestPendingSince: oldestPendingSince ? oldestPendingSince.toISOString() : null,
    oldestPendingAgeS: oldestPendingSince ? Math.max(0, Math.round((now.getTime() - oldestPendingSince.getTime()) / 1000)) : null,
  };
}

/** Writes `detail.spool` of `component_status` row `RED:<collectorKey>` (see above). */
export async function writeSpoolDepth(db: SqlExecutor, collectorKey: string, installationKey: string | null, report: SpoolDepthReport): Promise<void> {
  await db.query(
    `insert into component_status (component, class, installation_id, state, since, checked_at, detail)
     values ($1, 'channel', (select id from installations where key = $2), 'unknown', $3, $3, jsonb_build_object('spool', $4::jsonb))
     on conflict (component) do update set detail = coalesce(component_status.detail, '{}'::jsonb) || jsonb_build_object('spool', $4::jsonb)`,
    [`RED:${collectorKey}`, installationKey, report.reportedAt, JSON.stringify(report)],
  );
}
