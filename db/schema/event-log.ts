import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, smallint, text, uuid } from "drizzle-orm/pg-core";
import { alarms } from "./alarms";
import { EVENT_LINK_KINDS } from "./enums";
import { installations } from "./installations";
import { SHA256_HEX, checkIn, checkMatches, timestamptz } from "./internal";
import { inventoryCuts } from "./inventory";
import { operations } from "./operations";
import { userSessions, users } from "./users";

/**
 * The bitácora de eventos (A30 30.6.1.1 VII; A30-LOG-01…11). Append-only:
 *  - `id` is the unique consecutive number (SAT NumeroRegistro), gap-free, allocated by the writer
 *    in the same transaction (record_sequences register 'event_log', installation 0) — not a
 *    sequence/serial, which leaves gaps on rollback (A30-REC-04);
 *  - the application never updates or deletes rows; triggers added by the bitácora migration turn
 *    UPDATE/DELETE into a recorded tamper attempt (A30-LOG-06/07);
 *  - `hash` = SHA-256 (hex) of the entry's canonical content including `previous_hash`, the hash
 *    of entry id − 1 (64 zeros for entry 1), so `aforo bitacora verify` finds the first altered entry.
 */
export const eventLog = pgTable(
  "event_log",
  {
    /** Unique consecutive entry number, 1, 2, 3… without gaps (A30-LOG-04; SAT NumeroRegistro). Assigned by the writer, not a serial. */
    id: bigint("id", { mode: "number" }).primaryKey(),
    /** Date and time of the event (A30-LOG-04; SAT FechaYHoraEvento). */
    time: timestamptz("time").notNull(),
    /** Responsible user; null for automatic entries. */
    userId: integer("user_id").references(() => users.id),
    /** User name as shown/reported: the user's name, or 'sistema' for automatic entries (SAT UsuarioResponsable). */
    username: text("username").notNull(),
    /** A30-LOG-01 category 1–7; null = unclassified entry registered by a user (A30-LOG-02, "otro"). */
    category: smallint("category"),
    /** SAT TipoEvento 1–21 (1–6 categories, 7–11 inconsistency rules 01–05, 12–21 alarm events). */
    eventType: smallint("event_type").notNull(),
    /** SAT DescripcionEvento (≤ 250 characters in reports). */
    description: text("description").notNull(),
    /** SAT IdentificacionComponenteAlarma: registry key of the component (required for types 7–21). */
    component: text("component"),
    installationId: integer("installation_id").references(() => installations.id),
    /** Structured detail: before/after values (A30-LOG-10, secrets masked), target entry number, rule figures… */
    details: jsonb("details").$type<Record<string, unknown>>(),
    /** Session of the responsible user (non-repudiation, A30-SEC-15). */
    sessionId: uuid("session_id").references(() => userSessions.id),
    /** SHA-256 hex of this entry's canonical content (A30-LOG-06, A30-SEC-14). */
    hash: text("hash").notNull(),
    /** Hash of the previous entry; 64 zeros for the first. */
    previousHash: text("previous_hash").notNull(),
  },
  (t) => [
    check("event_log_id_check", sql`${t.id} >= 1`),
    check("event_log_category_check", sql`${t.category} between 1 and 7`),
    check("event_log_event_type_check", sql`${t.eventType} between 1 and 21`),
    check("event_log_category_7_check", sql`${t.category} is distinct from 7 or ${t.eventType} between 7 and 11`),
    check("event_log_component_check", sql`${t.eventType} < 7 or ${t.component} is not null`),
    check("event_log_description_check", sql`char_length(${t.description}) >= 2`),
    check("event_log_username_check", sql`char_length(${t.username}) >= 1`),
    checkMatches("event_log_hash_check", t.hash, SHA256_HEX),
    checkMatches("event_log_previous_hash_check", t.previousHash, SHA256_HEX),
    index("event_log_time_idx").on(t.time),
    index("event_log_installation_time_idx").on(t.installationId, t.time),
  ],
);

/**
 * A30-LOG-09: probable cause, corrective action and follow-up entries linked to the record they
 * are about (an alarm, an inventory cut with a difference, an operation). The entry itself is an
 * ordinary bitácora row; this table only links it, so the alarm/cut detail lists them in order.
 */
export const eventLogLinks = pgTable(
  "event_log_links",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    eventLogId: bigint("event_log_id", { mode: "number" })
      .notNull()
      .references(() => eventLog.id),
    /** What the linked entry records: cause, corrective_action, follow_up or note. */
    kind: text("kind", { enum: EVENT_LINK_KINDS }).notNull(),
    /** Exactly one of alarm_id, inventory_cut_id, operation_id is set: the record the entry is about. */
    alarmId: bigint("alarm_id", { mode: "number" }).references(() => alarms.id),
    inventoryCutId: bigint("inventory_cut_id", { mode: "number" }).references(() => inventoryCuts.id),
    operationId: bigint("operation_id", { mode: "number" }).references(() => operations.id),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    checkIn("event_log_links_kind_check", t.kind, EVENT_LINK_KINDS),
    check("event_log_links_target_check", sql`num_nonnulls(${t.alarmId}, ${t.inventoryCutId}, ${t.operationId}) = 1`),
    index("event_log_links_alarm_idx").on(t.alarmId),
    index("event_log_links_inventory_cut_idx").on(t.inventoryCutId),
    index("event_log_links_event_log_idx").on(t.eventLogId),
  ],
);
