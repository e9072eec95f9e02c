import type { Database } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import {
  insertSaleTotalizerReadings,
  loadCheckpoint,
  loadDetectionTargets,
  loadDuctTargets,
  readDuctSeriesAfter,
  readingAtOrBefore,
  tankBaseDensityAtOrBefore,
  tankReadingsCovering,
  readTagAfter,
  readTagAround,
  readTankReadingsAfter,
  readTankSeriesFromMeasurements,
  saveCheckpoint,
  tagHasData,
  tankReadingAtOrBefore,
  type DuctTarget,
  type HoseTarget,
  type TankReadingPoint,
  type TankTarget,
} from "../../../db/repositories/operations";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import {
  DEFAULT_DUCT_BATCH_DETECTOR_CONFIG,
  DEFAULT_RECEPTION_DETECTOR_CONFIG,
  attributeDuctBatch,
  stepDuctBatchDetector,
  type DetectedDuctBatch,
  type DuctBatchDetectorConfig,
  DEFAULT_SALE_DETECTOR_CONFIG,
  PUBLIC_RFC,
  incompleteReasons,
  initialReceptionDetectorState,
  meteredBetween,
  receivedVolumes,
  round3,
  sourceKeys,
  stepReceptionDetector,
  stepSaleDetector,
  type DetectedReception,
  type DetectedSale,
  type ReceptionDetectorConfig,
  type ReceptionDetectorState,
  type SaleDetectorConfig,
  type SaleDetectorState,
} from "../../domain/operations/index";
import type { Job } from "../../jobs/scheduler";
import type { Logger } from "../../platform/logger";
import { calculateVcf } from "../../domain/measurement/vcf/index";
import { defaultCommodity } from "../../domain/measurement/tank-volume";
import { storeAutomaticOperation, storeAutomaticOperations, type StoreOutcome } from "./store";

/**
 * The operation-detection job (A30-REC-01, A30-MS-20): reads, per tank, the stock series (the
 * measurement pipeline's full-rate net/gross volume and temperature measurements; the
 * tank_readings rows where there are none) and, per hose, the totalizer measurements stored since
 * its checkpoint, runs the pure detectors and
 * writes one operation per reception/sale that ended. Each element's new operations and its
 * checkpoint (detector state + last sample time, app_settings `operations.detector.<kind>.<id>`)
 * are written in ONE transaction, so a crash never loses or repeats a record; a reprocessed or
 * duplicated input hits the source key and raises one type-4 alarm instead (A30-ALM-08).
 */

export interface OperationDetectionOptions {
  reception?: Partial<ReceptionDetectorConfig>;
  sale?: Partial<SaleDetectorConfig>;
  duct?: Partial<DuctBatchDetectorConfig>;
  /** Samples read per element per query. Default 5000. */
  batchSize?: number;
  logger?: Logger;
}

export interface DetectionRunSummary {
  receptions: number;
  deliveries: number;
  duplicates: number;
  matched: number;
  rejectedRises: number;
  totalizerResets: number;
  /** Of `deliveries` / `receptions`: duct meter batches (truck loadings, pipeline receipts). */
  ductDeliveries: number;
  ductReceptions: number;
}

interface TankCheckpoint {
  lastTime: string | null;
  state: ReceptionDetectorState;
  /** Series read: the pipeline's full-rate measurements, or the tank_readings rows when there are none. */
  source?: "measurements" | "tank_readings";
}
interface HoseCheckpoint {
  lastTime: string | null;
  state: SaleDetectorState | null;
}

export const tankCheckpointKey = (tankId: number) => `operations.detector.tank.${tankId}`;
export const hoseCheckpointKey = (hoseId: number) => `operations.detector.hose.${hoseId}`;
export const ductCheckpointKey = (ductId: number) => `operations.detector.duct.${ductId}`;

