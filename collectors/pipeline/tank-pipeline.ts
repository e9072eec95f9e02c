import type { SqlExecutor } from "../../db/client";
import { insertTankReadings, type NewTankReading } from "../../db/repositories/tank-readings";
import type { Reading } from "../../server/contracts/measurement";
import type { TankVariable } from "../../server/contracts/site";
import type { Logger } from "../../server/platform/logger";
import type { TankAuditJournal } from "./audit-journal";
import { computeDerived, indexTankConfigs, type TankMeasurementConfig, type TankValues } from "./tank-state";

/**
 * The collector's measurement pipeline (I/O shell around tank-state.ts):
 * - `process(readings)` updates the latest values per tank and returns the derived readings
 *   (gross/net volume at reference conditions, VCF) to be stored with the measured ones — they
 *   travel through the same durable spool;
 * - every `auditIntervalMs` per tank it also writes a full `tank_readings` row with every raw
 *   input, the strapping-table version and the algorithm version, so an auditor can recompute
 *   the figure (A30-MS-18, A31-09). With a `journal` (the collector runtime always gives one) those
 *   rows go to the fsync'd audit journal (audit-journal.ts) and from there to the database,
 *   exactly once, even across a database outage and a kill -9 (A30-MS-16); without one (tests,
 *   tools) they wait in memory and are retried while the process lives.
 */
export interface TankPipeline {
  process(readings: readonly Reading[]): Reading[];
  flush(): Promise<void>;
  /** Resolves once every audit row produced so far is safe (fsync'd in the journal; in memory without one). */
  whenDurable(): Promise<void>;
  close(): Promise<void>;
  stats(): { computed: number; failed: number; auditRowsWritten: number; auditRowsPending: number; auditRowsLost: number };
}

export function createTankPipeline(options: {
  db: SqlExecutor;
  configs: readonly TankMeasurementConfig[];
  logger: Logger;
  auditIntervalMs?: number;
  flushIntervalMs?: number;
  journal?: TankAuditJournal;
}): TankPipeline {
  const journal = options.journal ?? null;
  const auditIntervalMs = options.auditIntervalMs ?? 60_000;
  const byTag = indexTankConfigs(options.configs);
  const values = new Map<number, TankValues>();
  const lastAudit = new Map<number, number>();
  const lastError = new Map<number, string>();
  const pendingAudit: NewTankReading[] = [];
  let computed = 0;
  let failed = 0;
  let written = 0;
  let flushing: Promise<void> | null = null;
  /** Journal mode: the last append (appends are serialized, so it settles after all earlier ones). */
  let lastAppend: Promise<void> = Promise.resolve();
  let appendFailures = 0;

  const flush = (): Promise<void> => {
    flushing ??= (async () => {
      if (journal) {
        // Rows still being appended first: then everything produced so far is in the journal.
        await lastAppend;
        written += await journal.flush();
        return;
      }
      while (pendingAudit.length > 0) {
        const batch = pendingAudit.slice(0, 200);
        await insertTankReadings(options.db, batch);
        pendingAudit.splice(0, batch.length);
        written += batch.length;
      }
    })().finally(() => {
      flushing = null;
    });
    return flushing;
  };

  const timer = setInterval(() => {
    flush().catch((error: unknown) =>
      options.logger.warn({ error: (error as Error).message, pending: journal ? journal.pending() : pendingAudit.length }, "lecturas de tanque pendientes; se reintenta"),
    );
  }, options.flushIntervalMs ?? 5_000);
  timer.unref();

  return {
    process(readings) {
      const levelArrived = new Map<number, { config: TankMeasurementConfig; time: Date }>();
      for (const reading of readings) {
        const entry = byTag.get(reading.tag);
        if (!entry) continue;
        const tankValues = values.get(entry.config.tankId) ?? {};
        const current = tankValues[entry.variable as TankVariable];
        if (current && current.time > reading.time) continue; // a late reading never replaces a newer one
        tankValues[entry.variable as TankVariable] = { value: reading.value, time: reading.time, quality: reading.quality };
        values.set(entry.config.tankId, tankValues);
        if (entry.variable === "level_mm") levelArrived.set(entry.config.tankId, { config: entry.config, time: reading.time });
      }
      const derived: Reading[] = [];
      const auditRows: NewTankReading[] = [];
      for (const { config, time } of levelArrived.values()) {
        const tankValues = values.get(config.tankId)!;
        const result = computeDerived(config, tankValues, time);
        derived.push(...result.readings);
        if (!result.result.ok) {
          failed += 1;
          if (lastError.get(config.tankId) !== result.result.error.message) {
            lastError.set(config.tankId, result.result.error.message);
            // Right after start-up the level may arrive before the density: not worth a warning.
            const level = result.result.error.code === "missing_input" ? "debug" : "warn";
            options.logger[level]({ tank: config.tankKey, code: result.result.error.code }, result.result.error.message);
          }
          continue;
        }
        computed += 1;
        lastError.delete(config.tankId);
        const previous = lastAudit.get(config.tankId);
        if (previous === undefined || time.getTime() - previous >= auditIntervalMs) {
          lastAudit.set(config.tankId, time.getTime());
          const r = result.result.value;
          auditRows.push({
            tankId: config.tankId,
            measurementSystemId: config.measurementSystemId,
            time,
            levelMm: r.inputs.levelMm,
            waterLevelMm: r.inputs.waterLevelMm,
            temperatureC: r.inputs.temperatureC,
            densityKgM3: tankValues.density_kg_m3?.value ?? null,
            baseDensityKgM3: r.baseDensityKgM3,
            pressureKpa: r.inputs.pressureKpa,
            grossVolumeL: r.grossVolumeL,
            waterVolumeL: r.waterVolumeL,
            netVolumeL: r.netVolumeL,
            vcf: r.vcf,
            referenceTemperatureC: r.referenceTemperatureC,
            strappingTableId: r.strappingTableVersionId,
            algorithmId: r.algorithm.id,
            algorithmVersion: r.algorithm.version,
            source: `${config.measurementSystemKey ?? config.tankKey} → ${r.source}`,
            raw: { ...r.inputs, ctl: r.ctl, cpl: r.cpl, procedure: r.procedure, strappingTableVersion: r.strappingTableVersion, warnings: r.warnings },
          });
        }
      }
      if (auditRows.length > 0) {
        if (journal) {
          lastAppend = journal.append(auditRows).catch((error: unknown) => {
            appendFailures += auditRows.length;
            options.logger.error({ error: (error as Error).message, rows: auditRows.length }, "no se pudieron escribir lecturas de tanque en el diario de auditoría");
          });
        } else {
          pendingAudit.push(...auditRows);
        }
      }
      return derived;
    },
    flush,
    whenDurable: () => lastAppend,
    async close() {
      clearInterval(timer);
      await flush().catch((error: unknown) =>
        options.logger.error(
          { error: (error as Error).message, pending: journal ? journal.pending() : pendingAudit.length },
          journal ? "lecturas de tanque pendientes en el diario de auditoría; se guardan al reiniciar" : "no se pudieron guardar lecturas de tanque al detener",
        ),
      );
      await journal?.close();
    },
    stats: () => ({ computed, failed, auditRowsWritten: written, auditRowsPending: journal ? journal.pending() : pendingAudit.length, auditRowsLost: appendFailures }),
  };
}
