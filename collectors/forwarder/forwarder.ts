import type { Database } from "../../db/client";
import { MEASUREMENTS_CHANNEL, type Reading } from "../../server/contracts/measurement";
import type { Logger } from "../../server/platform/logger";
import { INSERT_MEASUREMENTS_SQL, MARK_ROLLUPS_DIRTY_SQL, NOTIFY_SQL, notificationPayloads } from "../sink/measurement-sql";
import type { Spool, SpoolRecord } from "../spool/spool";
import type { ReadingColumns } from "../spool/record";
import { encodeMeasurementsCopy } from "./pg-copy";

/**
 * Drains a collector's spool into the database, in sequence order, exactly once.
 *
 * Each database batch is one transaction over one or more consecutive spool records:
 *   1. `insert into collector_batches (collector_key, sequence, …) … on conflict do nothing
 *      returning sequence` — one row per record, with its row count and SHA-256 checksum;
 *   2. a record whose (collector_key, sequence) was already there is a REPLAY when the stored
 *      checksum is the same (the previous attempt committed but its cursor was not saved: crash,
 *      lost COMMIT reply). Its readings are not inserted again (A30-MS-14: a replayed batch is
 *      stored once) and `onReplay` reports it (alarm type 4, "Registros incompletos o duplicados");
 *   3. with a different checksum it is a TRANSMISSION ERROR (two senders with one key, a damaged
 *      batch): `onChecksumMismatch` reports it (alarm type 9) and its readings are still
 *      inserted, so no measurement is lost (duplicates of (tag, time) are ignored anyway);
 *   4. the readings of the other records go in with one COPY (forwarder's own PostgreSQL
 *      connection, pg-copy.ts) or one `unnest` insert, inside a savepoint; if a (tag, time) is
 *      already stored (a driver re-delivered a sample after a reconnect) that fast path fails and
 *      the batch is inserted with `on conflict (tag, time) do nothing` instead. The rollups are
 *      marked dirty from the earliest time.
 * After COMMIT: `pg_notify` with the latest reading per tag (payloads < 7900 bytes; a failed
 * notification does not undo anything), then the spool cursor moves past the batch.
 *
 * The database row and the cursor are not written atomically together; the collector_batches row
 * makes that safe: whatever was committed before a crash is recognised when re-sent.
 *
 * Outage: a failed transaction is retried forever, same records, same order, with exponential
 * backoff capped at `maxRetryDelayMs`. Readings keep arriving in the spool meanwhile (bounded by
 * its size), and are sent in order once the database is back.
 */

/** What the forwarder needs of a transaction: queries, and COPY FROM STDIN when the connection can (pg-copy.ts). */
export interface ForwarderTx {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** COPY … FROM STDIN; `onDataSent` runs once the data is on its way (the server is loading it). */
  copyFrom?(statement: string, chunks: readonly Buffer[], onDataSent?: () => void): Promise<number>;
}

/** A `Database` (PGlite or PostgreSQL, unnest inserts) or the forwarder's own COPY-capable PostgreSQL connection. */
export interface ForwarderDb {
  query: Database["query"];
  transaction<T>(fn: (tx: ForwarderTx) => Promise<T>): Promise<T>;
  /** True when transactions offer `copyFrom` (the batch is then pre-encoded for COPY). */
  readonly supportsCopy?: boolean;
}

export interface BatchRef {
  collectorKey: string;
  sequence: number;
  rowCount: number;
  checksum: string;
}

export interface ChecksumMismatch extends BatchRef {
  storedChecksum: string;
}

export interface StoredBatchesEvent {
  /** Records whose readings were inserted in this transaction (new ones and mismatched ones). */
  records: readonly SpoolRecord[];
  rows: number;
  /** Wall-clock time right after COMMIT returned. */
  committedAtMs: number;
}

