import type { Reading } from "../../server/contracts/measurement";
import { createForwarder, type Forwarder, type ForwarderDb } from "../forwarder/forwarder";
import { createPgCopyForwarderDb, type PgCopyForwarderDb } from "../forwarder/pg-copy";
import { openSpool, SpoolFullError, type Spool } from "../spool/spool";
import { isStorable } from "./measurement-sql";
import type { MeasurementSink, MeasurementSinkDb, MeasurementSinkOptions, MeasurementSinkStats } from "./measurement-sink";

/**
 * The durable mode of the measurement sink: spool + forwarder behind push/flush/close/stats.
 * See measurement-sink.ts for the contract; collectors/spool and collectors/forwarder for how.
 */

export interface DurableSink extends MeasurementSink {
  /** Resolves once the spool is open and recovered and the forwarder runs; rejects if it cannot open. */
  readonly ready: Promise<void>;
}

const noop = (): void => undefined;

export function createDurableSink(
  db: MeasurementSinkDb | null,
  options: MeasurementSinkOptions & { spoolDir: string; collectorKey: string },
): DurableSink {
  const logger = options.logger?.child({ component: "spool", collectorKey: options.collectorKey });
  const maxBatch = options.maxBatch ?? 5000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 5000;
  if (!(maxBatch > 0)) throw new RangeError(`maxBatch debe ser > 0: ${maxBatch}`);

  // On PostgreSQL with a URL the forwarder gets its own connection and loads with COPY.
  const copyDb: PgCopyForwarderDb | null = options.databaseUrl ? createPgCopyForwarderDb(options.databaseUrl, "aforo-collector") : null;
  if (!copyDb && !db) throw new Error("el receptor de mediciones necesita una base de datos o databaseUrl");
  const forwarderDb: ForwarderDb = copyDb ?? db!;
  let spool: Spool | null = null;
  let forwarder: Forwarder | null = null;
  let openError: Error | null = null;
  let closed = false;
  let rejected = 0;
  let refused = 0;
  let lastError: string | null = null;

  const ready = (async () => {
    const opened = await openSpool({
      maxRecordReadings: maxBatch,
      ...options.spool,
      dir: options.spoolDir,
      logger,
    });
    spool = opened;
    const status = opened.status();
    if (status.pendingReadings > 0) {
      logger?.info({ pendingReadings: status.pendingReadings, pendingRecords: status.pendingRecords }, "spool con lecturas pendientes de enviar");
    }
    forwarder = createForwarder(forwarderDb, opened, {
      collectorKey: options.collectorKey,
      maxBatchReadings: maxBatch,
      maxRetryDelayMs: options.maxRetryDelayMs,
      logger,
      onReplay: options.onReplay,
      onChecksumMismatch: options.onChecksumMismatch,
      onStored: options.onStored,
    });
    forwarder.start();
  })();
  ready.catch(async (error: unknown) => {
    await copyDb?.close().catch(noop);
    openError = error instanceof Error ? error : new Error(String(error));
    lastError = openError.message;
    logger?.error({ err: error, dir: options.spoolDir }, "no se pudo abrir el spool de mediciones");
  });

  // One `Promise<void>` per spool group rather than per push: a driver pushes one reading at a
  // time, thousands per second, and they all share the group's fsync.
  let lastGroup: Promise<unknown> | null = null;
  let lastGroupVoid: Promise<void> = Promise.resolve();
  function append(target: Spool, valid: readonly Reading[]): Promise<void> {
    let group: Promise<unknown>;
    try {
      group = target.append(valid);
    } catch (error) {
      if (error instanceof SpoolFullError) refused += valid.length;
      lastError = (error as Error).message;
      const refusal = Promise.reject(error);
      refusal.catch(noop);
      return refusal;
    }
    if (group !== lastGroup) {
      lastGroup = group;
      lastGroupVoid = group.then(noop);
      // The caller (a driver) may ignore the promise: a write error is reported by the spool anyway.
      lastGroupVoid.catch(noop);
    }
    return lastGroupVoid;
  }

  return {
    ready,
    push(readings) {
      if (closed) throw new Error("el receptor de mediciones está cerrado");
      let valid: readonly Reading[] = readings;
      for (let i = 0; i < readings.length; i++) {
        if (isStorable(readings[i]!)) continue;
        // Rare: copy the storable ones only.
        const kept: Reading[] = readings.slice(0, i);
        for (let j = i; j < readings.length; j++) {
          const reading = readings[j]!;
          if (isStorable(reading)) kept.push(reading);
          else {
            rejected += 1;
            logger?.error({ tag: reading.tag, value: reading.value }, "lectura inválida descartada");
          }
        }
        valid = kept;
        break;
      }
      if (valid.length === 0) return Promise.resolve();
      if (spool) return append(spool, valid);
      const later = ready.then(() => append(spool!, valid));
      later.catch(noop);
      return later;
    },
    async flush() {
      await ready;
      await spool!.sync();
      await forwarder!.drain();
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await ready;
      } catch {
        return;
      }
      const s = spool!;
      const f = forwarder!;
      await s.sync().catch(noop);
      // Keep trying to deliver until the deadline; whatever is left stays in the spool.
      const deadline = Date.now() + closeTimeoutMs;
      let delivered = false;
      while (!delivered && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        delivered = await Promise.race([
          f.drain().then(
            () => true,
            () => false,
          ),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
          }),
        ]);
        clearTimeout(timer);
        if (!delivered) await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(200, deadline - Date.now()))));
      }
      const timedOut = !delivered;
      await f.stop();
      const status = s.status();
      if (status.pendingReadings > 0) {
        logger?.info(
          { pendingReadings: status.pendingReadings, timedOut, dir: options.spoolDir },
          "lecturas pendientes quedan en el spool; se enviarán al reiniciar el colector",
        );
      }
      await s.close();
      await copyDb?.close().catch(noop);
    },
    stats(): MeasurementSinkStats {
      const spoolStatus = spool?.status();
      const forwarderStats = forwarder?.stats();
      return {
        pending: (spoolStatus?.pendingReadings ?? 0) + (spoolStatus?.stagedReadings ?? 0),
        written: forwarderStats?.written ?? 0,
        batches: forwarderStats?.batches ?? 0,
        notifications: forwarderStats?.notifications ?? 0,
        failedAttempts: forwarderStats?.failedAttempts ?? 0,
        rejected,
        lastError: forwarderStats?.lastError ?? spoolStatus?.lastError ?? lastError,
        durable: true,
        refused,
        replays: forwarderStats?.replays ?? 0,
        checksumMismatches: forwarderStats?.checksumMismatches ?? 0,
        spool: spoolStatus,
        forwarder: forwarderStats,
      };
    },
  };
}
