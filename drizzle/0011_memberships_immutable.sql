-- Membership events and terms (the charges) are append-only: history is never rewritten.
CREATE TRIGGER membership_events_append_only BEFORE UPDATE OR DELETE ON membership_events
  FOR EACH ROW EXECUTE FUNCTION fidelis_refuse_change();
--> statement-breakpoint
CREATE TRIGGER membership_events_no_truncate BEFORE TRUNCATE ON membership_events
  FOR EACH STATEMENT EXECUTE FUNCTION fidelis_refuse_change();
--> statement-breakpoint
CREATE TRIGGER membership_terms_append_only BEFORE UPDATE OR DELETE ON membership_terms
  FOR EACH ROW EXECUTE FUNCTION fidelis_refuse_change();
--> statement-breakpoint
CREATE TRIGGER membership_terms_no_truncate BEFORE TRUNCATE ON membership_terms
  FOR EACH STATEMENT EXECUTE FUNCTION fidelis_refuse_change();