export interface ForwarderOptions {
  collectorKey: string;
  /** Readings per database transaction (whole records; at least one record). Default 10 000. */
  maxBatchReadings?: number;
  /** Cap of the retry backoff. Default 10 s. */
  maxRetryDelayMs?: number;
  /** First retry delay. Default 250 ms. */
  initialRetryDelayMs?: number;
  /** Send pg_notify after each batch. Default true. */
  notify?: boolean;
  logger?: Logger;
  onReplay?: (batch: BatchRef) => void;
  onChecksumMismatch?: (batch: ChecksumMismatch) => void;
  onStored?: (event: StoredBatchesEvent) => void;
}

export type ForwarderState = "idle" | "forwarding" | "retrying" | "stopped";

export interface ForwarderStats {
  state: ForwarderState;
  /** Database transactions committed. */
  batches: number;
  /** Spool records stored (replays excluded). */
  records: number;
  /** Readings sent in inserts (duplicates of (tag, time) included: the database ignores them). */
  written: number;
  replays: number;
  checksumMismatches: number;
  notifications: number;
  failedAttempts: number;
  consecutiveFailures: number;
  lastError: string | null;
  /** Last sequence known to be in the database. */
  forwardedSequence: number;
  lastSuccessAt: Date | null;
}

export interface Forwarder {
  start(): void;
  /** Resolves once everything durable in the spool when called is in the database; rejects on a database failure (it keeps retrying). */
  drain(): Promise<void>;
  /** Stops after the transaction in flight; what is left stays in the spool. */
  stop(): Promise<void>;
  stats(): ForwarderStats;
}

export interface StoreOutcome {
  stored: SpoolRecord[];
  replays: BatchRef[];
  mismatches: ChecksumMismatch[];
  rows: number;
}

const INSERT_BATCHES_SQL =
  "insert into collector_batches (collector_key, sequence, row_count, checksum, first_time, last_time) " +
  "select $1, * from unnest($2::int8[], $3::int4[], $4::text[], $5::timestamptz[], $6::timestamptz[]) " +
  "on conflict (collector_key, sequence) do nothing returning sequence";
const EXISTING_BATCHES_SQL = "select sequence, checksum from collector_batches where collector_key = $1 and sequence = any($2::int8[])";
/** Fast path without the ON CONFLICT arbiter (see storePreparedBatch). */
const INSERT_MEASUREMENTS_FAST_SQL =
  "insert into measurements (time, tag, value, quality) select * from unnest($1::timestamptz[], $2::text[], $3::float8[], $4::int2[])";
const COPY_MEASUREMENTS_SQL = "copy measurements (time, tag, value, quality) from stdin";
const UNIQUE_VIOLATION = "23505";

/** The parameters of one database batch, computed ahead (while the previous batch is in the database). */
export interface PreparedBatch {
  records: readonly SpoolRecord[];
  batchParams: [number[], number[], string[], (string | null)[], (string | null)[]];
  /** Columns of every reading of the batch, in order (times as ISO strings). */
  times: string[];
  tags: string[];
  values: number[];
  qualities: number[];
  /** First row of each record in the columns (records[i] spans offsets[i] .. offsets[i + 1]). */
  offsets: number[];
  /** The columns as COPY text data, when the database can COPY. */
  copyChunks: Buffer[] | null;
  /** NOTIFY payloads of the whole batch (latest reading per tag), when notifications are on. */
  notifyPayloads: string[] | null;
}

export interface PrepareOptions {
  /** Pre-encode the COPY data. */
  copy?: boolean;
  /** Pre-compute the NOTIFY payloads. */
  notify?: boolean;
}