export async function runOperationDetection(db: Database, now: Date, options: OperationDetectionOptions = {}): Promise<DetectionRunSummary> {
  const receptionConfig = { ...DEFAULT_RECEPTION_DETECTOR_CONFIG, ...options.reception };
  const saleConfig = { ...DEFAULT_SALE_DETECTOR_CONFIG, ...options.sale };
  const ductConfig = { ...DEFAULT_DUCT_BATCH_DETECTOR_CONFIG, ...options.duct };
  const batchSize = options.batchSize ?? 5000;
  const summary: DetectionRunSummary = { receptions: 0, deliveries: 0, duplicates: 0, matched: 0, rejectedRises: 0, totalizerResets: 0, ductDeliveries: 0, ductReceptions: 0 };
  const count = (outcome: StoreOutcome, type: "reception" | "delivery"): void => {
    if (outcome.kind === "created") summary[type === "reception" ? "receptions" : "deliveries"] += 1;
    else if (outcome.kind === "duplicate") summary.duplicates += 1;
    else summary.matched += 1;
  };
  const targets = await loadDetectionTargets(db);

  for (const hose of targets.flatMap((t) => t.hoses)) {
    const key = hoseCheckpointKey(hose.hoseId);
    let checkpoint = (await loadCheckpoint<HoseCheckpoint>(db, key)) ?? { lastTime: null, state: null };
    for (;;) {
      const rows = await readTagAfter(db, hose.totalizerTag, checkpoint.lastTime ? new Date(checkpoint.lastTime) : null, batchSize);
      if (rows.length === 0) break;
      const result = stepSaleDetector(checkpoint.state, rows.map((r) => ({ time: r.time.getTime(), valueL: r.value })), saleConfig);
      const next: HoseCheckpoint = { lastTime: rows.at(-1)!.time.toISOString(), state: result.state };
      // The tank readings that correct the sales' volumes: one query for the whole batch.
      const readings =
        result.sales.length > 0 ? await tankReadingsCovering(db, hose.tankId, new Date(result.sales[0]!.endTime), new Date(result.sales.at(-1)!.endTime)) : [];
      const prepared = result.sales.map((sale) => saleOperation(hose, sale, readingAtOrBefore(readings, new Date(sale.endTime)), now));
      // One transaction per element and batch: multi-row inserts, numbers reserved in a block (A30-REC-04).
      await db.transaction(async (tx) => {
        const outcomes = await storeAutomaticOperations(tx, prepared, hose.hoseKey, now);
        const readingsToStore: Parameters<typeof insertSaleTotalizerReadings>[1][number][] = [];
        outcomes.forEach((outcome, i) => {
          count(outcome, "delivery");
          const op = prepared[i]!;
          if (outcome.kind === "created") {
            readingsToStore.push({
              dispenserId: hose.dispenserId,
              hoseId: hose.hoseId,
              time: op.endAt,
              totalizerL: op.totalizerAfter,
              operationId: outcome.id,
              source: op.sourceDevice ?? hose.totalizerTag,
            });
          }
        });
        await insertSaleTotalizerReadings(tx, readingsToStore);
        for (const anomaly of result.anomalies) {
          summary.totalizerResets += 1;
          await appendEventLog(tx, {
            time: now,
            username: "sistema",
            category: EVENT_CATEGORY.ucc,
            eventType: EVENT_CATEGORY.ucc,
            description: `El totalizador de la manguera ${hose.hoseKey} retrocedió de ${anomaly.fromL.toFixed(3)} L a ${anomaly.toL.toFixed(3)} L (reinicio): no se registró volumen negativo`,
            component: hose.hoseKey,
            installationId: hose.installationId,
            details: { tag: hose.totalizerTag, time: new Date(anomaly.time).toISOString(), fromL: anomaly.fromL, toL: anomaly.toL },
          });
        }
        await saveCheckpoint(tx, key, next, now);
      });
      checkpoint = next;
      if (rows.length < batchSize) break;
    }
  }

  // Duct meter batches (truck loadings, pipeline receipts) before the tanks: an inlet batch is the
  // reception record, and the tank's level-rise detector then finds it ("matched") instead of
  // storing the same discharge twice.
  const ducts = await loadDuctTargets(db);
  for (const duct of ducts) {
    const key = ductCheckpointKey(duct.ductId);
    let checkpoint = (await loadCheckpoint<HoseCheckpoint>(db, key)) ?? { lastTime: null, state: null };
    const tanks = targets.filter((t) => t.installationId === duct.installationId);
    for (;;) {
      const rows = await readDuctSeriesAfter(db, duct.grossTag, duct.inOperationTag, checkpoint.lastTime ? new Date(checkpoint.lastTime) : null, batchSize);
      if (rows.length === 0) break;
      const result = stepDuctBatchDetector(checkpoint.state, rows.map((r) => ({ time: r.time.getTime(), valueL: r.value, inOperation: r.inOperation })), ductConfig);
      const next: HoseCheckpoint = { lastTime: rows.at(-1)!.time.toISOString(), state: result.state };
      const prepared: Awaited<ReturnType<typeof ductOperation>>[] = [];
      for (const batch of result.batches) prepared.push(await ductOperation(db, duct, tanks, batch, now));
      await db.transaction(async (tx) => {
        const outcomes = await storeAutomaticOperations(tx, prepared, duct.ductKey, now);
        outcomes.forEach((o, i) => {
          count(o, prepared[i]!.type);
          if (o.kind === "created") summary[prepared[i]!.type === "delivery" ? "ductDeliveries" : "ductReceptions"] += 1;
        });
        await saveCheckpoint(tx, key, next, now);
      });
      checkpoint = next;
      if (rows.length < batchSize) break;
    }
  }

  for (const tank of targets) {
    const key = tankCheckpointKey(tank.tankId);
    let checkpoint = (await loadCheckpoint<TankCheckpoint>(db, key)) ?? { lastTime: null, state: initialReceptionDetectorState() };
    const prefix = `${tank.installationKey}/${tank.tankKey}`;
    if (checkpoint.source !== "measurements") {
      checkpoint = { ...checkpoint, source: (await tagHasData(db, `${prefix}/net_volume_l`)) ? "measurements" : "tank_readings" };
    }
    const source = checkpoint.source;
    for (;;) {
      const after = checkpoint.lastTime ? new Date(checkpoint.lastTime) : null;
      const rows =
        source === "measurements" ? await readTankSeriesFromMeasurements(db, prefix, after, batchSize) : await readTankReadingsAfter(db, tank.tankId, after, batchSize);
      if (rows.length === 0) break;
      const samples = rows.map((r) => ({ time: r.time.getTime(), netVolumeL: r.netVolumeL, grossVolumeL: r.grossVolumeL, temperatureC: r.temperatureC, levelMm: r.levelMm }));
      const result = stepReceptionDetector(checkpoint.state, samples, receptionConfig);
      summary.rejectedRises += result.rejected.length;
      for (const rejected of result.rejected) {
        options.logger?.info({ tank: tank.tankKey, ...rejected }, "subida de existencias descartada como recepción");
      }
      const last = rows.at(-1)!;
      // Measurements carry no algorithm: the audit row (tank_readings) of the same pipeline names it (A30-MS-18).
      const audit = last.algorithmId ? last : await tankReadingAtOrBefore(db, tank.tankId, last.time);
      const algorithm = { id: audit?.algorithmId ?? null, version: audit?.algorithmVersion ?? null };
      const prepared = await Promise.all(result.receptions.map((r) => receptionOperation(db, tank, r, receptionConfig, algorithm, now)));
      const next: TankCheckpoint = { lastTime: last.time.toISOString(), state: result.state, source };
      await db.transaction(async (tx) => {
        for (const op of prepared) count(await storeAutomaticOperation(tx, op, tank.tankKey, now), "reception");
        await saveCheckpoint(tx, key, next, now);
      });
      checkpoint = next;
      if (rows.length < batchSize) break;
    }
  }
  return summary;
}

