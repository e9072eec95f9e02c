import type { Database, SqlExecutor } from "../../../db/client";
import { findOpenAlarmBySourceKey, raiseAlarm } from "../../../db/repositories/alarms";
import { appendEventLog, readEventLogCounter, readEventLogRange } from "../../../db/repositories/event-log";
import { ALARM_TYPE } from "../../domain/alarms/index";
import {
  EVENT_CATEGORY,
  GENESIS_HASH,
  TAMPER_EVENT_TYPE,
  checkChainTail,
  verifyEventLogChain,
  type ChainVerification,
} from "../../domain/event-log/index";

/**
 * Integrity of the bitácora (A30-LOG-06): walks the hash chain in pages and compares its end with
 * the register's counter, so altered, inserted, deleted and truncated entries are all found, even
 * when a superuser disabled the triggers. `aforo bitacora verify`, the daily job and
 * POST /api/bitacora/verify all use it.
 */
export async function verifyEventLog(db: SqlExecutor, pageSize = 2000): Promise<ChainVerification> {
  // The counter first: every entry numbered up to it was committed with it, so it must be found.
  const expectedLast = await readEventLogCounter(db);
  let last = { id: 0, hash: GENESIS_HASH };
  let entries = 0;
  for (;;) {
    const page = await readEventLogRange(db, last.id + 1, pageSize);
    if (page.length === 0) break;
    const result = verifyEventLogChain(page, last);
    if (!result.ok) return { ...result, entries: entries + result.entries };
    entries += result.entries;
    const tail = page[page.length - 1]!;
    last = { id: tail.id, hash: tail.hash };
    if (page.length < pageSize) break;
  }
  return checkChainTail({ ok: true, entries, firstBad: null, reason: null }, last.id, expectedLast);
}

export interface IntegrityCheckResult extends ChainVerification {
  /** Alarm raised (or already open) for the break; null when the chain is intact. */
  alarmId: number | null;
  /** Whether this run raised a new alarm (once per break: source key `bitacora-chain:<firstBad>`). */
  newAlarm: boolean;
}

/**
 * Verifies and records the outcome: a break raises one alarm of type 3 with its bitácora entry
 * (deduplicated per first broken number while the alarm is open); a verification a user asked for
 * is itself an entry (A30-LOG-05). The writer chains onto the last surviving entry when entries
 * were deleted, so the alarm's entry is written even then; should the entry still fail, the alarm
 * is raised without it.
 */
export async function runIntegrityCheck(
  db: Pick<Database, "transaction" | "query">,
  now: Date,
  requestedBy: { userId: number; username: string } | null = null,
): Promise<IntegrityCheckResult> {
  const result = await verifyEventLog(db);
  if (result.ok) {
    if (requestedBy) {
      await db.transaction((tx) =>
        appendEventLog(tx, {
          time: now,
          userId: requestedBy.userId,
          username: requestedBy.username,
          category: EVENT_CATEGORY.dailyOperations,
          eventType: EVENT_CATEGORY.dailyOperations,
          description: `Verificación de integridad de la bitácora: correcta (${result.entries} entradas)`,
          details: { ok: true, entries: result.entries },
        }),
      );
    }
    return { ...result, alarmId: null, newAlarm: false };
  }
  const sourceKey = `bitacora-chain:${result.firstBad}`;
  const component = `event_log:${result.firstBad}`;
  const description = `Integridad de la bitácora comprometida en la entrada ${result.firstBad}: ${result.reason}`.slice(0, 250);
  const details = { firstBad: result.firstBad, entries: result.entries, reason: result.reason, requestedBy: requestedBy?.username ?? null };
  const alarmOf = (eventLogId: number | null) => ({
    time: now,
    occurredAt: now,
    component,
    type: ALARM_TYPE.tamperAttempt,
    severity: "critical" as const,
    description: `Intento de alteración de registros: ${description}`.slice(0, 250),
    sourceKey,
    eventLogId,
    details,
  });
  try {
    return await db.transaction(async (tx) => {
      const open = await findOpenAlarmBySourceKey(tx, sourceKey);
      if (open) return { ...result, alarmId: open.id, newAlarm: false };
      const entry = await appendEventLog(tx, {
        time: now,
        userId: requestedBy?.userId ?? null,
        username: requestedBy?.username ?? "sistema",
        category: EVENT_CATEGORY.ucc,
        eventType: TAMPER_EVENT_TYPE,
        description,
        component,
        details,
      });
      const alarm = await raiseAlarm(tx, alarmOf(entry.id));
      return { ...result, alarmId: alarm.id, newAlarm: alarm.created };
    });
  } catch {
    // The entry could not be written: keep the alarm register truthful anyway.
    const alarm = await db.transaction((tx) => raiseAlarm(tx, alarmOf(null)));
    return { ...result, alarmId: alarm.id, newAlarm: alarm.created };
  }
}
