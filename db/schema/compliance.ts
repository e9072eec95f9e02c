import { date, integer, pgTable, text } from "drizzle-orm/pg-core";
import { COMPLIANCE_STATUSES } from "./enums";
import { checkIn, timestamptz } from "./internal";
import { users } from "./users";

/**
 * Compliance checklist (A30-SEC-29, A31-11): one row per SUP/ORG requirement ID of the spec, with
 * status, responsible person, due date and note; evidence files are `attachments` with
 * subject_table = 'compliance_items' and subject_id = the requirement ID.
 */
export const complianceItems = pgTable(
  "compliance_items",
  {
    /** Requirement ID, e.g. A30-SEC-17. */
    requirementId: text("requirement_id").primaryKey(),
    status: text("status", { enum: COMPLIANCE_STATUSES }).notNull().default("pending"),
    responsible: text("responsible"),
    note: text("note"),
    dueDate: date("due_date", { mode: "string" }),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    updatedBy: integer("updated_by").references(() => users.id),
  },
  (t) => [checkIn("compliance_items_status_check", t.status, COMPLIANCE_STATUSES)],
);
