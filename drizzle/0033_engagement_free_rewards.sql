ALTER TABLE "redemptions" DROP CONSTRAINT "redemptions_amount_ck";--> statement-breakpoint
ALTER TABLE "redemptions" ALTER COLUMN "hold_entry_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "automation_firings" ADD COLUMN "redemption_id" text;--> statement-breakpoint
ALTER TABLE "automation_firings" ADD COLUMN "reward_skipped" text;--> statement-breakpoint
ALTER TABLE "challenge_completions" ADD COLUMN "redemption_id" text;--> statement-breakpoint
ALTER TABLE "challenge_completions" ADD COLUMN "reward_skipped" text;--> statement-breakpoint
ALTER TABLE "redemptions" ADD COLUMN "issued_for" text;--> statement-breakpoint
CREATE UNIQUE INDEX "redemptions_issued_for_uq" ON "redemptions" USING btree ("program_id","issued_for") WHERE "redemptions"."issued_for" is not null;--> statement-breakpoint
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_free_ck" CHECK (("redemptions"."hold_entry_id" is null) = ("redemptions"."amount" = 0));--> statement-breakpoint
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_amount_ck" CHECK ("redemptions"."amount" >= 0);