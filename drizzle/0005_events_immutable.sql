-- Events, what they awarded and rule versions are append-only: corrections are new rows (returns, new versions).
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION fidelis_refuse_change();
--> statement-breakpoint
CREATE TRIGGER event_awards_append_only BEFORE UPDATE OR DELETE ON event_awards
  FOR EACH ROW EXECUTE FUNCTION fidelis_refuse_change();
--> statement-breakpoint
CREATE TRIGGER rule_versions_append_only BEFORE UPDATE OR DELETE ON rule_versions
  FOR EACH ROW EXECUTE FUNCTION fidelis_refuse_change();
--> statement-breakpoint
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION fidelis_refuse_change();
--> statement-breakpoint
CREATE TRIGGER event_awards_no_truncate BEFORE TRUNCATE ON event_awards
  FOR EACH STATEMENT EXECUTE FUNCTION fidelis_refuse_change();
--> statement-breakpoint
CREATE TRIGGER rule_versions_no_truncate BEFORE TRUNCATE ON rule_versions
  FOR EACH STATEMENT EXECUTE FUNCTION fidelis_refuse_change();
