import type { Database } from "../../../db/client";
import { findAlarmActions, findAlarms, raiseAlarm } from "../../../db/repositories/alarms";
import { appendEventLog } from "../../../db/repositories/event-log";
import { ALARM_TYPE, FAULT_ALARM_TYPES, dueEscalations, escalationDescription } from "../../domain/alarms/index";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { readUnattendedLimitMs } from "./settings";

/**
 * The 72 h job (A30-ALM-04), run every minute by the server's scheduler: every fault whose
 * deadline (occurred_at + limit) has passed without being attended gets exactly one type-12 alarm
 * "Falla no atendida en 72 h" related to it (source key `unattended:<id>`), with a bitácora entry
 * in the same transaction. The limit comes from `app_settings` (only ≤ 72 h) unless given.
 */
export const UNATTENDED_SOURCE_PREFIX = "unattended:";
const LOCK_KEY = [30_010, 0]; // serialises the job across server instances sharing one database

export async function escalateUnattendedFaults(
  db: Pick<Database, "transaction" | "query">,
  now: Date,
  options: { limitMs?: number } = {},
): Promise<{ escalated: number[]; limitMs: number }> {
  const limitMs = options.limitMs ?? (await readUnattendedLimitMs(db));
  const candidates = await findAlarms(db, {
    unattendedAfter: { limitMs, now, faultTypes: FAULT_ALARM_TYPES, sourceKeyPrefix: UNATTENDED_SOURCE_PREFIX },
    limit: 1000,
  });
  if (candidates.length === 0) return { escalated: [], limitMs };
  const actions = await findAlarmActions(db, candidates.map((c) => c.id));
  const due = dueEscalations(
    candidates.map((c) => ({ ...c, actions: actions.get(c.id) ?? [] })),
    now,
    { limitMs },
  );
  const escalated: number[] = [];
  for (const decision of due) {
    const original = candidates.find((c) => c.id === decision.alarmId)!;
    const sourceKey = `${UNATTENDED_SOURCE_PREFIX}${original.id}`;
    const created = await db.transaction(async (tx) => {
      await tx.query("select pg_advisory_xact_lock($1, $2)", LOCK_KEY);
      const [existing] = await tx.query("select 1 from alarms where source_key = $1 limit 1", [sourceKey]);
      if (existing) return false;
      const description = escalationDescription(limitMs, original);
      const entry = await appendEventLog(tx, {
        time: now,
        username: "sistema",
        category: EVENT_CATEGORY.ucc,
        eventType: EVENT_CATEGORY.ucc,
        description,
        component: original.component,
        installationId: original.installationId,
        details: { escalation: "A30-ALM-04", originalAlarmId: original.id, deadline: decision.deadline.toISOString(), limitH: limitMs / 3_600_000, reason: decision.reason },
      });
      const raised = await raiseAlarm(tx, {
        time: now,
        occurredAt: decision.deadline,
        installationId: original.installationId,
        component: original.component,
        type: ALARM_TYPE.resumptionOrUnattended,
        satEventCode: null,
        severity: "high",
        description,
        sourceKey,
        relatedAlarmId: original.id,
        eventLogId: entry.id,
        details: { originalAlarmId: original.id, originalOccurredAt: original.occurredAt.toISOString(), deadline: decision.deadline.toISOString(), limitH: limitMs / 3_600_000, reason: decision.reason },
      });
      return raised.created;
    });
    if (created) escalated.push(original.id);
  }
  return { escalated, limitMs };
}
