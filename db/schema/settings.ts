import { bigint, integer, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import { JOB_RUN_STATUSES } from "./enums";
import { checkIn, timestamptz } from "./internal";
import { users } from "./users";

/**
 * The server's own settings (key → JSON value): environment mode, password policy (A30-SEC-02/08),
 * idle timeout, dead-bands (A30-INC-02/04), grace periods, last access review (A30-SEC-04)…
 * Changes are bitácora "cambio en la configuración" events with old and new values.
 */
export const appSettings = pgTable("app_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  updatedBy: integer("updated_by").references(() => users.id),
});

/**
 * Scheduled job executions (daily cut at the cut hour, 72 h check, rollups, retention). The
 * (job, scheduled_for) key lets several server instances agree that a run happened once, and lets
 * a restart find a missed cut ("corte diferido", A30-INV-01).
 */
export const jobRuns = pgTable(
  "job_runs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    job: text("job").notNull(),
    /** The instant the run is for (e.g. the cut instant), not when it ran. */
    scheduledFor: timestamptz("scheduled_for").notNull(),
    startedAt: timestamptz("started_at").notNull(),
    finishedAt: timestamptz("finished_at"),
    status: text("status", { enum: JOB_RUN_STATUSES }).notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
  },
  (t) => [unique("job_runs_job_scheduled_unique").on(t.job, t.scheduledFor), checkIn("job_runs_status_check", t.status, JOB_RUN_STATUSES)],
);
