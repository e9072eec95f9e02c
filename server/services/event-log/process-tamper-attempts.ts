import type { Database } from "../../../db/client";
import { raiseAlarm } from "../../../db/repositories/alarms";
import {
  appendEventLog,
  markTamperAttemptsLogged,
  readPendingTamperAttempts,
  readTamperCounters,
  stageCounterAttempt,
} from "../../../db/repositories/event-log";
import { ALARM_TYPE } from "../../domain/alarms/index";
import { EVENT_CATEGORY, TAMPER_COUNTERS, TAMPER_EVENT_TYPE, counterValue, describeTamperGroup, groupTamperAttempts } from "../../domain/event-log/index";

/**
 * Turns tamper attempts into the fiscal record (A30-LOG-07, A30-ALM-03): every group of attempts
 * staged by the append-only triggers (one transaction × table × operation) becomes exactly one
 * bitácora entry "intento de modificación/eliminación" (SAT type 13, category 2 — the UCC was
 * accessed by other means) and one alarm of type 3, and every increase of a refused-statement
 * counter (TRUNCATE, changes to the staging tables or to record_sequences) becomes a staged
 * attempt first. Runs every few seconds from a job and when NOTIFY 'aforo_tamper' arrives.
 * Exactly once: an advisory lock serialises runs, and the attempt ↔ entry link is written in the
 * same transaction as the entry and the alarm.
 */
export const TAMPER_CHANNEL = "aforo_tamper";
const LOCK_KEY = 730_107; // A30-LOG-07
const BATCH = 500;

export interface TamperProcessingResult {
  /** Bitácora entries (= alarms) written. */
  entries: number;
  /** Staged attempts consumed. */
  attempts: number;
}

export async function processTamperAttempts(db: Pick<Database, "transaction">, now: Date): Promise<TamperProcessingResult> {
  return db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1)", [LOCK_KEY]);
    const counters = await readTamperCounters(tx, TAMPER_COUNTERS.map((c) => c.sequence));
    for (const counter of TAMPER_COUNTERS) {
      const state = counters.get(counter.sequence);
      if (!state) continue;
      const value = counterValue(state.lastValue, state.isCalled);
      if (value > state.seen) {
        await stageCounterAttempt(tx, {
          tableName: counter.tableName,
          operation: counter.operation,
          attempts: value - state.seen,
          counterName: counter.sequence,
          counterValue: value,
          detectedAt: now,
        });
      }
    }
    const pending = await readPendingTamperAttempts(tx, BATCH);
    const groups = groupTamperAttempts(pending);
    for (const group of groups) {
      const record = describeTamperGroup(group);
      const entry = await appendEventLog(tx, {
        time: now,
        username: "sistema",
        category: EVENT_CATEGORY.ucc,
        eventType: TAMPER_EVENT_TYPE,
        description: record.description,
        component: record.component,
        details: record.details,
      });
      const firstAttempt = group.attempts[0]!;
      const alarm = await raiseAlarm(tx, {
        time: now,
        occurredAt: firstAttempt.attemptedAt <= now ? firstAttempt.attemptedAt : now,
        component: record.component,
        type: ALARM_TYPE.tamperAttempt,
        severity: "critical",
        description: record.alarmDescription,
        sourceKey: `tamper:${firstAttempt.id}`,
        eventLogId: entry.id,
        details: { ...record.details, eventLogId: entry.id },
      });
      await markTamperAttemptsLogged(tx, group.attempts.map((a) => a.id), entry.id, alarm.id);
    }
    return { entries: groups.length, attempts: pending.length };
  });
}
