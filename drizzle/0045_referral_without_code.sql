ALTER TABLE "referrals" ALTER COLUMN "code" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "referrer_contact_id" text;