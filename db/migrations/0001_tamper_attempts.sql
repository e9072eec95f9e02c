CREATE TABLE "tamper_attempt_entries" (
	"attempt_id" bigint PRIMARY KEY NOT NULL,
	"event_log_id" bigint NOT NULL,
	"alarm_id" bigint,
	"logged_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tamper_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tamper_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"attempted_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"table_name" text NOT NULL,
	"operation" text NOT NULL,
	"target_id" bigint,
	"target_number" bigint,
	"transaction_id" bigint,
	"attempts" integer DEFAULT 1 NOT NULL,
	"counter_name" text,
	"counter_value" bigint,
	"db_user" text,
	"application_name" text,
	"client_addr" text,
	"backend_pid" integer,
	"old_row" jsonb,
	"new_row" jsonb,
	CONSTRAINT "tamper_attempts_operation_check" CHECK ("tamper_attempts"."operation" in ('UPDATE', 'DELETE', 'TRUNCATE', 'REFUSED')),
	CONSTRAINT "tamper_attempts_attempts_check" CHECK ("tamper_attempts"."attempts" >= 1)
);
--> statement-breakpoint
ALTER TABLE "tamper_attempt_entries" ADD CONSTRAINT "tamper_attempt_entries_attempt_id_tamper_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."tamper_attempts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tamper_attempt_entries" ADD CONSTRAINT "tamper_attempt_entries_event_log_id_event_log_id_fk" FOREIGN KEY ("event_log_id") REFERENCES "public"."event_log"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tamper_attempt_entries" ADD CONSTRAINT "tamper_attempt_entries_alarm_id_alarms_id_fk" FOREIGN KEY ("alarm_id") REFERENCES "public"."alarms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tamper_attempts_table_idx" ON "tamper_attempts" USING btree ("table_name","operation");