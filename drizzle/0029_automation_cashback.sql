ALTER TABLE "automation_firings" ADD COLUMN "cashback" bigint;--> statement-breakpoint
ALTER TABLE "automation_firings" ADD COLUMN "cashback_entry_id" text;