import type { SqlExecutor } from "../../../db/client";
import { findOpenAlarmBySourceKey, raiseAlarm } from "../../../db/repositories/alarms";
import { appendEventLog } from "../../../db/repositories/event-log";
import {
  findCurrentBySourceKey,
  findOverlappingReception,
  findStoredSourceKeys,
  insertOperation,
  insertOperationRows,
  lockOperationRegister,
  reserveOperationNumbers,
  type NewOperation,
} from "../../../db/repositories/operations";
import { ALARM_TYPE, ALARM_TYPE_INFO } from "../../domain/alarms/index";
import { EVENT_CATEGORY } from "../../domain/event-log/index";

export type StoreOutcome =
  | { kind: "created"; id: number; number: number }
  /** Same source key already stored (A30-ALM-08): nothing stored, one type-4 alarm per source key. */
  | { kind: "duplicate"; existingId: number; alarmId: number | null }
  /** Another measurement path already recorded this discharge (overlapping automatic reception on the tank). */
  | { kind: "matched"; existingId: number };

/**
 * Stores an automatically produced operation idempotently (A30-REC-04, A30-ALM-08), inside the
 * caller's transaction: the installation's register is locked first, then the source key is
 * looked up, and only a new record takes the next consecutive number — so neither a re-run nor a
 * duplicate input creates a second record or leaves a gap. `component` names the element for the
 * alarm (tank or hose key).
 */
export async function storeAutomaticOperation(
  tx: SqlExecutor,
  op: NewOperation & { sourceKey: string },
  component: string,
  now: Date,
): Promise<StoreOutcome> {
  await lockOperationRegister(tx, op.installationId);
  const existing = await findCurrentBySourceKey(tx, op.installationId, op.sourceKey);
  if (existing) {
    const alarmId = await recordDuplicate(tx, op, existing.id, existing.number, component, now);
    return { kind: "duplicate", existingId: existing.id, alarmId };
  }
  if (op.type === "reception" && op.elementType === "tank" && op.tankId) {
    // A discharge seen by the tank gauge's delivery report AND by the stock series is one operation.
    const margin = 10 * 60_000;
    const overlap = await findOverlappingReception(tx, op.tankId, new Date(op.startAt.getTime() - margin), new Date(op.endAt.getTime() + margin));
    if (overlap) return { kind: "matched", existingId: overlap.id };
  }
  const stored = await insertOperation(tx, op);
  return { kind: "created", ...stored };
}

/**
 * Set-based `storeAutomaticOperation` for the records one element produced in one job run (the
 * detection job, the demo history): same outcome per record, in the same order, inside the
 * caller's transaction — the register is locked, the source keys are looked up in one statement,
 * the new records take a block of consecutive numbers (gap-free, A30-REC-04) and are inserted with
 * multi-row statements. A key already stored (or repeated in the batch) is a duplicate with its
 * bitácora entry and type-4 alarm (A30-ALM-08); a tank reception overlapping a stored one is
 * "matched" — both handled one by one, they are rare.
 */
export async function storeAutomaticOperations(
  tx: SqlExecutor,
  ops: ReadonlyArray<NewOperation & { sourceKey: string }>,
  component: string,
  now: Date,
): Promise<StoreOutcome[]> {
  if (ops.length === 0) return [];
  const outcomes: StoreOutcome[] = new Array(ops.length);
  const byInstallation = new Map<number, number[]>();
  ops.forEach((op, i) => byInstallation.set(op.installationId, [...(byInstallation.get(op.installationId) ?? []), i]));
  for (const [installationId, indexes] of byInstallation) {
    await lockOperationRegister(tx, installationId);
    const stored = await findStoredSourceKeys(tx, installationId, indexes.map((i) => ops[i]!.sourceKey));
    const fresh: number[] = [];
    const later: number[] = [];
    const seen = new Set<string>();
    for (const i of indexes) {
      const op = ops[i]!;
      if (stored.has(op.sourceKey) || seen.has(op.sourceKey) || (op.type === "reception" && op.tankId)) later.push(i);
      else {
        seen.add(op.sourceKey);
        fresh.push(i);
      }
    }
    if (fresh.length > 0) {
      const first = await reserveOperationNumbers(tx, installationId, fresh.length);
      const ids = await insertOperationRows(tx, fresh.map((i, k) => ({ op: ops[i]!, number: first + k })));
      fresh.forEach((i, k) => (outcomes[i] = { kind: "created", id: ids[k]!, number: first + k }));
    }
    // Duplicates and receptions: the one-by-one path (after the block, so a repeat finds its twin).
    for (const i of later) outcomes[i] = await storeAutomaticOperation(tx, ops[i]!, component, now);
  }
  return outcomes;
}

/** One bitácora entry + one type-4 alarm per duplicated source key (while the alarm is open). */
async function recordDuplicate(tx: SqlExecutor, op: NewOperation & { sourceKey: string }, existingId: number, number: number, component: string, now: Date): Promise<number | null> {
  const alarmKey = `operation-duplicate:${op.installationId}:${op.sourceKey}`;
  const open = await findOpenAlarmBySourceKey(tx, alarmKey);
  if (open) return open.id;
  const kind = op.type === "reception" ? "recepción" : "entrega";
  const description = `Operación duplicada: la ${kind} ${op.sourceKey} ya está registrada con el número ${number}; no se guardó de nuevo`;
  const entry = await appendEventLog(tx, {
    time: now,
    username: "sistema",
    category: EVENT_CATEGORY.dailyOperations,
    eventType: ALARM_TYPE_INFO[ALARM_TYPE.incompleteOrDuplicateRecords].satEventCode!,
    description,
    component,
    installationId: op.installationId,
    details: { sourceKey: op.sourceKey, existingOperationId: existingId, number, netVolume: op.netVolume, startAt: op.startAt.toISOString(), endAt: op.endAt.toISOString() },
  });
  const alarm = await raiseAlarm(tx, {
    time: now,
    occurredAt: now,
    installationId: op.installationId,
    component,
    type: ALARM_TYPE.incompleteOrDuplicateRecords,
    severity: "medium",
    description,
    sourceKey: alarmKey,
    eventLogId: entry.id,
    details: { sourceKey: op.sourceKey, existingOperationId: existingId, number },
  });
  return alarm.id;
}
