CREATE TABLE "badge_awards" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"badge_code" text NOT NULL,
	"account_id" text NOT NULL,
	"contact_id" text,
	"awarded_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"source" text NOT NULL,
	"source_key" text,
	"note" text,
	"actor" text NOT NULL,
	CONSTRAINT "badge_awards_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "badge_awards_source_ck" CHECK ("badge_awards"."source" in ('manual', 'challenge'))
);
--> statement-breakpoint
CREATE TABLE "badges" (
	"program_id" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"image_url" text,
	"translations" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"valid_days" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "badges_program_id_code_pk" PRIMARY KEY("program_id","code")
);
--> statement-breakpoint
CREATE TABLE "challenge_completions" (
	"program_id" text NOT NULL,
	"challenge_code" text NOT NULL,
	"account_id" text NOT NULL,
	"window_key" text NOT NULL,
	"version" integer NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"points" bigint,
	"entry_id" text,
	"badge_award_id" text,
	CONSTRAINT "challenge_completions_program_id_challenge_code_account_id_window_key_pk" PRIMARY KEY("program_id","challenge_code","account_id","window_key")
);
--> statement-breakpoint
CREATE TABLE "challenge_versions" (
	"program_id" text NOT NULL,
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"document" jsonb NOT NULL,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "challenge_versions_program_id_code_version_pk" PRIMARY KEY("program_id","code","version")
);
--> statement-breakpoint
CREATE TABLE "challenges" (
	"program_id" text NOT NULL,
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"document" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "challenges_program_id_code_pk" PRIMARY KEY("program_id","code")
);
--> statement-breakpoint
CREATE TABLE "leaderboard_exclusions" (
	"program_id" text NOT NULL,
	"leaderboard_code" text NOT NULL,
	"account_id" text NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "leaderboard_exclusions_program_id_leaderboard_code_account_id_pk" PRIMARY KEY("program_id","leaderboard_code","account_id")
);
--> statement-breakpoint
CREATE TABLE "leaderboards" (
	"program_id" text NOT NULL,
	"code" text NOT NULL,
	"document" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "leaderboards_program_id_code_pk" PRIMARY KEY("program_id","code")
);
--> statement-breakpoint
ALTER TABLE "badge_awards" ADD CONSTRAINT "badge_awards_badge_fk" FOREIGN KEY ("program_id","badge_code") REFERENCES "public"."badges"("program_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "badge_awards" ADD CONSTRAINT "badge_awards_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "badges" ADD CONSTRAINT "badges_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "challenge_completions" ADD CONSTRAINT "challenge_completions_challenge_fk" FOREIGN KEY ("program_id","challenge_code") REFERENCES "public"."challenges"("program_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "challenge_completions" ADD CONSTRAINT "challenge_completions_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "challenge_versions" ADD CONSTRAINT "challenge_versions_challenge_fk" FOREIGN KEY ("program_id","code") REFERENCES "public"."challenges"("program_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "challenges" ADD CONSTRAINT "challenges_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaderboard_exclusions" ADD CONSTRAINT "leaderboard_exclusions_leaderboard_fk" FOREIGN KEY ("program_id","leaderboard_code") REFERENCES "public"."leaderboards"("program_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaderboard_exclusions" ADD CONSTRAINT "leaderboard_exclusions_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaderboards" ADD CONSTRAINT "leaderboards_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "badge_awards_source_key_uq" ON "badge_awards" USING btree ("program_id","source_key");--> statement-breakpoint
CREATE INDEX "badge_awards_account_idx" ON "badge_awards" USING btree ("program_id","account_id","id");--> statement-breakpoint
CREATE INDEX "badge_awards_contact_idx" ON "badge_awards" USING btree ("program_id","contact_id","id");--> statement-breakpoint
CREATE INDEX "challenge_completions_account_idx" ON "challenge_completions" USING btree ("program_id","account_id");--> statement-breakpoint
-- hand-written (engagement)
-- Decision 0014/0018: the challenges are cached per instance for the events' after-commit check; a
-- change bumps the program's cache counter in its own transaction.
CREATE TRIGGER challenges_cache_version AFTER INSERT OR UPDATE OR DELETE ON challenges
  FOR EACH ROW EXECUTE FUNCTION fidelis_program_part_changed();
