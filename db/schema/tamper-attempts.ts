import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { alarms } from "./alarms";
import { TAMPER_OPERATIONS } from "./enums";
import { eventLog } from "./event-log";
import { checkIn, timestamptz } from "./internal";

/**
 * Staging of tamper attempts on the append-only tables (A30-LOG-06/07, A30-ALM-03). The row
 * triggers of the `append_only_triggers` migration skip every UPDATE/DELETE of `event_log`,
 * `event_log_links`, `alarms`, `alarm_actions` and the fiscal records (the row stays as it was)
 * and insert one row here in the same transaction, so the attempt is as durable as the statement
 * was. Refused statements whose transaction is rolled back (TRUNCATE, changes to this table or to
 * `record_sequences`) leave no row: they advance a counter sequence `aforo_truncate_attempts_<table>`
 * / `aforo_change_attempts_<table>` (sequences ignore rollbacks) and the tamper service adds the row
 * for them (`counter_name`, `counter_value`, `attempts`). The tamper service turns each group of
 * rows (one transaction, table and operation) into one bitácora entry of type 13 and one alarm of
 * type 3. This table is itself append-only (UPDATE/DELETE/TRUNCATE raise).
 */
export const tamperAttempts = pgTable(
  "tamper_attempts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** When the attempt was made (clock_timestamp() in the trigger) or detected (counter-detected attempts). */
    attemptedAt: timestamptz("attempted_at").notNull().default(sql`clock_timestamp()`),
    /** Table the statement targeted. */
    tableName: text("table_name").notNull(),
    /** UPDATE or DELETE (skipped by a row trigger), TRUNCATE (refused), REFUSED (an UPDATE/DELETE that raised, e.g. on this table or record_sequences). */
    operation: text("operation", { enum: TAMPER_OPERATIONS }).notNull(),
    /** `id` of the targeted row (null for statement-level attempts). */
    targetId: bigint("target_id", { mode: "number" }),
    /** Consecutive number of the targeted record: event_log.id, alarms.id, operations.number… (A30-REC-04); null when the table has none. */
    targetNumber: bigint("target_number", { mode: "number" }),
    /** txid_current() of the attempting transaction: rows of one statement/transaction become one bitácora entry. */
    transactionId: bigint("transaction_id", { mode: "number" }),
    /** How many refused statements this row stands for (counter-detected attempts may cover several). */
    attempts: integer("attempts").notNull().default(1),
    /** Counter sequence that revealed a refused statement (e.g. aforo_truncate_attempts_event_log). */
    counterName: text("counter_name"),
    /** Counter value up to which refused statements were accounted for by this row. */
    counterValue: bigint("counter_value", { mode: "number" }),
    /** Login role of the session (session_user). */
    dbUser: text("db_user"),
    /** application_name of the session (Aforo's own start with "aforo"). */
    applicationName: text("application_name"),
    /** Client address of the session (inet_client_addr(); null for local socket / embedded). */
    clientAddr: text("client_addr"),
    /** Backend process id of the session. */
    backendPid: integer("backend_pid"),
    /** The targeted row as stored (it was left unchanged). */
    oldRow: jsonb("old_row").$type<Record<string, unknown>>(),
    /** UPDATE: the values the statement attempted to write. */
    newRow: jsonb("new_row").$type<Record<string, unknown>>(),
  },
  (t) => [
    checkIn("tamper_attempts_operation_check", t.operation, TAMPER_OPERATIONS),
    check("tamper_attempts_attempts_check", sql`${t.attempts} >= 1`),
    index("tamper_attempts_table_idx").on(t.tableName, t.operation),
  ],
);

/**
 * Which staged tamper attempts were already written to the bitácora and the alarm register
 * (exactly once: one row per attempt, inserted in the transaction that writes the entry and the
 * alarm). Append-only like tamper_attempts.
 */
export const tamperAttemptEntries = pgTable("tamper_attempt_entries", {
  /** The staged attempt. */
  attemptId: bigint("attempt_id", { mode: "number" })
    .primaryKey()
    .references(() => tamperAttempts.id),
  /** The bitácora entry "intento de modificación/eliminación" (type 13) that records it. */
  eventLogId: bigint("event_log_id", { mode: "number" })
    .notNull()
    .references(() => eventLog.id),
  /** The alarm of type 3 "Intento de alteración" raised for it. */
  alarmId: bigint("alarm_id", { mode: "number" }).references(() => alarms.id),
  /** When the service processed it. */
  loggedAt: timestamptz("logged_at").notNull().defaultNow(),
});
