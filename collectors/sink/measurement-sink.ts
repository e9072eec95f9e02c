import type { Database } from "../../db/client";
import type { Reading } from "../../server/contracts/measurement";
import type { Logger } from "../../server/platform/logger";
import { createDurableSink } from "./durable-sink";
import { INSERT_MEASUREMENTS_SQL, isStorable, MARK_ROLLUPS_DIRTY_SQL, NOTIFY_SQL, notificationPayloads } from "./measurement-sql";
import { MEASUREMENTS_CHANNEL } from "../../server/contracts/measurement";
import type { BatchRef, ChecksumMismatch, ForwarderStats, StoredBatchesEvent } from "../forwarder/forwarder";
import type { SpoolEvent, SpoolOptions, SpoolStatus } from "../spool/spool";

export { NOTIFY_PAYLOAD_LIMIT_BYTES, notificationPayloads } from "./measurement-sql";

/**
 * Writer of a collector's readings into `measurements`. Two modes behind one surface:
 *
 * DURABLE (the production path; `spoolDir` + `collectorKey` given, A30-MS-16):
 *   push → spool (collectors/spool: segment files, CRC-framed records, group commit + fsync)
 *        → forwarder (collectors/forwarder: in order, one transaction per batch with the
 *          collector_batches row, exactly once, retried forever) → measurements + NOTIFY.
 *   `push` resolves when its readings are fsync'd in the spool (the durability point); from then
 *   on they survive a database outage, a network cut and a kill -9 of the collector. When the
 *   spool is full, `push` refuses (its promise rejects with SpoolFullError, `stats().refused`
 *   grows, the spool reports state "full"): nothing accepted is ever dropped.
 *
 * IN MEMORY (no `spoolDir`; tests and tools only): the readings wait in an array, in order, and
 *   are retried with backoff while the process lives; a kill or an exit during an outage loses
 *   them. Kept for unit tests of the batching and for callers that have no data directory.
 *
 * Both: one batch = one transaction (`insert … select * from unnest(…) on conflict (tag, time)
 * do nothing`, then the rollups marked dirty from the batch's earliest time), and after COMMIT
 * `pg_notify('aforo_measurements', …)` with the latest reading per tag (payloads < 7900 bytes).
 */

export type MeasurementSinkDb = Pick<Database, "query" | "transaction">;

export interface MeasurementSinkOptions {
  /** In-memory mode: interval of the batch timer. Default 500 ms. Durable mode sends as soon as records are durable. */
  flushIntervalMs?: number;
  /** Readings per database batch (and, durable, per spool record). Default 5000. */
  maxBatch?: number;
  logger?: Logger;
  /** Cap of the retry backoff after a failed write. Default 10 s. */
  maxRetryDelayMs?: number;
  /**
   * How long `close()` keeps trying to send what is queued. In memory: default 30 s, then it
   * throws (the readings are lost). Durable: default 5 s, then it closes anyway (the readings
   * stay in the spool and go out at the next start).
   */
  closeTimeoutMs?: number;
  /** Durable mode: this collector's spool directory (see `spoolDirFor`). */
  spoolDir?: string;
  /** Durable mode: the key that numbers this collector's batches in `collector_batches` (A30-MS-14). */
  collectorKey?: string;
  /**
   * Durable mode on PostgreSQL: the database URL. The forwarder then opens its own small pool
   * (application_name aforo-collector) and loads each batch with COPY — several times faster than
   * an insert — falling back to `insert … on conflict do nothing` when a batch holds a (tag, time)
   * already stored. Unset (PGlite, or no URL at hand): the forwarder uses `db` with unnest inserts.
   */
  databaseUrl?: string;
  /** Durable mode: spool size limits and events ("spool casi lleno", "spool lleno"). */
  spool?: Omit<SpoolOptions, "dir" | "logger">;
  /** Durable mode: a batch arrived again with the same sequence and checksum (stored once; alarm type 4). */
  onReplay?: (batch: BatchRef) => void;
  /** Durable mode: same sequence, different checksum (transmission error; alarm type 9). */
  onChecksumMismatch?: (batch: ChecksumMismatch) => void;
  /** Durable mode: after each committed batch (benchmarks measure ingest lag with it). */
  onStored?: (event: StoredBatchesEvent) => void;
}

export interface MeasurementSinkStats {
  /** Readings accepted and not yet in the database. */
  pending: number;
  /** Readings written (duplicates included: the database ignores them). */
  written: number;
  batches: number;
  notifications: number;
  failedAttempts: number;
  /** Invalid readings discarded at the door (non-finite value, bad time, bad quality). */
  rejected: number;
  lastError: string | null;
  /** True when backed by the disk spool. */
  durable: boolean;
  /** Durable mode: readings refused because the spool was full. */
  refused?: number;
  /** Durable mode: batches recognised as already stored. */
  replays?: number;
  checksumMismatches?: number;
  spool?: SpoolStatus;
  forwarder?: ForwarderStats;
}

