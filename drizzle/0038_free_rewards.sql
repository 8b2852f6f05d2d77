ALTER TABLE "rewards" DROP CONSTRAINT "rewards_price_ck";--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_price_ck" CHECK ("rewards"."price_amount" >= 0);