CREATE TABLE "referral_codes" (
	"program_id" text NOT NULL,
	"code" text NOT NULL,
	"referral_program" text NOT NULL,
	"account_id" text NOT NULL,
	"campaign" text,
	"active" boolean DEFAULT true NOT NULL,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deactivated_at" timestamp with time zone,
	CONSTRAINT "referral_codes_program_id_code_pk" PRIMARY KEY("program_id","code")
);
--> statement-breakpoint
CREATE TABLE "referral_programs" (
	"program_id" text NOT NULL,
	"code" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"document" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_programs_program_id_code_pk" PRIMARY KEY("program_id","code")
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"referral_program" text NOT NULL,
	"code" text NOT NULL,
	"campaign" text,
	"referrer_account_id" text NOT NULL,
	"referred_account_id" text NOT NULL,
	"status" text NOT NULL,
	"findings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"via" text NOT NULL,
	"source_event_id" text,
	"attributed_at" timestamp with time zone NOT NULL,
	"convert_by" timestamp with time zone NOT NULL,
	"conversion_event_id" text,
	"converted_at" timestamp with time zone,
	"referrer_entry_id" text,
	"referred_entry_id" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referrals_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "referrals_status_ck" CHECK ("referrals"."status" in ('pending', 'review', 'converted', 'rejected')),
	CONSTRAINT "referrals_not_self_ck" CHECK ("referrals"."referrer_account_id" <> "referrals"."referred_account_id")
);
--> statement-breakpoint
CREATE TABLE "sales_claims" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"account_id" text NOT NULL,
	"contact_id" text,
	"invoice_number" text NOT NULL,
	"invoice_key" text NOT NULL,
	"invoice_date" text NOT NULL,
	"amount" text NOT NULL,
	"currency" text NOT NULL,
	"lines" jsonb NOT NULL,
	"customer_name" text,
	"document_url" text,
	"status" text NOT NULL,
	"submitted_by" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"event_id" text,
	"awarded" jsonb,
	CONSTRAINT "sales_claims_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "sales_claims_status_ck" CHECK ("sales_claims"."status" in ('submitted', 'approved', 'rejected'))
);
--> statement-breakpoint
ALTER TABLE "referral_codes" ADD CONSTRAINT "referral_codes_program_fk" FOREIGN KEY ("program_id","referral_program") REFERENCES "public"."referral_programs"("program_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_codes" ADD CONSTRAINT "referral_codes_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_programs" ADD CONSTRAINT "referral_programs_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_code_fk" FOREIGN KEY ("program_id","code") REFERENCES "public"."referral_codes"("program_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referrer_fk" FOREIGN KEY ("program_id","referrer_account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referred_fk" FOREIGN KEY ("program_id","referred_account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_claims" ADD CONSTRAINT "sales_claims_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "referral_codes_account_idx" ON "referral_codes" USING btree ("program_id","account_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_referred_uq" ON "referrals" USING btree ("program_id","referred_account_id");--> statement-breakpoint
CREATE INDEX "referrals_referrer_idx" ON "referrals" USING btree ("program_id","referrer_account_id","attributed_at");--> statement-breakpoint
CREATE INDEX "referrals_status_idx" ON "referrals" USING btree ("program_id","status","id");--> statement-breakpoint
CREATE UNIQUE INDEX "sales_claims_invoice_uq" ON "sales_claims" USING btree ("program_id","invoice_key");--> statement-breakpoint
CREATE INDEX "sales_claims_status_idx" ON "sales_claims" USING btree ("program_id","status","id");--> statement-breakpoint
CREATE INDEX "sales_claims_account_idx" ON "sales_claims" USING btree ("program_id","account_id","id");--> statement-breakpoint
-- hand-written: partners
-- Decision 0026: the events' after-commit hook caches a program's referral programs per instance; every
-- change to referral_programs bumps the program's cache_versions counter (decision 0014).
CREATE TRIGGER referral_programs_cache_version AFTER INSERT OR UPDATE OR DELETE ON referral_programs
  FOR EACH ROW EXECUTE FUNCTION fidelis_program_part_changed();
