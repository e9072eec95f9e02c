-- Append-only enforcement in the database (A30-LOG-06/07, A30-ALM-03, A30-STO-02, A30-REC-04).
-- Runs on PGlite and PostgreSQL. Layers:
--  * row triggers skip every UPDATE/DELETE of the bitácora, the alarm register and the fiscal
--    records (RETURN NULL: the row stays as it was) and stage the attempt in tamper_attempts in
--    the same transaction; the tamper service turns it into a bitácora entry (type 13) + alarm 3;
--  * TRUNCATE cannot be skipped, so a statement trigger refuses it; the exception rolls the
--    transaction back, so the attempt is counted with nextval() of a per-table sequence
--    aforo_truncate_attempts_<table> (sequences ignore rollbacks) that the service watches;
--  * the staging tables themselves and record_sequences refuse changes the same way (raise +
--    counter aforo_change_attempts_<table>); record_sequences only moves forward (the writers'
--    +1 step or block reservation), so numbers cannot be rewound and reused; a forward jump (a
--    gap) is found by the numbering checks (bitácora: `aforo bitacora verify`);
--  * a superuser can still disable triggers: the SHA-256 chain (`aforo bitacora verify`) and the
--    gap check against record_sequences catch what that changes.
CREATE FUNCTION aforo_skip_row_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  stored jsonb := to_jsonb(OLD);
  number_column text := nullif(TG_ARGV[0], '');