/** Everything a batch needs besides the database, computed off the critical path (pure CPU work). */
export function prepareBatch(records: readonly SpoolRecord[], options: PrepareOptions = {}): PreparedBatch {
  let rows = 0;
  for (const record of records) rows += record.count;
  const times: string[] = new Array(rows);
  const tags: string[] = new Array(rows);
  const values: number[] = new Array(rows);
  const qualities: number[] = new Array(rows);
  const offsets: number[] = [];
  const sequences: number[] = [];
  const counts: number[] = [];
  const checksums: string[] = [];
  const firstTimes: (string | null)[] = [];
  const lastTimes: (string | null)[] = [];
  // Readings of one scan share their timestamp: format each distinct instant once.
  const iso = new Map<number, string>();
  let k = 0;
  for (const record of records) {
    offsets.push(k);
    const c = record.columns;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < record.count; i++, k++) {
      const ms = c.timeMs[i]!;
      if (ms < min) min = ms;
      if (ms > max) max = ms;
      let text = iso.get(ms);
      if (text === undefined) {
        text = new Date(ms).toISOString();
        if (iso.size < 65_536) iso.set(ms, text);
      }
      times[k] = text;
      tags[k] = c.tag[i]!;
      values[k] = c.value[i]!;
      qualities[k] = c.quality[i]!;
    }
    sequences.push(record.sequence);
    counts.push(record.count);
    checksums.push(record.checksum);
    firstTimes.push(record.count > 0 ? new Date(min).toISOString() : null);
    lastTimes.push(record.count > 0 ? new Date(max).toISOString() : null);
  }
  offsets.push(k);
  const copyChunks = options.copy ? encodeMeasurementsCopy(times, tags, values, qualities) : null;
  const notifyPayloads = options.notify && rows > 0 ? notificationPayloads(latestReadings(records.map((r) => r.columns))) : null;
  return { records, batchParams: [sequences, counts, checksums, firstTimes, lastTimes], times, tags, values, qualities, offsets, copyChunks, notifyPayloads };
}

/**
 * Stores consecutive spool records in one transaction with replay detection (see the file
 * comment). Exported for tests and tools; the forwarder calls storePreparedBatch in its loop.
 */
export async function storeSpoolRecords(db: ForwarderDb, collectorKey: string, records: readonly SpoolRecord[]): Promise<StoreOutcome> {
  return storePreparedBatch(db, collectorKey, prepareBatch(records, { copy: db.supportsCopy === true }));
}

/**
 * `onBulkSent` is called once the measurements' COPY/insert has been handed to the connection:
 * the forwarder starts reading and preparing the next batch then, while the database loads this one.
 */
export async function storePreparedBatch(db: ForwarderDb, collectorKey: string, batch: PreparedBatch, onBulkSent?: () => void): Promise<StoreOutcome> {
  const { records } = batch;
  return db.transaction(async (tx) => {
    const inserted = await tx.query<{ sequence: string | number | bigint }>(INSERT_BATCHES_SQL, [collectorKey, ...batch.batchParams]);
    const fresh = new Set(inserted.map((row) => Number(row.sequence)));
    const replays: BatchRef[] = [];
    const mismatches: ChecksumMismatch[] = [];
    let stored: readonly SpoolRecord[] = records;
    let params: [string[], string[], number[], number[]] = [batch.times, batch.tags, batch.values, batch.qualities];
    let filteredParams: typeof params | null = null;
    if (fresh.size < records.length) {
      const known = records.filter((r) => !fresh.has(r.sequence));
      const existing = await tx.query<{ sequence: string | number | bigint; checksum: string }>(EXISTING_BATCHES_SQL, [
        collectorKey,
        known.map((r) => r.sequence),
      ]);
      const storedChecksums = new Map(existing.map((row) => [Number(row.sequence), row.checksum]));
      const skipped = new Set<number>();
      for (const record of known) {
        const storedChecksum = storedChecksums.get(record.sequence);
        const ref = { collectorKey, sequence: record.sequence, rowCount: record.count, checksum: record.checksum };
        if (storedChecksum === record.checksum) {
          replays.push(ref);
          skipped.add(record.sequence);
        } else mismatches.push({ ...ref, storedChecksum: storedChecksum ?? "" });
      }
      stored = records.filter((r) => !skipped.has(r.sequence));
      const keep: [string[], string[], number[], number[]] = [[], [], [], []];
      records.forEach((record, i) => {
        if (skipped.has(record.sequence)) return;
        for (let k = batch.offsets[i]!; k < batch.offsets[i + 1]!; k++) {
          keep[0].push(batch.times[k]!);
          keep[1].push(batch.tags[k]!);
          keep[2].push(batch.values[k]!);
          keep[3].push(batch.qualities[k]!);
        }
      });
      params = keep;
      filteredParams = keep;
    }
    const rows = params[0].length;
    if (rows > 0) {
      // Fast path: COPY (the forwarder's own PostgreSQL connection) or a plain insert — no
      // ON CONFLICT arbiter, whose check-then-insert costs a second index probe per row. A
      // duplicate (tag, time), e.g. a sample a driver delivered again after a reconnect, makes it
      // fail with 23505; the batch is then inserted with `on conflict (tag, time) do nothing`.
      // Same result either way: every new (tag, time) stored once, duplicates ignored.
      await tx.query("savepoint aforo_measurements");
      try {
        if (tx.copyFrom) {
          const chunks = filteredParams || !batch.copyChunks ? encodeMeasurementsCopy(...params) : batch.copyChunks;
          await tx.copyFrom(COPY_MEASUREMENTS_SQL, chunks, onBulkSent);
        } else {
          const inserting = tx.query(INSERT_MEASUREMENTS_FAST_SQL, params);
          onBulkSent?.();
          await inserting;
        }
        await tx.query("release savepoint aforo_measurements");
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        await tx.query("rollback to savepoint aforo_measurements");
        await tx.query(INSERT_MEASUREMENTS_SQL, params);
      }
      let minTimeMs = Number.POSITIVE_INFINITY;
      for (const record of stored) {
        for (const ms of record.columns.timeMs) if (ms < minTimeMs) minTimeMs = ms;
      }
      await tx.query(MARK_ROLLUPS_DIRTY_SQL, [new Date(minTimeMs).toISOString()]);
    }
    return { stored: [...stored], replays, mismatches, rows };
  });
}

