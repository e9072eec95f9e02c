import type { Database } from "../../../db/client";
import { clearAlarm, findOpenAlarmBySourceKey, installationIdByKey, raiseAlarm } from "../../../db/repositories/alarms";
import { appendEventLog } from "../../../db/repositories/event-log";
import { ALARM_TYPE, ALARM_TYPE_INFO } from "../../domain/alarms/index";
import { formatDurationEs } from "../../domain/communication/index";
import { occurrenceTime, type DeviceStatusDecision, type DeviceStatusPoint } from "../../domain/device-status/index";
import { EVENT_CATEGORY } from "../../domain/event-log/index";

/**
 * Writes what a status-point transition means for the fiscal record, in ONE transaction
 * (A30-ALM-01 types 1, 8, 11; A30-ALM-05; A30-LOG-01):
 * - condition start (UPS on battery, emergency stop set, calibration reported invalid): a bitácora
 *   entry + an alarm of the point's type, dated with the SOURCE time of the transition (the 72 h
 *   clock of A30-ALM-04 starts there). Idempotent by `point.sourceKey`: while that alarm is open
 *   nothing is written again (a repeated value, a collector restart);
 * - condition end: a bitácora entry with the duration, the alarm cleared and — for a power failure
 *   or an emergency stop — an informational "Reanudación de operaciones" alarm (type 12) with the
 *   start, end and duration in its details. Nothing is written when no alarm is open.
 *
 * Returns what was written ("raised", "cleared" or "none").
 */
export async function recordDeviceStatusDecision(
  db: Pick<Database, "transaction">,
  point: DeviceStatusPoint,
  decision: DeviceStatusDecision,
  now: Date,
): Promise<"raised" | "cleared" | "none"> {
  if (decision.kind === "none") return "none";
  const category = point.alarmType === ALARM_TYPE.invalidCalibration ? EVENT_CATEGORY.dailyOperations : EVENT_CATEGORY.ucc;
  const where = point.component === "UCC" ? `UCC de ${point.installationKey}` : `${point.component} (${point.installationKey})`;
  return db.transaction(async (tx) => {
    const open = await findOpenAlarmBySourceKey(tx, point.sourceKey);
    const installationId = await installationIdByKey(tx, point.installationKey);
    if (decision.kind === "fault-start") {
      if (open) return "none";
      const occurredAt = occurrenceTime(decision.start, now);
      const description = truncate(`${ALARM_TYPE_INFO[point.alarmType].label}: ${point.label} en ${where} desde ${decision.start.toISOString()}`);
      const entry = await appendEventLog(tx, {
        time: now,
        username: "sistema",
        category,
        eventType: ALARM_TYPE_INFO[point.alarmType].satEventCode ?? category,
        description,
        component: point.component,
        installationId,
        details: { event: "device-status-start", tag: point.tag, start: decision.start.toISOString(), detectedAt: now.toISOString() },
      });
      await raiseAlarm(tx, {
        time: now,
        occurredAt,
        installationId,
        component: point.component,
        type: point.alarmType,
        severity: point.alarmType === ALARM_TYPE.invalidCalibration ? "high" : "critical",
        description,
        sourceKey: point.sourceKey,
        eventLogId: entry.id,
        details: { tag: point.tag, start: decision.start.toISOString(), source: "status-point" },
      });
      return "raised";
    }
    if (!open) return "none";
    // observed-normal: the condition ended while nobody was watching (collector restarted); the
    // end is bounded by the first normal reading of the new run.
    const start = decision.kind === "fault-end" ? decision.start : open.occurredAt;
    const end = decision.kind === "fault-end" ? decision.end : decision.at;
    const durationS = Math.max(0, Math.round((end.getTime() - start.getTime()) / 1000));
    const duration = formatDurationEs(durationS);
    const endText = point.alarmType === ALARM_TYPE.powerFailure ? "energía restablecida" : point.alarmType === ALARM_TYPE.emergencyStop ? "paro de emergencia restablecido" : "calibración reportada válida de nuevo";
    const entry = await appendEventLog(tx, {
      time: now,
      username: "sistema",
      category,
      eventType: category,
      description: truncate(`${endText} en ${where} tras ${duration}`),
      component: point.component,
      installationId,
      details: { event: "device-status-end", tag: point.tag, start: start.toISOString(), end: end.toISOString(), durationS, observedAfterRestart: decision.kind === "observed-normal" },
    });
    await clearAlarm(tx, open.id, now, truncate(`${endText} tras ${duration}`), entry.id);
    if (point.resumption) {
      await raiseAlarm(tx, {
        time: now,
        occurredAt: occurrenceTime(end, now),
        installationId,
        component: point.component,
        type: ALARM_TYPE.resumptionOrUnattended,
        satEventCode: null,
        severity: "low",
        description: truncate(`Reanudación de operaciones en ${where} tras ${point.alarmType === ALARM_TYPE.powerFailure ? "falla de energía" : "paro de emergencia"}: interrupción de ${duration}`),
        sourceKey: `device-resume:${point.sourceKey}:${start.toISOString()}`,
        relatedAlarmId: open.id,
        eventLogId: entry.id,
        details: { start: start.toISOString(), end: end.toISOString(), durationS, tag: point.tag },
      });
    }
    return "cleared";
  });
}

function truncate(text: string): string {
  // SAT DescripcionEvento is at most 250 characters.
  return text.length <= 250 ? text : `${text.slice(0, 249)}…`;
}
