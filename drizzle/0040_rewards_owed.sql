ALTER TABLE "automation_firings" ADD COLUMN "reward_id" text;--> statement-breakpoint
ALTER TABLE "automation_firings" ADD COLUMN "reward_issued_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "automation_firings" ADD COLUMN "reward_waived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "automation_firings" ADD COLUMN "reward_waived_reason" text;--> statement-breakpoint
ALTER TABLE "challenge_completions" ADD COLUMN "reward_id" text;--> statement-breakpoint
ALTER TABLE "challenge_completions" ADD COLUMN "reward_issued_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "challenge_completions" ADD COLUMN "reward_waived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "challenge_completions" ADD COLUMN "reward_waived_reason" text;--> statement-breakpoint
CREATE INDEX "automation_firings_owed_idx" ON "automation_firings" USING btree ("program_id","fired_at") WHERE "automation_firings"."reward_skipped" is not null and "automation_firings"."redemption_id" is null and "automation_firings"."reward_waived_at" is null;--> statement-breakpoint
CREATE INDEX "challenge_completions_owed_idx" ON "challenge_completions" USING btree ("program_id","recorded_at") WHERE "challenge_completions"."reward_skipped" is not null and "challenge_completions"."redemption_id" is null and "challenge_completions"."reward_waived_at" is null;--> statement-breakpoint
UPDATE "challenge_completions" c SET "reward_id" = v."document"->'reward'->>'catalogReward' FROM "challenge_versions" v WHERE v."program_id" = c."program_id" AND v."code" = c."challenge_code" AND v."version" = c."version" AND (c."redemption_id" IS NOT NULL OR c."reward_skipped" IS NOT NULL);--> statement-breakpoint
UPDATE "automation_firings" f SET "reward_id" = a."document"->'effect'->>'catalogReward' FROM "automations" a WHERE a."program_id" = f."program_id" AND a."code" = f."automation_code" AND (f."redemption_id" IS NOT NULL OR f."reward_skipped" IS NOT NULL);
