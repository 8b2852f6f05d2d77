-- Redemption events and approval decisions are append-only, like the journal and the audit log.
CREATE TRIGGER redemption_events_append_only BEFORE UPDATE OR DELETE ON redemption_events
  FOR EACH ROW EXECUTE FUNCTION fidelis_refuse_change();
--> statement-breakpoint
CREATE TRIGGER redemption_events_no_truncate BEFORE TRUNCATE ON redemption_events
  FOR EACH STATEMENT EXECUTE FUNCTION fidelis_refuse_change();
--> statement-breakpoint
CREATE TRIGGER redemption_approvals_append_only BEFORE UPDATE OR DELETE ON redemption_approvals
  FOR EACH ROW EXECUTE FUNCTION fidelis_refuse_change();