/** Latest reading per tag over some records (what the NOTIFY carries). */
export function latestReadings(columnsList: readonly ReadingColumns[]): Reading[] {
  const latest = new Map<string, number>();
  const where = new Map<string, [ReadingColumns, number]>();
  for (const columns of columnsList) {
    for (let i = 0; i < columns.tag.length; i++) {
      const tag = columns.tag[i]!;
      const ms = columns.timeMs[i]!;
      const known = latest.get(tag);
      if (known === undefined || ms >= known) {
        latest.set(tag, ms);
        where.set(tag, [columns, i]);
      }
    }
  }
  const out: Reading[] = [];
  for (const [tag, [columns, i]] of where) out.push({ tag, time: new Date(columns.timeMs[i]!), value: columns.value[i]!, quality: columns.quality[i]! });
  return out;
}

export function createForwarder(db: ForwarderDb, spool: Spool, options: ForwarderOptions): Forwarder {
  return new SpoolForwarder(db, spool, options);
}

interface DrainWaiter {
  target: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

class SpoolForwarder implements Forwarder {
  private readonly maxBatchReadings: number;
  private readonly maxRetryDelayMs: number;
  private readonly initialRetryDelayMs: number;
  private readonly logger: Logger | undefined;
  private readonly counters: Omit<ForwarderStats, "state" | "forwardedSequence" | "consecutiveFailures"> = {
    batches: 0,
    records: 0,
    written: 0,
    replays: 0,
    checksumMismatches: 0,
    notifications: 0,
    failedAttempts: 0,
    lastError: null,
    lastSuccessAt: null,
  };
  private state: ForwarderState = "idle";
  private forwardedSequence: number;
  private readonly prepareOptions: PrepareOptions;
  /** Stored and cursor written (what drain() waits for). */
  private settledSequence: number;
  private consecutiveFailures = 0;
  private running: Promise<void> | null = null;
  private stopping = false;
  private unsubscribe: (() => void) | null = null;
  private waiters: DrainWaiter[] = [];
  /** Set when new data arrived while not sleeping, so the next idle wait returns at once. */
  private dataSignal = false;
  private retrySignal = false;
  private wakeSleeper: ((reason: "data" | "retry") => void) | null = null;

