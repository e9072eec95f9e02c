import { GENESIS_HASH, hashEventLogEntry, type StoredEventLogEntry } from "../../server/domain/event-log/index";
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

export async function appendEventLog(tx: SqlExecutor, entry: NewEventLogEntry): Promise<{ id: number; hash: string }> {
  const id = await nextRecordNumber(tx, "event_log");
  const [previous] = id === 1 ? [] : await tx.query<{ hash: string }>("select hash from event_log where id = $1", [id - 1]);
  if (id > 1 && !previous) throw new Error(`bitácora inconsistente: falta la entrada ${id - 1}`);
  const previousHash = previous?.hash ?? GENESIS_HASH;
  // Round to milliseconds: PostgreSQL keeps microseconds, JS Dates milliseconds; the hash must
  // be recomputable from what is stored.
  const time = new Date(Math.floor(entry.time.getTime()));
  const hashable = {
    id,
    time,
    userId: entry.userId ?? null,
    username: entry.username,
    category: entry.category,
    eventType: entry.eventType,
    description: entry.description,
    component: entry.component ?? null,
    installationId: entry.installationId ?? null,
    details: entry.details ?? null,
  };
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
