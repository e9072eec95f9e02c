import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, smallint, text, type AnyPgColumn } from "drizzle-orm/pg-core";
import { ALARM_ACTIONS, ALARM_ORIGINS, ALARM_SEVERITIES } from "./enums";
import { eventLog } from "./event-log";
import { installations } from "./installations";
import { checkIn, timestamptz } from "./internal";
import { inventoryCuts } from "./inventory";
import { users } from "./users";

/**
 * The alarm register (registro de alarmas, A30 30.6.1.1 VIII; A30-ALM-01…10). Append-only like the
 * bitácora: `id` is the gap-free consecutive number (record_sequences register 'alarm',
 * installation 0), rows are never updated or deleted (A30-ALM-03), and every state change is a new
 * row in alarm_actions. The current state of an alarm is derived from its actions.
 */
export const alarms = pgTable(
  "alarms",
  {
    /** Unique consecutive alarm number without gaps (A30-ALM-02; record_sequences 'alarm'). Assigned by the writer, not a serial. */
    id: bigint("id", { mode: "number" }).primaryKey(),
    /** When the alarm was registered (A30-ALM-02 date and time). */
    time: timestamptz("time").notNull(),
    /** When the fault/condition started — the 72 h clock starts here (A30-ALM-04); ≤ time. */
    occurredAt: timestamptz("occurred_at").notNull(),
    installationId: integer("installation_id").references(() => installations.id),
    /** Originating component: registry key (SMD-DISP-0004, TQS-EDS-0001), `UCC`, `RED`, `CANAL:<link>` (A30-ALM-02). */
    component: text("component").notNull(),
    /** A30-ALM-01 type 1–12. */
    type: smallint("type").notNull(),
    /** SAT TipoEvento reported for it: 12–21 for types 1, 3–11; 7–11 for inconsistencies (type 2, A30-INC-06); null for type 12. */
    satEventCode: smallint("sat_event_code"),
    /** Priority shown in the UI: low ("baja", e.g. a stock difference within tolerance, A30-INV-04) … critical. */
    severity: text("severity", { enum: ALARM_SEVERITIES }).notNull(),
    /** Description of the event (A30-ALM-02 field 6), es-MX. */
    description: text("description").notNull(),
    /** automatic (detected by the software) or manual (registered by a user, A30-ALM-06). */
    origin: text("origin", { enum: ALARM_ORIGINS }).notNull(),
    /** User who registered a manual alarm (A30-ALM-06). */
    raisedBy: integer("raised_by").references(() => users.id),
    /**
     * Deduplication key of the condition (e.g. `calibration:TQS-EDS-0001:2026-11-30`,
     * `comm:OPCUA-EDS-0001`), so an evaluation that runs hourly opens one alarm per condition.
     */
    sourceKey: text("source_key"),
    /** The alarm this one refers to: the fault escalated after 72 h, the stop a resumption closes (A30-ALM-04/05). */
    relatedAlarmId: bigint("related_alarm_id", { mode: "number" }).references((): AnyPgColumn => alarms.id),
    /** Inventory record whose difference raised it (A30-INV-04, A30-INC-06). */
    inventoryCutId: bigint("inventory_cut_id", { mode: "number" }).references(() => inventoryCuts.id),
    /** Bitácora entry written together with the alarm. */
    eventLogId: bigint("event_log_id", { mode: "number" }).references(() => eventLog.id),
    /** Rule, figures, attempted user and IP, outage start/end/duration… */
    details: jsonb("details").$type<Record<string, unknown>>(),
  },
  (t) => [
    check("alarms_id_check", sql`${t.id} >= 1`),
    check("alarms_type_check", sql`${t.type} between 1 and 12`),
    check("alarms_sat_event_code_check", sql`${t.satEventCode} between 7 and 21`),
    check("alarms_occurred_check", sql`${t.occurredAt} <= ${t.time}`),
    checkIn("alarms_severity_check", t.severity, ALARM_SEVERITIES),
    checkIn("alarms_origin_check", t.origin, ALARM_ORIGINS),
    check("alarms_manual_check", sql`${t.origin} <> 'manual' or ${t.raisedBy} is not null`),
    check("alarms_description_check", sql`char_length(${t.description}) >= 2`),
    index("alarms_time_idx").on(t.time),
    index("alarms_source_key_idx").on(t.sourceKey),
    index("alarms_component_idx").on(t.component, t.time),
  ],
);

/**
 * State changes of alarms (A30-ALM-03, A30-ALM-10), append-only. `attend` requires cause and
 * corrective action (it is what stops the 72 h clock, A30-ALM-04); `shelve` requires a bound.
 */
export const alarmActions = pgTable(
  "alarm_actions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    alarmId: bigint("alarm_id", { mode: "number" })
      .notNull()
      .references(() => alarms.id),
    /** When the action was taken (compared with alarms.occurred_at + 72 h, A30-ALM-04). */
    time: timestamptz("time").notNull(),
    /** acknowledge (reconocer), attend (atender: cause + action), shelve/unshelve (suprimir temporalmente), clear (condition gone). */
    action: text("action", { enum: ALARM_ACTIONS }).notNull(),
    /** null for automatic actions (condition cleared by the system). */
    userId: integer("user_id").references(() => users.id),
    cause: text("cause"),
    correctiveAction: text("corrective_action"),
    followUp: text("follow_up"),
    /** Shelve: until when (bounded, A30-ALM-10). */
    shelvedUntil: timestamptz("shelved_until"),
    /** Shelve/unshelve/clear: why. */
    reason: text("reason"),
    eventLogId: bigint("event_log_id", { mode: "number" }).references(() => eventLog.id),
  },
  (t) => [
    checkIn("alarm_actions_action_check", t.action, ALARM_ACTIONS),
    check("alarm_actions_attend_check", sql`${t.action} <> 'attend' or (${t.userId} is not null and ${t.cause} is not null and ${t.correctiveAction} is not null)`),
    check("alarm_actions_shelve_check", sql`${t.action} <> 'shelve' or (${t.shelvedUntil} is not null and ${t.shelvedUntil} > ${t.time} and ${t.reason} is not null)`),
    check("alarm_actions_user_check", sql`${t.action} in ('clear', 'unshelve') or ${t.userId} is not null`),
    index("alarm_actions_alarm_idx").on(t.alarmId, t.time),
  ],
);