export interface MeasurementSink {
  /**
   * Queues readings; resolves once they are safe: fsync'd in the spool (durable mode) or
   * queued (in memory). Rejects with SpoolFullError when the spool refuses them. The promise may
   * be ignored (a rejection is also counted, logged and reported by the spool's events). Throws
   * synchronously after `close()`.
   */
  push(readings: readonly Reading[]): Promise<void>;
  /** Writes everything queued now; rejects if the database fails (the readings stay queued). */
  flush(): Promise<void>;
  /** Stops accepting, then writes what is left (retrying up to `closeTimeoutMs`). */
  close(): Promise<void>;
  stats(): MeasurementSinkStats;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Durable sink when `options.spoolDir` is set (the spool is opened in the background; readings
 * pushed meanwhile wait for it), in-memory sink otherwise. Prefer `openMeasurementSink` for the
 * durable mode: it fails at once when the spool cannot be opened (locked, unreadable).
 */
export function createMeasurementSink(db: MeasurementSinkDb, options: MeasurementSinkOptions = {}): MeasurementSink {
  if (options.spoolDir) return createDurableSink(db, { ...options, spoolDir: options.spoolDir, collectorKey: requireKey(options) });
  return createMemorySink(db, options);
}

/**
 * Durable sink, with the spool opened and recovered before it returns. `db` may be null when
 * `databaseUrl` is given: the forwarder then needs nothing but its own connection, so a collector
 * process does not have to load the ORM or PGlite (≈ 45 MB less resident memory).
 */
export async function openMeasurementSink(
  db: MeasurementSinkDb | null,
  options: MeasurementSinkOptions & { spoolDir: string; collectorKey: string },
): Promise<MeasurementSink> {
  const sink = createDurableSink(db, { ...options, collectorKey: requireKey(options) });
  await sink.ready;
  return sink;
}

function requireKey(options: MeasurementSinkOptions): string {
  if (!options.collectorKey) throw new Error("el spool en disco necesita collectorKey (numera los lotes del colector)");
  return options.collectorKey;
}

export type { SpoolEvent };

function createMemorySink(db: MeasurementSinkDb, options: MeasurementSinkOptions): MeasurementSink {
  const flushIntervalMs = options.flushIntervalMs ?? 500;
  const maxBatch = options.maxBatch ?? 5000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
  const logger = options.logger;
  if (!(maxBatch > 0)) throw new RangeError(`maxBatch debe ser > 0: ${maxBatch}`);

  const queue: Reading[] = [];
  let writing: Promise<void> | null = null;
  let closed = false;
  let consecutiveFailures = 0;
  let retryAtMs = 0;
  const stats: Omit<MeasurementSinkStats, "pending" | "durable"> = {
    written: 0,
    batches: 0,
    notifications: 0,
    failedAttempts: 0,
    rejected: 0,
    lastError: null,
  };

  async function writeBatch(batch: readonly Reading[]): Promise<void> {
    const times: string[] = [];
    const tags: string[] = [];
    const values: number[] = [];
    const qualities: number[] = [];
    let minTimeMs = Number.POSITIVE_INFINITY;
    for (const reading of batch) {
      const ms = reading.time.getTime();
      if (ms < minTimeMs) minTimeMs = ms;
      times.push(reading.time.toISOString());
      tags.push(reading.tag);
      values.push(reading.value);
      qualities.push(reading.quality);
    }
    const minTime = new Date(minTimeMs).toISOString();
    await db.transaction(async (tx) => {
      await tx.query(INSERT_MEASUREMENTS_SQL, [times, tags, values, qualities]);
      await tx.query(MARK_ROLLUPS_DIRTY_SQL, [minTime]);
    });
    stats.written += batch.length;
    stats.batches += 1;
    const payloads = notificationPayloads(batch);
    try {
      await db.query(NOTIFY_SQL, [MEASUREMENTS_CHANNEL, payloads]);
      stats.notifications += payloads.length;
    } catch (error) {
      logger?.warn({ err: error }, "no se pudo notificar el lote de mediciones (los datos sí se guardaron)");
    }
  }

  /** Writes queued batches in order until the queue is empty; throws on the first failure. */
  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      await writeBatch(batch);
      // Only now leave the queue: a failed batch is retried whole, in the same order.
      queue.splice(0, batch.length);
      if (consecutiveFailures > 0) logger?.info({ failures: consecutiveFailures }, "la base de datos vuelve a aceptar mediciones");
      consecutiveFailures = 0;
    }
  }

  function onWriteFailure(error: unknown): void {
    consecutiveFailures += 1;
    stats.failedAttempts += 1;
    stats.lastError = (error as Error).message ?? String(error);
    const delayMs = Math.min(maxRetryDelayMs, 250 * 2 ** Math.min(consecutiveFailures - 1, 10));
    retryAtMs = Date.now() + delayMs;
    logger?.warn({ err: error, pending: queue.length, retryInMs: delayMs }, "no se pudieron guardar las mediciones; se reintentará");
  }

  function startDrain(): Promise<void> {
    const current = drain()
      .catch((error: unknown) => {
        onWriteFailure(error);
        throw error;
      })
      .finally(() => {
        if (writing === current) writing = null;
      });
    writing = current;
    return current;
  }

  function kick(): void {
    if (writing || queue.length === 0 || Date.now() < retryAtMs) return;
    startDrain().catch(() => undefined);
  }

  const timer = setInterval(kick, flushIntervalMs);

  async function flush(): Promise<void> {
    while (writing) await writing.catch(() => undefined);
    if (queue.length === 0) return;
    await startDrain();
  }

  return {
    push(readings) {
      if (closed) throw new Error("el receptor de mediciones está cerrado");
      for (const reading of readings) {
        if (isStorable(reading)) queue.push(reading);
        else {
          stats.rejected += 1;
          logger?.error({ tag: reading.tag, value: reading.value }, "lectura inválida descartada");
        }
      }
      if (queue.length >= maxBatch) kick();
      // In memory only: accepted, not durable.
      return RESOLVED;
    },
    flush,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      const deadline = Date.now() + closeTimeoutMs;
      for (;;) {
        try {
          await flush();
          return;
        } catch (error) {
          if (Date.now() >= deadline) {
            throw new Error(
              `${queue.length} mediciones no se pudieron guardar al cerrar (${(error as Error).message}); ` +
                "sin el spool en disco (issue 3) se pierden al salir",
            );
          }
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(retryAtMs, deadline) - Date.now())));
        }
      }
    },
    stats() {
      return { ...stats, pending: queue.length, durable: false };
    },
  };
}

