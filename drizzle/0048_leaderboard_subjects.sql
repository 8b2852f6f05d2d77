-- Leaderboards over a challenge's progress (decision 0062): rankings and exclusions are keyed by their
-- subject (the account, or the contact on a contact challenge's leaderboard). Reordered by hand: the
-- ranking tables are derived data, emptied here and recomputed by the next refresh or read; existing
-- exclusions are the accounts' (subject = account), filled before the key moves to the subject.
DELETE FROM "leaderboard_rankings";--> statement-breakpoint
DELETE FROM "leaderboard_refreshes";--> statement-breakpoint
DROP INDEX "leaderboard_rankings_account_uq";--> statement-breakpoint
ALTER TABLE "leaderboard_rankings" ADD COLUMN "subject_id" text NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "leaderboard_rankings_subject_uq" ON "leaderboard_rankings" USING btree ("program_id","leaderboard_code","period_key","subject_id");--> statement-breakpoint
ALTER TABLE "leaderboard_exclusions" ADD COLUMN "subject_id" text;--> statement-breakpoint
ALTER TABLE "leaderboard_exclusions" ADD COLUMN "contact_id" text;--> statement-breakpoint
UPDATE "leaderboard_exclusions" SET "subject_id" = "account_id";--> statement-breakpoint
ALTER TABLE "leaderboard_exclusions" ALTER COLUMN "subject_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "leaderboard_exclusions" DROP CONSTRAINT "leaderboard_exclusions_program_id_leaderboard_code_account_id_pk";--> statement-breakpoint
ALTER TABLE "leaderboard_exclusions" ADD CONSTRAINT "leaderboard_exclusions_program_id_leaderboard_code_subject_id_pk" PRIMARY KEY("program_id","leaderboard_code","subject_id");--> statement-breakpoint
ALTER TABLE "leaderboard_exclusions" ADD CONSTRAINT "leaderboard_exclusions_contact_fk" FOREIGN KEY ("program_id","contact_id") REFERENCES "public"."contacts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaderboard_exclusions" ADD CONSTRAINT "leaderboard_exclusions_subject_ck" CHECK ("leaderboard_exclusions"."subject_id" = coalesce("leaderboard_exclusions"."contact_id", "leaderboard_exclusions"."account_id"));