BEGIN
  INSERT INTO tamper_attempts (table_name, operation, target_id, target_number, transaction_id, db_user, application_name,
                               client_addr, backend_pid, old_row, new_row)
  VALUES (TG_TABLE_NAME, TG_OP, (stored->>'id')::bigint,
          CASE WHEN number_column IS NULL THEN NULL ELSE (stored->>number_column)::bigint END,
          txid_current(), session_user, current_setting('application_name', true), host(inet_client_addr()), pg_backend_pid(),
          stored, CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(NEW) ELSE NULL END);
  PERFORM pg_notify('aforo_tamper', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION aforo_refuse_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM nextval(TG_ARGV[0]::regclass);
  RAISE EXCEPTION 'Aforo: % sobre % rechazado: el registro es de solo anexión (A30-LOG-06); el intento quedó registrado', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Las correcciones se registran como nuevas versiones; nunca se modifican ni eliminan registros.';
END
$$;
--> statement-breakpoint
CREATE FUNCTION aforo_guard_record_sequence() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  -- Writers only move a counter forward (one number, or a block reserved by the daily cut).
  IF TG_OP = 'UPDATE' AND NEW.register = OLD.register AND NEW.installation_id = OLD.installation_id
     AND NEW.last_value >= OLD.last_value THEN
    RETURN NEW;
  END IF;
  PERFORM nextval('aforo_change_attempts_record_sequences'::regclass);
  RAISE EXCEPTION 'Aforo: la numeración consecutiva % solo avanza (A30-REC-04); % rechazado y registrado', OLD.register, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE SEQUENCE aforo_truncate_attempts_event_log AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_append_only BEFORE UPDATE OR DELETE ON event_log FOR EACH ROW EXECUTE FUNCTION aforo_skip_row_change('id');
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON event_log FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_event_log');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON event_log FROM PUBLIC;
--> statement-breakpoint
CREATE SEQUENCE aforo_truncate_attempts_event_log_links AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_append_only BEFORE UPDATE OR DELETE ON event_log_links FOR EACH ROW EXECUTE FUNCTION aforo_skip_row_change('');
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON event_log_links FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_event_log_links');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON event_log_links FROM PUBLIC;
--> statement-breakpoint
CREATE SEQUENCE aforo_truncate_attempts_alarms AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_append_only BEFORE UPDATE OR DELETE ON alarms FOR EACH ROW EXECUTE FUNCTION aforo_skip_row_change('id');
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON alarms FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_alarms');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON alarms FROM PUBLIC;
--> statement-breakpoint
CREATE SEQUENCE aforo_truncate_attempts_alarm_actions AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_append_only BEFORE UPDATE OR DELETE ON alarm_actions FOR EACH ROW EXECUTE FUNCTION aforo_skip_row_change('');
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON alarm_actions FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_alarm_actions');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON alarm_actions FROM PUBLIC;
--> statement-breakpoint
CREATE SEQUENCE aforo_truncate_attempts_operations AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_append_only BEFORE UPDATE OR DELETE ON operations FOR EACH ROW EXECUTE FUNCTION aforo_skip_row_change('number');
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON operations FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_operations');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON operations FROM PUBLIC;
--> statement-breakpoint
CREATE SEQUENCE aforo_truncate_attempts_daily_accumulations AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_append_only BEFORE UPDATE OR DELETE ON daily_accumulations FOR EACH ROW EXECUTE FUNCTION aforo_skip_row_change('number');
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON daily_accumulations FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_daily_accumulations');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON daily_accumulations FROM PUBLIC;
--> statement-breakpoint
CREATE SEQUENCE aforo_truncate_attempts_inventory_cuts AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_append_only BEFORE UPDATE OR DELETE ON inventory_cuts FOR EACH ROW EXECUTE FUNCTION aforo_skip_row_change('number');
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON inventory_cuts FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_inventory_cuts');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON inventory_cuts FROM PUBLIC;
--> statement-breakpoint
CREATE SEQUENCE aforo_truncate_attempts_process_losses AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_append_only BEFORE UPDATE OR DELETE ON process_losses FOR EACH ROW EXECUTE FUNCTION aforo_skip_row_change('');
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON process_losses FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_process_losses');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON process_losses FROM PUBLIC;
--> statement-breakpoint
CREATE SEQUENCE aforo_truncate_attempts_dispenser_totalizer_readings AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_append_only BEFORE UPDATE OR DELETE ON dispenser_totalizer_readings FOR EACH ROW EXECUTE FUNCTION aforo_skip_row_change('');
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON dispenser_totalizer_readings FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_dispenser_totalizer_readings');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON dispenser_totalizer_readings FROM PUBLIC;
--> statement-breakpoint
CREATE SEQUENCE aforo_truncate_attempts_tamper_attempts AS bigint START 1;
--> statement-breakpoint
CREATE SEQUENCE aforo_change_attempts_tamper_attempts AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_append_only BEFORE UPDATE OR DELETE ON tamper_attempts FOR EACH ROW EXECUTE FUNCTION aforo_refuse_change('aforo_change_attempts_tamper_attempts');
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON tamper_attempts FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_tamper_attempts');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON tamper_attempts FROM PUBLIC;
--> statement-breakpoint
CREATE SEQUENCE aforo_truncate_attempts_tamper_attempt_entries AS bigint START 1;
--> statement-breakpoint
CREATE SEQUENCE aforo_change_attempts_tamper_attempt_entries AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_append_only BEFORE UPDATE OR DELETE ON tamper_attempt_entries FOR EACH ROW EXECUTE FUNCTION aforo_refuse_change('aforo_change_attempts_tamper_attempt_entries');
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON tamper_attempt_entries FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_tamper_attempt_entries');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON tamper_attempt_entries FROM PUBLIC;
--> statement-breakpoint
CREATE SEQUENCE aforo_truncate_attempts_record_sequences AS bigint START 1;
--> statement-breakpoint
CREATE SEQUENCE aforo_change_attempts_record_sequences AS bigint START 1;
--> statement-breakpoint
CREATE TRIGGER aforo_guard_numbering BEFORE UPDATE OR DELETE ON record_sequences FOR EACH ROW EXECUTE FUNCTION aforo_guard_record_sequence();
--> statement-breakpoint
CREATE TRIGGER aforo_no_truncate BEFORE TRUNCATE ON record_sequences FOR EACH STATEMENT EXECUTE FUNCTION aforo_refuse_change('aforo_truncate_attempts_record_sequences');
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON record_sequences FROM PUBLIC;
