-- Tier changes are the account's tier history and the domain events of tiers: append-only.
CREATE TRIGGER tier_changes_append_only BEFORE UPDATE OR DELETE ON tier_changes
  FOR EACH ROW EXECUTE FUNCTION fidelis_refuse_change();
--> statement-breakpoint
CREATE TRIGGER tier_changes_no_truncate BEFORE TRUNCATE ON tier_changes
  FOR EACH STATEMENT EXECUTE FUNCTION fidelis_refuse_change();
