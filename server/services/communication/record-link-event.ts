import type { Database } from "../../../db/client";
import { clearAlarm, installationIdByKey, raiseAlarm } from "../../../db/repositories/alarms";
import { appendEventLog } from "../../../db/repositories/event-log";
import { ALARM_TYPE, type AlarmType } from "../../domain/alarms/index";
import { formatDurationEs, type LinkDecision } from "../../domain/communication/index";
import { EVENT_CATEGORY } from "../../domain/event-log/index";

/**
 * Writes what a communication-link decision means for the fiscal record, in one transaction
 * (A30-MS-15, A30-LOG-01 category 4, A30-ALM-01 types 5/7/9, A30-ALM-05):
 * - outage start: bitácora "error de comunicación" + an alarm of the link's type, its 72 h clock
 *   starting at the moment the link was lost (A30-ALM-04);
 * - outage end: bitácora "comunicación restablecida" with the duration, the alarm cleared, and an
 *   informational "Reanudación de operaciones" alarm (type 12) with start, end and duration.
 */
export interface LinkIdentity {
  /** Registry key of the component or `CANAL:<collector>` (A30-ALM-02). */
  component: string;
  /** Installation the link belongs to (null for the UCC itself). */
  installationKey: string | null;
  /** Alarm type of a failure of this link: 5 device communication, 7 network, 9 transmission. */
  alarmType: Extract<AlarmType, 5 | 7 | 9>;
  /** What the link is, for descriptions: "sistema de medición", "red colector-UCC"… */
  label: string;
}

export async function recordLinkDecision(db: Pick<Database, "transaction">, link: LinkIdentity, decision: LinkDecision, now: Date): Promise<void> {
  if (decision.kind === "none") return;
  const sourceKey = `link:${link.alarmType}:${link.component}`;
  await db.transaction(async (tx) => {
    const installationId = link.installationKey ? await installationIdByKey(tx, link.installationKey) : null;
    if (decision.kind === "outage-start") {
      const entry = await appendEventLog(tx, {
        time: now,
        username: "sistema",
        category: EVENT_CATEGORY.communication,
        eventType: EVENT_CATEGORY.communication,
        description: truncate(`Error de comunicación del ${link.label} ${link.component}: ${decision.reason}`),
        component: link.component,
        installationId,
        details: { event: "outage-start", start: decision.start.toISOString(), reason: decision.reason },
      });
      await raiseAlarm(tx, {
        time: now,
        occurredAt: decision.start <= now ? decision.start : now,
        installationId,
        component: link.component,
        type: link.alarmType,
        severity: "high",
        description: truncate(`${link.alarmType === ALARM_TYPE.networkFailure ? "Falla en la red de comunicación" : link.alarmType === ALARM_TYPE.transmissionError ? "Error en la transmisión de información" : "Problemas de comunicación"} con ${link.component}: ${decision.reason}`),
        sourceKey,
        eventLogId: entry.id,
        details: { start: decision.start.toISOString(), reason: decision.reason },
      });
      return;
    }
    const duration = formatDurationEs(decision.durationS);
    const entry = await appendEventLog(tx, {
      time: now,
      username: "sistema",
      category: EVENT_CATEGORY.communication,
      eventType: EVENT_CATEGORY.communication,
      description: truncate(`Comunicación restablecida con ${link.component} tras ${duration} de interrupción`),
      component: link.component,
      installationId,
      details: { event: "outage-end", start: decision.start.toISOString(), end: decision.end.toISOString(), durationS: decision.durationS, reason: decision.reason },
    });
    const open = await tx.query<{ id: string | number }>(
      `select a.id from alarms a where a.source_key = $1
         and not exists (select 1 from alarm_actions x where x.alarm_id = a.id and x.action = 'clear') order by a.id`,
      [sourceKey],
    );
    for (const row of open) await clearAlarm(tx, Number(row.id), now, `comunicación restablecida tras ${duration}`, entry.id);
    await raiseAlarm(tx, {
      time: now,
      occurredAt: decision.end <= now ? decision.end : now,
      installationId,
      component: link.component,
      type: ALARM_TYPE.resumptionOrUnattended,
      satEventCode: null,
      severity: "low",
      description: truncate(`Reanudación de operaciones de ${link.component}: interrupción de ${duration}`),
      relatedAlarmId: open.length > 0 ? Number(open[0]!.id) : null,
      eventLogId: entry.id,
      details: { start: decision.start.toISOString(), end: decision.end.toISOString(), durationS: decision.durationS },
    });
  });
}

function truncate(text: string): string {
  // SAT DescripcionEvento is at most 250 characters.
  return text.length <= 250 ? text : `${text.slice(0, 249)}…`;
}
