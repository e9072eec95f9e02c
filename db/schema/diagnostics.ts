import { integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { COMPONENT_CLASSES, COMPONENT_STATES } from "./enums";
import { installations } from "./installations";
import { checkIn, timestamptz } from "./internal";

/**
 * Self-diagnosis state per component (A30-DIAG-01): measurement systems, communication channels
 * and the UCC, with the last check time. Current state only (history lives in the bitácora and
 * the alarm register).
 */
export const componentStatus = pgTable(
  "component_status",
  {
    /** Registry key or `UCC`, `UCC:disk`, `CANAL:<collector key>`… (same keys as alarms.component). */
    component: text("component").primaryKey(),
    componentClass: text("class", { enum: COMPONENT_CLASSES }).notNull(),
    installationId: integer("installation_id").references(() => installations.id),
    state: text("state", { enum: COMPONENT_STATES }).notNull(),
    /** When the current state began (outage start for resumption records, A30-ALM-05). */
    since: timestamptz("since").notNull(),
    checkedAt: timestamptz("checked_at").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
  },
  (t) => [
    checkIn("component_status_class_check", t.componentClass, COMPONENT_CLASSES),
    checkIn("component_status_state_check", t.state, COMPONENT_STATES),
  ],
);
