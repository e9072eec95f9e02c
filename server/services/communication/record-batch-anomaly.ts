import type { Database } from "../../../db/client";
import { installationIdByKey, raiseAlarm } from "../../../db/repositories/alarms";
import { appendEventLog } from "../../../db/repositories/event-log";
import { ALARM_TYPE } from "../../domain/alarms/index";
import { EVENT_CATEGORY } from "../../domain/event-log/index";

/**
 * A collector batch that arrived twice (A30-MS-14 / A30-ALM-08: stored once, alarm type 4
 * "Registros incompletos o duplicados") or with the same sequence but other content (alarm type 9
 * "Error en la transmisión de información"). One bitácora entry (communication category) and one
 * alarm per (collector, sequence, kind), in one transaction.
 */
export interface BatchAnomaly {
  kind: "replay" | "checksum-mismatch";
  collectorKey: string;
  sequence: number;
  installationKey: string | null;
  detail?: Record<string, unknown>;
}

export async function recordBatchAnomaly(db: Pick<Database, "transaction">, anomaly: BatchAnomaly, now: Date): Promise<void> {
  const component = `CANAL:${anomaly.collectorKey}`;
  const replay = anomaly.kind === "replay";
  const description = replay
    ? `Lote ${anomaly.sequence} del colector ${anomaly.collectorKey} recibido de nuevo: se guardó una sola vez (registro duplicado)`
    : `Lote ${anomaly.sequence} del colector ${anomaly.collectorKey} con el mismo número y contenido distinto: error en la transmisión de información`;
  await db.transaction(async (tx) => {
    const installationId = anomaly.installationKey ? await installationIdByKey(tx, anomaly.installationKey) : null;
    const entry = await appendEventLog(tx, {
      time: now,
      username: "sistema",
      category: EVENT_CATEGORY.communication,
      eventType: EVENT_CATEGORY.communication,
      description,
      component,
      installationId,
      details: { collectorKey: anomaly.collectorKey, sequence: anomaly.sequence, kind: anomaly.kind, ...anomaly.detail },
    });
    await raiseAlarm(tx, {
      time: now,
      occurredAt: now,
      installationId,
      component,
      type: replay ? ALARM_TYPE.incompleteOrDuplicateRecords : ALARM_TYPE.transmissionError,
      severity: replay ? "medium" : "high",
      description,
      sourceKey: `batch:${anomaly.kind}:${anomaly.collectorKey}:${anomaly.sequence}`,
      eventLogId: entry.id,
      details: { collectorKey: anomaly.collectorKey, sequence: anomaly.sequence },
    });
  });
}