  constructor(
    private readonly db: ForwarderDb,
    private readonly spool: Spool,
    private readonly options: ForwarderOptions,
  ) {
    this.maxBatchReadings = options.maxBatchReadings ?? 10_000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000;
    this.initialRetryDelayMs = options.initialRetryDelayMs ?? 250;
    this.logger = options.logger;
    this.forwardedSequence = spool.status().committedSequence;
    this.settledSequence = this.forwardedSequence;
    this.prepareOptions = { copy: db.supportsCopy === true, notify: options.notify !== false };
    if (!(this.maxBatchReadings > 0)) throw new RangeError(`maxBatchReadings debe ser > 0: ${this.maxBatchReadings}`);
  }

  start(): void {
    if (this.running || this.stopping) return;
    this.unsubscribe = this.spool.onDurable(() => this.wake("data"));
    this.running = this.loop();
  }

  drain(): Promise<void> {
    const target = this.spool.status().lastSequence;
    if (this.settledSequence >= target) return Promise.resolve();
    if (this.stopping) return Promise.reject(new Error("el reenvío está detenido"));
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ target, resolve, reject });
      // A flush means "try now": cut a backoff wait short.
      this.wake("retry");
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake("retry");
    await this.running;
    this.running = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.state = "stopped";
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(new Error("el reenvío se detuvo antes de guardar todo"));
  }

  stats(): ForwarderStats {
    return { ...this.counters, state: this.state, forwardedSequence: this.forwardedSequence, consecutiveFailures: this.consecutiveFailures };
  }

  private wake(reason: "data" | "retry"): void {
    if (reason === "data") this.dataSignal = true;
    else this.retrySignal = true;
    this.wakeSleeper?.(reason);
  }

  /** Sleeps up to `ms`; new data ends an idle wait, drain()/stop() end any wait. */
  private sleep(ms: number, wakeOnData: boolean): Promise<void> {
    if (this.stopping || this.retrySignal || (wakeOnData && this.dataSignal)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wakeSleeper = null;
        resolve();
      }
      this.wakeSleeper = (reason) => {
        if (reason === "retry" || wakeOnData) done();
      };
    });
  }

  /**
   * The loop, pipelined so that the database and this process work at the same time: while batch
   * N is in its transaction, batch N+1 is read from the spool and its parameters prepared; the
   * cursor write and the NOTIFY of batch N overlap with the transaction of N+1 (one of each in
   * flight at most). Order is kept: batches are stored strictly one after another.
   */
  private async loop(): Promise<void> {
    // Holder, not a plain variable: it is filled from the onBulkSent callback.
    const ahead: { batch: Promise<PreparedBatch | null> | null } = { batch: null };
    let committing: Promise<void> = Promise.resolve();
    let notifying: Promise<void> = Promise.resolve();
    while (!this.stopping) {
      this.dataSignal = false;
      this.retrySignal = false;
      let batch: PreparedBatch | null = ahead.batch ? await ahead.batch : null;
      ahead.batch = null;
      if (!batch || batch.records.length === 0) {
        try {
          batch = prepareBatch(await this.spool.read(this.forwardedSequence, this.maxBatchReadings), this.prepareOptions);
        } catch (error) {
          this.onFailure(error, "no se pudo leer el spool");
          await this.sleep(this.retryDelayMs(), false);
          continue;
        }
      }
      const records: readonly SpoolRecord[] = batch.records;
      if (records.length === 0) {
        this.state = "idle";
        await committing;
        this.settleWaiters(this.forwardedSequence);
        await this.sleep(1000, true);
        continue;
      }
      this.state = this.consecutiveFailures > 0 ? "retrying" : "forwarding";
      const last: number = records[records.length - 1]!.sequence;
      // Read ahead while the database loads this batch (discarded if this batch fails).
      let startPrefetch: (() => void) | null = () => {
        startPrefetch = null;
        ahead.batch = this.spool.read(last, this.maxBatchReadings).then(
          (next) => prepareBatch(next, this.prepareOptions),
          () => null,
        );
      };
      const storing = storePreparedBatch(this.db, this.options.collectorKey, batch, () => startPrefetch?.());
      let outcome: StoreOutcome;
      try {
        outcome = await storing;
        // A replay-only batch never sends measurements: read ahead now.
        (startPrefetch as (() => void) | null)?.();
      } catch (error) {
        startPrefetch = null;
        ahead.batch = null;
        this.onFailure(error, "no se pudieron guardar las mediciones del spool; se reintentará");
        await this.sleep(this.retryDelayMs(), false);
        continue;
      }
      const committedAtMs = Date.now();
      if (this.consecutiveFailures > 0) {
        this.logger?.info({ failures: this.consecutiveFailures, pending: this.spool.status().pendingReadings }, "la base de datos vuelve a aceptar mediciones");
      }
      this.consecutiveFailures = 0;
      this.forwardedSequence = last;
      this.counters.batches += 1;
      this.counters.records += outcome.stored.length;
      this.counters.written += outcome.rows;
      this.counters.replays += outcome.replays.length;
      this.counters.checksumMismatches += outcome.mismatches.length;
      this.counters.lastSuccessAt = new Date(committedAtMs);
      // Cursor after the database: a crash in between only causes a detected replay. A failed
      // cursor write is not fatal for the same reason (the next commit covers it). drain()
      // waiters are released once the cursor is durable.
      committing = this.spool
        .commit(last)
        .catch((error: unknown) => this.logger?.error({ err: error }, "no se pudo guardar el cursor del spool"))
        .then(() => this.settleWaiters(last));
      for (const replay of outcome.replays) {
        this.logger?.warn(replay, "lote repetido del colector: ya estaba guardado (se guarda una sola vez)");
        this.callback(() => this.options.onReplay?.(replay));
      }
      for (const mismatch of outcome.mismatches) {
        this.logger?.error(mismatch, "lote del colector con la misma secuencia y otro contenido (error de transmisión)");
        this.callback(() => this.options.onChecksumMismatch?.(mismatch));
      }
      if (outcome.stored.length > 0) {
        this.callback(() => this.options.onStored?.({ records: outcome.stored, rows: outcome.rows, committedAtMs }));
        if (this.options.notify !== false) {
          await notifying;
          // Payloads of the whole batch were computed ahead; recompute only if replays were left out.
          const payloads =
            outcome.stored.length === records.length && batch.notifyPayloads
              ? batch.notifyPayloads
              : notificationPayloads(latestReadings(outcome.stored.map((r) => r.columns)));
          notifying = this.notify(payloads);
        }
      }
    }
    await committing;
    await notifying;
    this.state = "stopped";
  }

  private async notify(payloads: string[]): Promise<void> {
    try {
      await this.db.query(NOTIFY_SQL, [MEASUREMENTS_CHANNEL, payloads]);
      this.counters.notifications += payloads.length;
    } catch (error) {
      this.logger?.warn({ err: error }, "no se pudo notificar el lote de mediciones (los datos sí se guardaron)");
    }
  }

  private callback(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.logger?.error({ err: error }, "un observador del reenvío lanzó un error");
    }
  }

  private onFailure(error: unknown, message: string): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.consecutiveFailures += 1;
    this.counters.failedAttempts += 1;
    this.counters.lastError = err.message;
    this.state = "retrying";
    const status = this.spool.status();
    this.logger?.warn({ err, pending: status.pendingReadings, retryInMs: this.retryDelayMs(), failures: this.consecutiveFailures }, message);
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(err);
  }

  private retryDelayMs(): number {
    return Math.min(this.maxRetryDelayMs, this.initialRetryDelayMs * 2 ** Math.min(Math.max(0, this.consecutiveFailures - 1), 20));
  }

  /** Releases drain() waiters whose target is within `durableSequence` (stored and cursor written). */
  private settleWaiters(durableSequence: number): void {
    if (durableSequence > this.settledSequence) this.settledSequence = durableSequence;
    if (this.waiters.length === 0) return;
    const remaining: DrainWaiter[] = [];
    for (const waiter of this.waiters) {
      if (durableSequence >= waiter.target) waiter.resolve();
      else remaining.push(waiter);
    }
    this.waiters = remaining;
  }
}