function saleOperation(hose: HoseTarget, sale: DetectedSale, reading: TankReadingPoint | null, now: Date) {
  const end = new Date(sale.endTime);
  // The product leaves the tank at the tank's temperature: its reading's VCF corrects the metered volume (A30-MS-18).
  const vcf = reading?.vcf ?? null;
  const netVolume = vcf === null ? sale.volumeL : round3(sale.volumeL * vcf);
  const reasons = incompleteReasons({ type: "delivery", counterpartyRfc: PUBLIC_RFC });
  if (vcf === null) reasons.push(`sin lectura del tanque para corregir el volumen a ${hose.referenceTemperatureC} °C`);
  return {
    installationId: hose.installationId,
    type: "delivery" as const,
    elementType: "hose" as const,
    tankId: hose.tankId,
    dispenserId: hose.dispenserId,
    hoseId: hose.hoseId,
    measurementSystemId: hose.measurementSystemId,
    productKey: hose.productKey,
    subProductKey: hose.subProductKey,
    startAt: new Date(sale.startTime),
    endAt: end,
    grossVolume: sale.volumeL,
    netVolume,
    temperatureC: reading?.temperatureC ?? null,
    vcf,
    referenceTemperatureC: hose.referenceTemperatureC,
    counterpartyRfc: PUBLIC_RFC,
    counterpartyName: "PÚBLICO EN GENERAL",
    totalizerAfter: sale.totalizerAfterL as number,
    status: reasons.length > 0 ? ("incomplete" as const) : ("complete" as const),
    incompleteReasons: reasons,
    origin: "automatic" as const,
    sourceDevice: `${hose.measurementSystemKey ?? hose.dispenserKey} (terciario)`,
    algorithmId: reading?.algorithmId ?? null,
    algorithmVersion: reading?.algorithmVersion ?? null,
    sourceKey: sourceKeys.sale(hose.installationKey, hose.hoseKey, sale.endTime),
    rawData: {
      detector: "totalizer-rest",
      tag: hose.totalizerTag,
      totalizerBeforeL: sale.totalizerBeforeL,
      totalizerAfterL: sale.totalizerAfterL,
      grossVolumeL: sale.volumeL,
      flags: sale.flags,
      vcfReading: reading ? { time: reading.time.toISOString(), vcf: reading.vcf, temperatureC: reading.temperatureC } : null,
    },
    createdAt: now,
  };
}

