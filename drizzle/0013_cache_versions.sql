CREATE TABLE "cache_versions" (
	"program_id" text PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Decision 0014: every change to what the hot path caches bumps its program's counter, in the same
-- transaction, whatever made the change (the API, the CLI, an import, SQL by hand).
CREATE OR REPLACE FUNCTION fidelis_bump_cache_version(program text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO cache_versions (program_id, version) VALUES (program, 1)
  ON CONFLICT (program_id) DO UPDATE SET version = cache_versions.version + 1;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION fidelis_program_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fidelis_bump_cache_version(NEW.id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION fidelis_program_part_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM fidelis_bump_cache_version(OLD.program_id);
  ELSE
    PERFORM fidelis_bump_cache_version(NEW.program_id);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER programs_cache_version AFTER UPDATE ON programs
  FOR EACH ROW EXECUTE FUNCTION fidelis_program_changed();
--> statement-breakpoint
CREATE TRIGGER rule_versions_cache_version AFTER INSERT ON rule_versions
  FOR EACH ROW EXECUTE FUNCTION fidelis_program_part_changed();
--> statement-breakpoint
CREATE TRIGGER tier_ladders_cache_version AFTER INSERT OR UPDATE OR DELETE ON tier_ladders
  FOR EACH ROW EXECUTE FUNCTION fidelis_program_part_changed();
