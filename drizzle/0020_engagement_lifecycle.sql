CREATE TABLE "automation_firings" (
	"program_id" text NOT NULL,
	"automation_code" text NOT NULL,
	"subject_id" text NOT NULL,
	"occurrence" text NOT NULL,
	"account_id" text NOT NULL,
	"contact_id" text,
	"occurred_on" text NOT NULL,
	"fired_at" timestamp with time zone NOT NULL,
	"explanation" text NOT NULL,
	"points" bigint,
	"entry_id" text,
	"badge_award_id" text,
	CONSTRAINT "automation_firings_program_id_automation_code_subject_id_occurrence_pk" PRIMARY KEY("program_id","automation_code","subject_id","occurrence")
);
--> statement-breakpoint
CREATE TABLE "automations" (
	"program_id" text NOT NULL,
	"code" text NOT NULL,
	"document" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "automations_program_id_code_pk" PRIMARY KEY("program_id","code")
);
--> statement-breakpoint
CREATE TABLE "challenge_enrolments" (
	"program_id" text NOT NULL,
	"challenge_code" text NOT NULL,
	"account_id" text NOT NULL,
	"joined_at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	CONSTRAINT "challenge_enrolments_program_id_challenge_code_account_id_pk" PRIMARY KEY("program_id","challenge_code","account_id")
);
--> statement-breakpoint
CREATE TABLE "leaderboard_rankings" (
	"program_id" text NOT NULL,
	"leaderboard_code" text NOT NULL,
	"period_key" text NOT NULL,
	"position" integer NOT NULL,
	"account_id" text NOT NULL,
	"rank" integer NOT NULL,
	"total" bigint NOT NULL,
	CONSTRAINT "leaderboard_rankings_program_id_leaderboard_code_period_key_position_pk" PRIMARY KEY("program_id","leaderboard_code","period_key","position")
);
--> statement-breakpoint
CREATE TABLE "leaderboard_refreshes" (
	"program_id" text NOT NULL,
	"leaderboard_code" text NOT NULL,
	"period_key" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL,
	"ranked" integer NOT NULL,
	CONSTRAINT "leaderboard_refreshes_program_id_leaderboard_code_period_key_pk" PRIMARY KEY("program_id","leaderboard_code","period_key")
);
--> statement-breakpoint
ALTER TABLE "badge_awards" DROP CONSTRAINT "badge_awards_source_ck";--> statement-breakpoint
ALTER TABLE "automation_firings" ADD CONSTRAINT "automation_firings_automation_fk" FOREIGN KEY ("program_id","automation_code") REFERENCES "public"."automations"("program_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automations" ADD CONSTRAINT "automations_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "challenge_enrolments" ADD CONSTRAINT "challenge_enrolments_challenge_fk" FOREIGN KEY ("program_id","challenge_code") REFERENCES "public"."challenges"("program_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "challenge_enrolments" ADD CONSTRAINT "challenge_enrolments_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaderboard_refreshes" ADD CONSTRAINT "leaderboard_refreshes_leaderboard_fk" FOREIGN KEY ("program_id","leaderboard_code") REFERENCES "public"."leaderboards"("program_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "automation_firings_account_idx" ON "automation_firings" USING btree ("program_id","account_id","fired_at");--> statement-breakpoint
CREATE INDEX "challenge_enrolments_joined_idx" ON "challenge_enrolments" USING btree ("program_id","challenge_code","joined_at");--> statement-breakpoint
CREATE UNIQUE INDEX "leaderboard_rankings_account_uq" ON "leaderboard_rankings" USING btree ("program_id","leaderboard_code","period_key","account_id");--> statement-breakpoint
ALTER TABLE "badge_awards" ADD CONSTRAINT "badge_awards_source_ck" CHECK ("badge_awards"."source" in ('manual', 'challenge', 'automation'));