async function receptionOperation(
  db: Database,
  tank: TankTarget,
  reception: DetectedReception,
  config: ReceptionDetectorConfig,
  algorithm: { id: string | null; version: string | null },
  now: Date,
) {
  const start = new Date(reception.startTime);
  const end = new Date(reception.endTime);
  // Sales during the discharge: what the tank's hoses metered between start and end.
  const hoses: Array<{ hose: string; grossL: number }> = [];
  for (const hose of tank.hoses) {
    const series = await readTagAround(db, hose.totalizerTag, start, end);
    const grossL = meteredBetween(series.map((s) => ({ time: s.time.getTime(), valueL: s.value })), reception.startTime, reception.endTime);
    hoses.push({ hose: hose.hoseKey, grossL: round3(grossL) });
  }
  const ratios = [reception.before, reception.after]
    .filter((s) => s.grossVolumeL !== null && s.grossVolumeL > 0)
    .map((s) => s.netVolumeL / s.grossVolumeL!);
  const vcf = ratios.length > 0 ? ratios.reduce((a, b) => a + b, 0) / ratios.length : 1;
  const outflowGrossL = hoses.reduce((a, h) => a + h.grossL, 0);
  const outflow = { grossL: round3(outflowGrossL), netL: round3(outflowGrossL * vcf) };
  const received = receivedVolumes(reception, outflow);
  const reasons = incompleteReasons({ type: "reception", counterpartyRfc: null });
  const algorithmLabel = algorithm.id ? `UCC (algoritmo ${algorithm.id} v${algorithm.version ?? "?"})` : `${tank.measurementSystemKey ?? tank.tankKey} (terciario)`;
  return {
    installationId: tank.installationId,
    type: "reception" as const,
    elementType: "tank" as const,
    tankId: tank.tankId,
    measurementSystemId: tank.measurementSystemId,
    productKey: tank.productKey,
    subProductKey: tank.subProductKey,
    startAt: start,
    endAt: end,
    elementVolumeBefore: reception.before.netVolumeL,
    elementVolumeAfter: reception.after.netVolumeL,
    grossVolume: received.grossL,
    netVolume: received.netL,
    temperatureC: reception.averageTemperatureC,
    vcf: Math.round(vcf * 100_000) / 100_000,
    referenceTemperatureC: tank.referenceTemperatureC,
    status: reasons.length > 0 ? ("incomplete" as const) : ("complete" as const),
    incompleteReasons: reasons,
    origin: "automatic" as const,
    sourceDevice: algorithmLabel,
    algorithmId: algorithm.id,
    algorithmVersion: algorithm.version,
    sourceKey: sourceKeys.reception(tank.installationKey, tank.tankKey, reception.startTime),
    rawData: {
      detector: "stock-rise",
      config,
      before: reception.before,
      after: reception.after,
      netRiseL: reception.netRiseL,
      grossRiseL: reception.grossRiseL,
      meteredOutflow: { ...outflow, vcf: round5(vcf), hoses },
      confirmedAt: new Date(reception.confirmedAt).toISOString(),
      samples: reception.summary,
    },
    createdAt: now,
  };
}

