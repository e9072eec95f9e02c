import type { SqlExecutor } from "../../../db/client";
import { hashableEventLogEntry, previousEntryHash, type NewEventLogEntry } from "../../../db/repositories/event-log";
import { hashEventLogEntry } from "../../domain/event-log/index";

/**
 * Set-based writers for the daily cut, which stores thousands of records in one transaction:
 * numbers are reserved in blocks from record_sequences (same counters and row lock as
 * `nextRecordNumber`, so numbering stays gap-free per installation and a rollback returns the whole
 * block, A30-REC-04), rows are inserted with one `unnest` statement, and bitácora entries are
 * chained with the same canonical hash as `appendEventLog` (A30-LOG-06).
 */
type Register = "event_log" | "alarm" | "daily_accumulation" | "inventory_cut";

/** Reserves `count` consecutive numbers per installation; returns the first number of each block. */
export async function reserveRecordNumbers(tx: SqlExecutor, register: Register, counts: Map<number, number>): Promise<Map<number, number>> {
  const ids = [...counts.keys()];
  if (ids.length === 0) return new Map();
  const rows = await tx.query<{ installation_id: number; last_value: string | number }>(
    `insert into record_sequences (register, installation_id, last_value)
     select $1, x.installation_id, x.n from unnest($2::int[], $3::bigint[]) as x(installation_id, n)
     on conflict (register, installation_id) do update set last_value = record_sequences.last_value + excluded.last_value
     returning installation_id, last_value`,
    [register, ids, ids.map((id) => counts.get(id)!)],
  );
  return new Map(rows.map((r) => [Number(r.installation_id), Number(r.last_value) - counts.get(Number(r.installation_id))! + 1]));
}

/** Appends bitácora entries in order, in one statement; returns their ids (consecutive). */
export async function appendEventLogBatch(tx: SqlExecutor, entries: readonly NewEventLogEntry[]): Promise<number[]> {
  if (entries.length === 0) return [];
  const first = (await reserveRecordNumbers(tx, "event_log", new Map([[0, entries.length]]))).get(0)!;
  let previousHash = await previousEntryHash(tx, first);
  const cols = { id: [] as number[], time: [] as string[], userId: [] as (number | null)[], username: [] as string[], category: [] as (number | null)[], eventType: [] as number[], description: [] as string[], component: [] as (string | null)[], installationId: [] as (number | null)[], details: [] as (string | null)[], hash: [] as string[], previousHash: [] as string[] };
  entries.forEach((entry, i) => {
    const id = first + i;
    const hashable = hashableEventLogEntry(id, entry);
    const time = hashable.time;
    const hash = hashEventLogEntry(hashable, previousHash);
    cols.id.push(id);
    cols.time.push(time.toISOString());
    cols.userId.push(hashable.userId);
    cols.username.push(hashable.username);
    cols.category.push(hashable.category);
    cols.eventType.push(hashable.eventType);
    cols.description.push(hashable.description);
    cols.component.push(hashable.component);
    cols.installationId.push(hashable.installationId);
    cols.details.push(hashable.details === null ? null : JSON.stringify(hashable.details));
    cols.hash.push(hash);
    cols.previousHash.push(previousHash);
    previousHash = hash;
  });
  await tx.query(
    `insert into event_log (id, time, user_id, username, category, event_type, description, component, installation_id, details, hash, previous_hash)
     select id, time, user_id, username, category, event_type, description, component, installation_id, details::jsonb, hash, previous_hash
       from unnest($1::bigint[], $2::timestamptz[], $3::int[], $4::text[], $5::smallint[], $6::smallint[], $7::text[], $8::text[], $9::int[], $10::text[], $11::text[], $12::text[])
         as x(id, time, user_id, username, category, event_type, description, component, installation_id, details, hash, previous_hash)`,
    [cols.id, cols.time, cols.userId, cols.username, cols.category, cols.eventType, cols.description, cols.component, cols.installationId, cols.details, cols.hash, cols.previousHash],
  );
  return cols.id;
}

export interface BulkAlarm {
  time: Date;
  occurredAt: Date;
  installationId: number;
  component: string;
  type: number;
  satEventCode: number | null;
  severity: "low" | "medium" | "high" | "critical";
  description: string;
  sourceKey: string;
  inventoryCutId: number | null;
  eventLogId: number | null;
  details: Record<string, unknown>;
}

/** Inserts alarms (automatic origin) with consecutive numbers of the alarm register (A30-ALM-02). */
export async function insertAlarmsBatch(tx: SqlExecutor, alarms: readonly BulkAlarm[]): Promise<number[]> {
  if (alarms.length === 0) return [];
  const first = (await reserveRecordNumbers(tx, "alarm", new Map([[0, alarms.length]]))).get(0)!;
  const ids = alarms.map((_, i) => first + i);
  await tx.query(
    `insert into alarms (id, time, occurred_at, installation_id, component, type, sat_event_code, severity, description, origin, source_key, inventory_cut_id, event_log_id, details)
     select id, time, occurred_at, installation_id, component, type, sat_event_code, severity, description, 'automatic', source_key, inventory_cut_id, event_log_id, details::jsonb
       from unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[], $4::int[], $5::text[], $6::smallint[], $7::smallint[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::text[])
         as x(id, time, occurred_at, installation_id, component, type, sat_event_code, severity, description, source_key, inventory_cut_id, event_log_id, details)`,
    [
      ids,
      alarms.map((a) => a.time.toISOString()),
      alarms.map((a) => a.occurredAt.toISOString()),
      alarms.map((a) => a.installationId),
      alarms.map((a) => a.component),
      alarms.map((a) => a.type),
      alarms.map((a) => a.satEventCode),
      alarms.map((a) => a.severity),
      alarms.map((a) => a.description),
      alarms.map((a) => a.sourceKey),
      alarms.map((a) => a.inventoryCutId),
      alarms.map((a) => a.eventLogId),
      alarms.map((a) => JSON.stringify(a.details)),
    ],
  );
  return ids;
}
