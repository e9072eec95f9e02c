import type { Database } from "../../db/client";
import { MEASUREMENTS_CHANNEL, type Reading } from "../../server/contracts/measurement";
import type { Logger } from "../../server/platform/logger";

/**
 * Batched writer of readings into `measurements` (raw SQL, not the ORM: this is the hot path).
 *
 * One batch = one transaction:
 *   1. one `insert … select * from unnest(…)` of up to `maxBatch` rows; duplicates of
 *      (tag, time) are ignored, so re-sending a batch (retry, replay) stores it once;
 *   2. the rollups are marked dirty from the batch's earliest time (`rollup_state`, one row per
 *      level '1m' / '1h' / '1d', seeded by the runtime), so the refresher recomputes late data too.
 * After the commit, `pg_notify('aforo_measurements', …)` carries the latest reading per tag of the
 * batch to the live views (payloads split to stay under PostgreSQL's 8000-byte limit). A failed
 * notification does not undo the stored data: the next batch refreshes the screens.
 *
 * When the database cannot be reached the batch stays queued in memory, in order, and is retried
 * with exponential backoff (capped at `maxRetryDelayMs`): nothing is dropped while the process
 * lives. Surviving a process kill or a long outage needs the durable disk spool of issue 3
 * (A30-MS-16); until then an outage longer than the process's life loses the queue.
 */

export type MeasurementSinkDb = Pick<Database, "query" | "transaction">;

export interface MeasurementSinkOptions {
  flushIntervalMs?: number;
  maxBatch?: number;
  logger?: Logger;
  /** Cap of the retry backoff after a failed write. Default 10 s. */
  maxRetryDelayMs?: number;
  /** How long `close()` keeps retrying before giving up on what is still queued. Default 30 s. */
  closeTimeoutMs?: number;
}

export interface MeasurementSinkStats {
  /** Readings waiting to be written. */
  pending: number;
  /** Readings written (duplicates included: the database ignores them). */
  written: number;
  batches: number;
  notifications: number;
  failedAttempts: number;
  rejected: number;
  lastError: string | null;
}

export interface MeasurementSink {
  /** Queues readings; a full batch is written at once, the rest within `flushIntervalMs`. */
  push(readings: readonly Reading[]): void;
  /** Writes everything queued now; rejects if the database fails (the readings stay queued). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left (retrying up to `closeTimeoutMs`). */
  close(): Promise<void>;
  stats(): MeasurementSinkStats;
}

/** PostgreSQL's NOTIFY payload limit is 8000 bytes; keep a margin. */
export const NOTIFY_PAYLOAD_LIMIT_BYTES = 7900;

const INSERT_SQL =
  "insert into measurements (time, tag, value, quality) " +
  "select * from unnest($1::timestamptz[], $2::text[], $3::float8[], $4::int2[]) " +
  "on conflict (tag, time) do nothing";
const MARK_DIRTY_SQL = "update rollup_state set dirty_from = least(coalesce(dirty_from, $1::timestamptz), $1::timestamptz)";
const NOTIFY_SQL = "select pg_notify($1, payload) from unnest($2::text[]) as payload";

export function createMeasurementSink(db: MeasurementSinkDb, options: MeasurementSinkOptions = {}): MeasurementSink {
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
  const stats: Omit<MeasurementSinkStats, "pending"> = {
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
      await tx.query(INSERT_SQL, [times, tags, values, qualities]);
      await tx.query(MARK_DIRTY_SQL, [minTime]);
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
      return { ...stats, pending: queue.length };
    },
  };
}

function isStorable(reading: Reading): boolean {
  return (
    typeof reading.tag === "string" &&
    reading.tag.length > 0 &&
    reading.time instanceof Date &&
    Number.isFinite(reading.time.getTime()) &&
    Number.isFinite(reading.value) &&
    (reading.quality === 0 || reading.quality === 1 || reading.quality === 2)
  );
}

/**
 * `{"v":[[tag, isoTime, value, quality], …]}` with the latest reading of each tag, split so that
 * every payload stays under NOTIFY_PAYLOAD_LIMIT_BYTES (UTF-8).
 */
export function notificationPayloads(batch: readonly Reading[], limitBytes = NOTIFY_PAYLOAD_LIMIT_BYTES): string[] {
  const latest = new Map<string, Reading>();
  for (const reading of batch) {
    const known = latest.get(reading.tag);
    if (!known || reading.time.getTime() >= known.time.getTime()) latest.set(reading.tag, reading);
  }
  const head = '{"v":[';
  const tail = "]}";
  const payloads: string[] = [];
  let entries: string[] = [];
  let bytes = head.length + tail.length;
  for (const reading of latest.values()) {
    const entry = JSON.stringify([reading.tag, reading.time.toISOString(), reading.value, reading.quality]);
    const entryBytes = Buffer.byteLength(entry, "utf8");
    const separator = entries.length > 0 ? 1 : 0;
    if (entries.length > 0 && bytes + separator + entryBytes > limitBytes) {
      payloads.push(head + entries.join(",") + tail);
      entries = [];
      bytes = head.length + tail.length;
    }
    bytes += (entries.length > 0 ? 1 : 0) + entryBytes;
    entries.push(entry);
  }
  if (entries.length > 0) payloads.push(head + entries.join(",") + tail);
  return payloads;
}