/**
 * The record of a duct meter batch (A30-REC-01): element 'duct' (duct_id) booked on the tank it
 * drew from / went to (tank_id, `attributeDuctBatch` from the tanks' measured stock over the
 * batch), so the daily cut balances that tank (A30-INV-03, A30-INC-01).
 * Volumes: gross = the gross totalizer's increase; net at the product's reference temperature =
 * the flow computer's net totalizer increase (at 15 °C) × VCF(15 °C → reference) of the tank's
 * product (API MPMS 11.1, base density of the tank reading). Without a net totalizer (or a
 * density), gross × the tank reading's VCF — right for an outlet (the product leaves at the tank's
 * temperature), approximate for an inlet.
 */
async function ductOperation(db: Database, duct: DuctTarget, tanks: readonly TankTarget[], batch: DetectedDuctBatch, now: Date) {
  const start = new Date(batch.startTime);
  const end = new Date(batch.endTime);
  const netSeries = await readTagAround(db, duct.netTag, start, end);
  const net15L = netSeries.length > 0 ? round3(meteredBetween(netSeries.map((s) => ({ time: s.time.getTime(), valueL: s.value })), batch.startTime, batch.endTime)) : null;
  const changes = [];
  const readingsByTank = new Map<number, TankReadingPoint[]>();
  for (const tank of tanks) {
    const readings = await tankReadingsCovering(db, tank.tankId, start, end);
    readingsByTank.set(tank.tankId, readings);
    const before = readings.filter((r) => r.time.getTime() <= batch.startTime).at(-1) ?? null;
    // The reading nearest the batch end (the next one may already hold the tank's next operation).
    let after: TankReadingPoint | null = null;
    for (const r of readings) if (!after || Math.abs(r.time.getTime() - batch.endTime) < Math.abs(after.time.getTime() - batch.endTime)) after = r;
    let meteredGrossL = 0;
    for (const hose of tank.hoses) {
      const series = await readTagAround(db, hose.totalizerTag, start, end);
      meteredGrossL += meteredBetween(series.map((s) => ({ time: s.time.getTime(), valueL: s.value })), batch.startTime, batch.endTime);
    }
    changes.push({
      tankId: tank.tankId,
      tankKey: tank.tankKey,
      netBeforeL: before && after && after.time > before.time ? before.netVolumeL : null,
      netAfterL: before && after && after.time > before.time ? after.netVolumeL : null,
      meteredOutflowNetL: round3(meteredGrossL * (after?.vcf ?? 1)),
    });
  }
  const attribution = attributeDuctBatch(duct.direction, net15L ?? batch.volumeL, changes);
  const tank = attribution ? tanks.find((t) => t.tankId === attribution.tankId)! : null;
  const endReading = tank ? readingAtOrBefore(readingsByTank.get(tank.tankId)!, end) : null;
  const referenceTemperatureC = tank?.referenceTemperatureC ?? duct.referenceTemperatureC;
  const productKey = tank?.productKey ?? duct.productKey ?? tanks[0]?.productKey ?? "PR07";
  let vcf: number | null = null;
  let netVolume: number;
  let method: string;
  const density = tank ? await tankBaseDensityAtOrBefore(db, tank.tankId, end) : null;
  const factor = net15L !== null && density !== null ? vcfFrom15C(productKey, density, referenceTemperatureC) : null;
  if (net15L !== null && factor !== null) {
    netVolume = round3(net15L * factor);
    vcf = batch.volumeL > 0 ? netVolume / batch.volumeL : null;
    method = `totalizador neto del computador de flujo (15 °C) × VCF 15 °C→${referenceTemperatureC} °C (API MPMS 11.1, densidad base ${density!.toFixed(1)} kg/m³)`;
  } else {
    vcf = endReading?.vcf ?? null;
    netVolume = vcf === null ? batch.volumeL : round3(batch.volumeL * vcf);
    method = vcf === null ? "volumen bruto (sin lectura del tanque para corregir)" : "volumen bruto × VCF de la lectura del tanque (API MPMS 11.1)";
  }
  const type = duct.direction === "outlet" ? ("delivery" as const) : ("reception" as const);
  const reasons = incompleteReasons({ type, counterpartyRfc: null });
  if (!attribution) reasons.push(`no se identificó el tanque de ${type === "delivery" ? "origen" : "destino"}: ninguna existencia medida ${type === "delivery" ? "bajó" : "subió"} ≥ 50 % del volumen del lote`);
  const change = attribution ? changes.find((c) => c.tankId === attribution.tankId)! : null;
  return {
    installationId: duct.installationId,
    type,
    elementType: "duct" as const,
    ductId: duct.ductId,
    tankId: tank?.tankId ?? null,
    measurementSystemId: duct.measurementSystemId,
    productKey,
    subProductKey: tank?.subProductKey ?? null,
    startAt: start,
    endAt: end,
    elementVolumeBefore: change?.netBeforeL ?? null,
    elementVolumeAfter: change?.netAfterL ?? null,
    grossVolume: batch.volumeL,
    netVolume,
    temperatureC: endReading?.temperatureC ?? null,
    vcf: vcf === null ? null : Math.round(vcf * 100_000) / 100_000,
    referenceTemperatureC,
    totalizerAfter: batch.totalizerAfterL,
    status: "incomplete" as const,
    incompleteReasons: reasons,
    origin: "automatic" as const,
    sourceDevice: `${duct.measurementSystemKey ?? duct.ductKey} (computador de flujo)`,
    algorithmId: endReading?.algorithmId ?? null,
    algorithmVersion: endReading?.algorithmVersion ?? null,
    sourceKey: sourceKeys.duct(duct.installationKey, duct.ductKey, batch.endTime),
    rawData: {
      detector: "duct-meter-batch",
      duct: duct.ductKey,
      ductId: duct.ductId,
      direction: duct.direction,
      tag: duct.grossTag,
      totalizerBeforeL: batch.totalizerBeforeL,
      totalizerAfterL: batch.totalizerAfterL,
      grossVolumeL: batch.volumeL,
      net15L,
      netMethod: method,
      flags: batch.flags,
      attribution: attribution && { tank: attribution.tankKey, movedL: attribution.movedL, share: attribution.share, candidates: attribution.candidates },
    },
    createdAt: now,
  };
}

/** VCF from 15 °C to the reference temperature for a product of base density `densityAtReference` (at the reference). */
function vcfFrom15C(productKey: string, densityAtReference: number, referenceTemperatureC: number): number | null {
  const commodity = defaultCommodity(productKey);
  if (!commodity.ok || commodity.value.kind === "lpg") return null;
  const base = referenceTemperatureC === 20 ? ("20C" as const) : ("60F" as const);
  const r = calculateVcf({
    commodity: commodity.value,
    density: base === "20C" ? { kind: "base-density", densityKgM3: densityAtReference, base: "20C" } : { kind: "density60", densityKgM3: densityAtReference },
    temperature: { unit: "C", value: 15 },
    base,
  });
  return r.ok ? r.value.ctl : null;
}

function round5(v: number): number {
  return Math.round(v * 100_000) / 100_000;
}

/** The scheduled job (server/start-server.ts `jobs`). */
export function operationDetectionJob(db: Database, options: OperationDetectionOptions & { everyMs?: number } = {}): Job {
  return {
    name: "detección de operaciones",
    everyMs: options.everyMs ?? 10_000,
    runAtStart: true,
    run: (now) => runOperationDetection(db, now, options),
  };
}
