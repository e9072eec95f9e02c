import { EVENT_CATEGORY, GENESIS_HASH, hashEventLogEntry, type HashableEventLogEntry, type StagedTamperAttempt, type StoredEventLogEntry } from "../../server/domain/event-log/index";
import type { SqlExecutor } from "../client";

/**
 * Bitácora writer. Must run inside the transaction that makes the change it records
 * (aesthetics §5 convention 4: no audit row, no change). The consecutive number comes from
 * `record_sequences` ('event_log', 0): the row lock taken by the upsert serialises writers, so
 * the number and the previous hash are read consistently and a rollback leaves no gap
 * (A30-REC-04, A30-LOG-04, A30-LOG-06).
 */
export interface NewEventLogEntry {
  time: Date;
  userId?: number | null;
  /** 'sistema' for automatic entries (A30-LOG-04). */
  username: string;
  category: number | null;
  eventType: number;
  description: string;
  component?: string | null;
  installationId?: number | null;
  details?: Record<string, unknown> | null;
}

export async function nextRecordNumber(tx: SqlExecutor, register: "event_log" | "alarm" | "operation" | "daily_accumulation" | "inventory_cut", installationId = 0): Promise<number> {
  const [row] = await tx.query<{ last_value: string | number }>(
    `insert into record_sequences (register, installation_id, last_value) values ($1, $2, 1)
     on conflict (register, installation_id) do update set last_value = record_sequences.last_value + 1
     returning last_value`,
    [register, installationId],
  );
  return Number(row!.last_value);
}

/**
 * Hash the entry `id` chains onto: that of entry id − 1, or — when entries were removed behind the
 * software's back (triggers disabled, A30-LOG-06) — that of the last surviving entry, so the
 * bitácora keeps recording (the tamper alarm itself needs an entry) while `aforo bitacora verify`
 * keeps reporting the missing numbers forever: the stored previous_hash of `id` can never match
 * the absent entry's.
 */
export async function previousEntryHash(tx: SqlExecutor, id: number): Promise<string> {
  if (id === 1) return GENESIS_HASH;
  const [previous] = await tx.query<{ hash: string }>("select hash from event_log where id < $1 order by id desc limit 1", [id]);
  return previous?.hash ?? GENESIS_HASH;
}

/**
 * The content that is hashed and stored for entry `id`. The time is rounded to milliseconds:
 * PostgreSQL keeps microseconds, JS Dates milliseconds, and the hash must be recomputable from
 * what is stored. Shared by the single and the batch writers so both chain identically.
 */
export function hashableEventLogEntry(id: number, entry: NewEventLogEntry): HashableEventLogEntry {
  return {
    id,
    time: new Date(Math.floor(entry.time.getTime())),
    userId: entry.userId ?? null,
    username: entry.username,
    category: entry.category,
    eventType: entry.eventType,
    description: entry.description,
    component: entry.component ?? null,
    installationId: entry.installationId ?? null,
    details: entry.details ?? null,
  };
}

