CREATE TABLE "access_reviews" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "access_reviews_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"reviewed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewed_by" integer NOT NULL,
	"users_reviewed" integer NOT NULL,
	"notes" text,
	"snapshot" jsonb NOT NULL,
	"event_log_id" bigint
);
--> statement-breakpoint
CREATE TABLE "login_throttles" (
	"username" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"last_failure_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "security_log" DROP CONSTRAINT "security_log_outcome_check";--> statement-breakpoint
ALTER TABLE "security_log" ADD COLUMN "user_agent" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "password_reset_pending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "role_changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "access_reviews" ADD CONSTRAINT "access_reviews_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "security_log" ADD CONSTRAINT "security_log_outcome_check" CHECK ("security_log"."outcome" in ('success', 'failure', 'denied', 'info', 'error'));--> statement-breakpoint
-- A30-SEC-10 / A30-STO-06: the security log and the access reviews are append-only like the
-- bitácora (migration 0002): UPDATE/DELETE are skipped and staged as tamper attempts (→ bitácora
-- entry + alarm type 3), TRUNCATE is refused and counted.
CREATE SEQUENCE aforo_truncate_attempts_security_log AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_append_only BEFORE UPDATE OR DELETE ON security_log FOR EACH ROW EXECUTE FUNCTION aforo_skip_row_change('');
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON security_log FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_security_log');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON security_log FROM PUBLIC;
--> statement-breakpoint
CREATE SEQUENCE aforo_truncate_attempts_access_reviews AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_append_only BEFORE UPDATE OR DELETE ON access_reviews FOR EACH ROW EXECUTE FUNCTION aforo_skip_row_change('');
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON access_reviews FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_access_reviews');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON access_reviews FROM PUBLIC;
--> statement-breakpoint
CREATE INDEX security_log_user_time_idx ON security_log (username, time);
