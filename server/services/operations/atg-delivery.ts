import type { Database } from "../../../db/client";
import { loadDetectionTargets, readTagAround, tankReadingAtOrBefore } from "../../../db/repositories/operations";
import { incompleteReasons, meteredBetween, round3, sourceKeys } from "../../domain/operations/index";
import { storeAutomaticOperation, type StoreOutcome } from "./store";

/**
 * Reception records from the tank gauge console's delivery report (Veeder-Root function 202,
 * A30-REC-01, A30-MS-18). The console reports gross and TC volumes at its own base (15 °C); the
 * record needs the product's reference (20 °C for petrolíferos), so the UCC corrects the console's
 * gross start/end volumes with the VCF of the tank readings at those instants (API MPMS 11.1, the
 * algorithm named in the record), and adds what the tank's hoses metered during the discharge.
 * The report's identity (tank number + start stamp) is the source key: the same report twice is
 * stored once and raises one type-4 alarm (A30-ALM-08).
 */
export interface AtgDeliveryReport {
  installationKey: string;
  tankKey: string;
  /** Console identity of the delivery (`<tankNumber>@<YYMMDDHHmm>`). */
  key: string;
  startTime: Date;
  endTime: Date;
  startVolumeL: number;
  endVolumeL: number;
  startTcVolumeL: number;
  endTcVolumeL: number;
  startTemperatureC: number;
  endTemperatureC: number;
  startHeightMm?: number | null;
  endHeightMm?: number | null;
  /** The record's characters as the console sent them. */
  raw: string;
  /** Device that measured it, e.g. `TLS-EDS-0001 (terciario)`. */
  source?: string;
}

/** Adapter for the collector's `onDelivery` (collectors/drivers/veeder-root AtgDelivery). */
export function atgReportFromCollector(delivery: {
  key: string;
  tagPrefix: string;
  startTime: Date;
  endTime: Date;
  startVolumeL: number;
  endVolumeL: number;
  startTcVolumeL: number;
  endTcVolumeL: number;
  startTemperatureC: number;
  endTemperatureC: number;
  startHeightMm: number;
  endHeightMm: number;
  raw: string;
  source: { driver: string };
}): AtgDeliveryReport {
  const slash = delivery.tagPrefix.indexOf("/");
  if (slash < 0) throw new Error(`prefijo de etiqueta sin instalación: ${delivery.tagPrefix}`);
  return {
    installationKey: delivery.tagPrefix.slice(0, slash),
    tankKey: delivery.tagPrefix.slice(slash + 1),
    key: delivery.key,
    startTime: delivery.startTime,
    endTime: delivery.endTime,
    startVolumeL: delivery.startVolumeL,
    endVolumeL: delivery.endVolumeL,
    startTcVolumeL: delivery.startTcVolumeL,
    endTcVolumeL: delivery.endTcVolumeL,
    startTemperatureC: delivery.startTemperatureC,
    endTemperatureC: delivery.endTemperatureC,
    startHeightMm: delivery.startHeightMm,
    endHeightMm: delivery.endHeightMm,
    raw: delivery.raw,
    source: `${delivery.source.driver} (terciario)`,
  };
}

export async function recordAtgDelivery(db: Database, delivery: AtgDeliveryReport, now: Date): Promise<StoreOutcome> {
  const tank = (await loadDetectionTargets(db)).find((t) => t.installationKey === delivery.installationKey && t.tankKey === delivery.tankKey);
  if (!tank) throw new Error(`tanque desconocido en el reporte de entrega: ${delivery.installationKey}/${delivery.tankKey}`);
  const [atStart, atEnd] = await Promise.all([tankReadingAtOrBefore(db, tank.tankId, delivery.startTime), tankReadingAtOrBefore(db, tank.tankId, delivery.endTime)]);
  const reasons = incompleteReasons({ type: "reception", counterpartyRfc: null });
  let vcfStart = atStart?.vcf ?? null;
  let vcfEnd = atEnd?.vcf ?? null;
  let netBefore: number;
  let netAfter: number;
  if (vcfStart !== null && vcfEnd !== null) {
    netBefore = delivery.startVolumeL * vcfStart;
    netAfter = delivery.endVolumeL * vcfEnd;
  } else {
    // No UCC correction available: keep the console's TC volumes and say so.
    vcfStart = vcfEnd = null;
    netBefore = delivery.startTcVolumeL;
    netAfter = delivery.endTcVolumeL;
    reasons.push(`sin lecturas del tanque para corregir a ${tank.referenceTemperatureC} °C: volumen compensado de la consola`);
  }
  const hoses: Array<{ hose: string; grossL: number }> = [];
  for (const hose of tank.hoses) {
    const series = await readTagAround(db, hose.totalizerTag, delivery.startTime, delivery.endTime);
    hoses.push({
      hose: hose.hoseKey,
      grossL: round3(meteredBetween(series.map((s) => ({ time: s.time.getTime(), valueL: s.value })), delivery.startTime.getTime(), delivery.endTime.getTime())),
    });
  }
  const outflowGrossL = hoses.reduce((a, h) => a + h.grossL, 0);
  const vcfMean = vcfStart !== null && vcfEnd !== null ? (vcfStart + vcfEnd) / 2 : 1;
  const netVolume = Math.max(0, round3(netAfter - netBefore + outflowGrossL * vcfMean));
  const grossVolume = Math.max(0, round3(delivery.endVolumeL - delivery.startVolumeL + outflowGrossL));
  const algorithm = atEnd?.algorithmId ? { id: atEnd.algorithmId, version: atEnd.algorithmVersion } : null;
  const op = {
    installationId: tank.installationId,
    type: "reception" as const,
    elementType: "tank" as const,
    tankId: tank.tankId,
    measurementSystemId: tank.measurementSystemId,
    productKey: tank.productKey,
    subProductKey: tank.subProductKey,
    startAt: delivery.startTime,
    endAt: delivery.endTime,
    elementVolumeBefore: round3(netBefore),
    elementVolumeAfter: round3(netAfter),
    grossVolume,
    netVolume,
    temperatureC: round3((delivery.startTemperatureC + delivery.endTemperatureC) / 2),
    vcf: vcfStart !== null ? Math.round(vcfMean * 100_000) / 100_000 : null,
    referenceTemperatureC: tank.referenceTemperatureC,
    status: reasons.length > 0 ? ("incomplete" as const) : ("complete" as const),
    incompleteReasons: reasons,
    origin: "automatic" as const,
    sourceDevice: delivery.source ?? `${tank.measurementSystemKey ?? tank.tankKey} (terciario)`,
    algorithmId: algorithm?.id ?? null,
    algorithmVersion: algorithm?.version ?? null,
    sourceKey: sourceKeys.atg(delivery.installationKey, delivery.tankKey, delivery.key),
    rawData: {
      detector: "atg-delivery-report",
      report: {
        key: delivery.key,
        raw: delivery.raw,
        startVolumeL: delivery.startVolumeL,
        endVolumeL: delivery.endVolumeL,
        startTcVolumeL: delivery.startTcVolumeL,
        endTcVolumeL: delivery.endTcVolumeL,
        startTemperatureC: delivery.startTemperatureC,
        endTemperatureC: delivery.endTemperatureC,
        startHeightMm: delivery.startHeightMm ?? null,
        endHeightMm: delivery.endHeightMm ?? null,
      },
      vcfStart,
      vcfEnd,
      meteredOutflow: { grossL: round3(outflowGrossL), hoses },
    },
    createdAt: now,
  };
  return db.transaction((tx) => storeAutomaticOperation(tx, op, delivery.tankKey, now));
}