export async function appendEventLog(tx: SqlExecutor, entry: NewEventLogEntry): Promise<{ id: number; hash: string }> {
  const id = await nextRecordNumber(tx, "event_log");
  const previousHash = await previousEntryHash(tx, id);
  const hashable = hashableEventLogEntry(id, entry);
  const time = hashable.time;
  const hash = hashEventLogEntry(hashable, previousHash);
  await tx.query(
    `insert into event_log (id, time, user_id, username, category, event_type, description, component, installation_id, details, hash, previous_hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [id, time.toISOString(), hashable.userId, hashable.username, hashable.category, hashable.eventType, hashable.description, hashable.component, hashable.installationId, hashable.details === null ? null : JSON.stringify(hashable.details), hash, previousHash],
  );
  return { id, hash };
}

/** Entries in id order from `fromId`, as the verifier needs them. */
export async function readEventLogRange(db: SqlExecutor, fromId: number, limit: number): Promise<StoredEventLogEntry[]> {
  const rows = await db.query<{
    id: string | number; time: Date | string; user_id: number | null; username: string; category: number | null; event_type: number;
    description: string; component: string | null; installation_id: number | null; details: Record<string, unknown> | string | null; hash: string; previous_hash: string;
  }>("select * from event_log where id >= $1 order by id limit $2", [fromId, limit]);
  return rows.map((r) => ({
    id: Number(r.id),
    time: new Date(r.time),
    userId: r.user_id,
    username: r.username,
    category: r.category,
    eventType: r.event_type,
    description: r.description,
    component: r.component,
    installationId: r.installation_id,
    details: typeof r.details === "string" ? (JSON.parse(r.details) as Record<string, unknown>) : r.details,
    hash: r.hash,
    previousHash: r.previous_hash,
  }));
}

/** Last number handed out by the bitácora's counter (record_sequences 'event_log', 0); 0 when none. */
export async function readEventLogCounter(db: SqlExecutor): Promise<number> {
  const [row] = await db.query<{ last_value: string | number }>("select last_value from record_sequences where register = 'event_log' and installation_id = 0");
  return row ? Number(row.last_value) : 0;
}

/** Filters of the bitácora consultation (A30-LOG-03). `category` "otro" = unclassified entries (A30-LOG-02). */
export interface EventLogSearch {
  from?: Date;
  to?: Date;
  category?: number | "otro";
  /** Responsible user name (exact, case-insensitive). */
  username?: string;
  /** Text searched in the description and the component (case-insensitive). */
  text?: string;
  page: number;
  pageSize: number;
}

export interface EventLogListItem {
  id: number;
  time: Date;
  userId: number | null;
  username: string;
  category: number | null;
  eventType: number;
  description: string;
  component: string | null;
  installationKey: string | null;
  details: Record<string, unknown> | null;
}

/** One page of entries, newest first, and the total matching count. */
export async function searchEventLog(db: SqlExecutor, search: EventLogSearch): Promise<{ total: number; entries: EventLogListItem[] }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown): void => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (search.from) add((p) => `e.time >= ${p}`, search.from.toISOString());
  if (search.to) add((p) => `e.time < ${p}`, search.to.toISOString());
  if (search.category === "otro") where.push("e.category is null");
  else if (search.category !== undefined) add((p) => `e.category = ${p}`, search.category);
  if (search.username) add((p) => `lower(e.username) = lower(${p})`, search.username);
  if (search.text) add((p) => `(e.description ilike ${p} or coalesce(e.component, '') ilike ${p})`, `%${search.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const whereSql = where.length ? `where ${where.join(" and ")}` : "";
  const [count] = await db.query<{ n: number }>(`select count(*)::int as n from event_log e ${whereSql}`, params);
  const rows = await db.query<{
    id: string | number; time: Date | string; user_id: number | null; username: string; category: number | null; event_type: number;
    description: string; component: string | null; installation_key: string | null; details: Record<string, unknown> | string | null;
  }>(
    `select e.id, e.time, e.user_id, e.username, e.category, e.event_type, e.description, e.component, i.key as installation_key, e.details
       from event_log e left join installations i on i.id = e.installation_id
       ${whereSql} order by e.id desc limit ${Number(search.pageSize)} offset ${Number((search.page - 1) * search.pageSize)}`,
    params,
  );
  return {
    total: count?.n ?? 0,
    entries: rows.map((r) => ({
      id: Number(r.id),
      time: new Date(r.time),
      userId: r.user_id,
      username: r.username,
      category: r.category,
      eventType: r.event_type,
      description: r.description,
      component: r.component,
      installationKey: r.installation_key,
      details: typeof r.details === "string" ? (JSON.parse(r.details) as Record<string, unknown>) : r.details,
    })),
  };
}

/**
 * Tamper-attempt staging (A30-LOG-07): the rows the append-only triggers wrote and the counter
 * sequences of refused statements. Used by server/services/event-log/process-tamper-attempts.ts.
 */
export async function readTamperCounters(db: SqlExecutor, sequences: readonly string[]): Promise<Map<string, { lastValue: number; isCalled: boolean; seen: number }>> {
  if (sequences.length === 0) return new Map();
  for (const sequence of sequences) {
    if (!/^aforo_(truncate|change)_attempts_[a-z_]+$/.test(sequence)) throw new Error(`secuencia de intentos inválida: ${sequence}`);
  }
  // Sequence names are identifiers (checked above): one statement reads them all.
  const values = await db.query<{ name: string; last_value: string | number; is_called: boolean }>(
    sequences.map((s) => `select '${s}' as name, last_value, is_called from ${s}`).join(" union all "),
  );
  const seen = await db.query<{ counter_name: string; seen: string | number }>(
    "select counter_name, max(counter_value) as seen from tamper_attempts where counter_name is not null group by counter_name",
  );
  const seenBy = new Map(seen.map((r) => [r.counter_name, Number(r.seen)]));
  return new Map(values.map((r) => [r.name, { lastValue: Number(r.last_value), isCalled: r.is_called, seen: seenBy.get(r.name) ?? 0 }]));
}

export async function stageCounterAttempt(
  tx: SqlExecutor,
  attempt: { tableName: string; operation: "TRUNCATE" | "REFUSED"; attempts: number; counterName: string; counterValue: number; detectedAt: Date },
): Promise<void> {
  await tx.query(
    `insert into tamper_attempts (attempted_at, table_name, operation, attempts, counter_name, counter_value)
     values ($1, $2, $3, $4, $5, $6)`,
    [attempt.detectedAt.toISOString(), attempt.tableName, attempt.operation, attempt.attempts, attempt.counterName, attempt.counterValue],
  );
}

export async function readPendingTamperAttempts(db: SqlExecutor, limit: number): Promise<StagedTamperAttempt[]> {
  const rows = await db.query<{
    id: string | number; attempted_at: Date | string; table_name: string; operation: "UPDATE" | "DELETE" | "TRUNCATE" | "REFUSED";
    target_id: string | number | null; target_number: string | number | null; transaction_id: string | number | null; attempts: number;
    counter_name: string | null; db_user: string | null; application_name: string | null; client_addr: string | null; backend_pid: number | null;
    old_row: Record<string, unknown> | string | null; new_row: Record<string, unknown> | string | null;
  }>(
    `select a.* from tamper_attempts a
      where not exists (select 1 from tamper_attempt_entries x where x.attempt_id = a.id)
      order by a.id limit $1`,
    [limit],
  );
  const json = (v: Record<string, unknown> | string | null) => (typeof v === "string" ? (JSON.parse(v) as Record<string, unknown>) : v);
  const num = (v: string | number | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    id: Number(r.id),
    attemptedAt: new Date(r.attempted_at),
    tableName: r.table_name,
    operation: r.operation,
    targetId: num(r.target_id),
    targetNumber: num(r.target_number),
    transactionId: num(r.transaction_id),
    attempts: Number(r.attempts),
    counterName: r.counter_name,
    dbUser: r.db_user,
    applicationName: r.application_name,
    clientAddr: r.client_addr,
    backendPid: r.backend_pid,
    oldRow: json(r.old_row),
    newRow: json(r.new_row),
  }));
}

export async function markTamperAttemptsLogged(tx: SqlExecutor, attemptIds: number[], eventLogId: number, alarmId: number | null): Promise<void> {
  await tx.query(
    "insert into tamper_attempt_entries (attempt_id, event_log_id, alarm_id) select unnest($1::bigint[]), $2, $3",
    [attemptIds, eventLogId, alarmId],
  );
}

/**
 * An entry of category 1 "administración del sistema" (A30-LOG-01): configuration changes, user
 * administration, access reviews, backups — the SAT event type is the category's own.
 */
export function appendAdministrationEntry(tx: SqlExecutor, entry: Omit<NewEventLogEntry, "category" | "eventType">): Promise<{ id: number; hash: string }> {
  return appendEventLog(tx, { ...entry, category: EVENT_CATEGORY.systemAdministration, eventType: EVENT_CATEGORY.systemAdministration });
}
