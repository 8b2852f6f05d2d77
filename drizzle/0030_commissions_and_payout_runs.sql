CREATE TABLE "commission_lines" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"key" text NOT NULL,
	"partner_account_id" text NOT NULL,
	"plan_code" text NOT NULL,
	"plan_version" integer NOT NULL,
	"kind" text NOT NULL,
	"referral_id" text,
	"referred_account_id" text,
	"event_id" text,
	"related_line_id" text,
	"period" text,
	"revenue_minor" bigint,
	"returned_minor" bigint DEFAULT 0 NOT NULL,
	"rate" text,
	"unit" text NOT NULL,
	"amount" bigint NOT NULL,
	"remaining" bigint NOT NULL,
	"explanation" text NOT NULL,
	"entry_id" text,
	"how" text,
	"due_at" timestamp with time zone NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"payout_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commission_lines_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "commission_lines_kind_ck" CHECK ("commission_lines"."kind" in ('fixed', 'percentage', 'bonus', 'clawback'))
);
--> statement-breakpoint
CREATE TABLE "commission_partners" (
	"program_id" text NOT NULL,
	"account_id" text NOT NULL,
	"plan_code" text NOT NULL,
	"actor" text NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commission_partners_program_id_account_id_pk" PRIMARY KEY("program_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "commission_plans" (
	"program_id" text NOT NULL,
	"code" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"document" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commission_plans_program_id_code_pk" PRIMARY KEY("program_id","code")
);
--> statement-breakpoint
CREATE TABLE "partner_payouts" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"run_id" text NOT NULL,
	"account_id" text NOT NULL,
	"unit" text NOT NULL,
	"amount" bigint NOT NULL,
	"status" text NOT NULL,
	"statement" jsonb NOT NULL,
	"line_count" integer NOT NULL,
	"entry_id" text,
	"refund_entry_id" text,
	"reference" text,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partner_payouts_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "partner_payouts_status_ck" CHECK ("partner_payouts"."status" in ('proposed', 'pending', 'sent', 'paid', 'failed', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "payout_runs" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"period" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"cutoff" timestamp with time zone NOT NULL,
	"unit" text NOT NULL,
	"minimum" bigint NOT NULL,
	"status" text NOT NULL,
	"payout_count" integer NOT NULL,
	"total" bigint NOT NULL,
	"proposed_by" text NOT NULL,
	"proposed_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	CONSTRAINT "payout_runs_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "payout_runs_status_ck" CHECK ("payout_runs"."status" in ('proposed', 'approved', 'cancelled'))
);
--> statement-breakpoint
ALTER TABLE "commission_lines" ADD CONSTRAINT "commission_lines_partner_fk" FOREIGN KEY ("program_id","partner_account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_partners" ADD CONSTRAINT "commission_partners_plan_fk" FOREIGN KEY ("program_id","plan_code") REFERENCES "public"."commission_plans"("program_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_partners" ADD CONSTRAINT "commission_partners_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_plans" ADD CONSTRAINT "commission_plans_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_payouts" ADD CONSTRAINT "partner_payouts_run_fk" FOREIGN KEY ("program_id","run_id") REFERENCES "public"."payout_runs"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "commission_lines_key_uq" ON "commission_lines" USING btree ("program_id","key");--> statement-breakpoint
CREATE INDEX "commission_lines_partner_idx" ON "commission_lines" USING btree ("program_id","partner_account_id","due_at");--> statement-breakpoint
CREATE INDEX "commission_lines_event_idx" ON "commission_lines" USING btree ("program_id","event_id");--> statement-breakpoint
CREATE INDEX "commission_lines_payout_idx" ON "commission_lines" USING btree ("program_id","payout_id");--> statement-breakpoint
CREATE INDEX "commission_partners_plan_idx" ON "commission_partners" USING btree ("program_id","plan_code","account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "partner_payouts_run_account_uq" ON "partner_payouts" USING btree ("program_id","run_id","account_id");--> statement-breakpoint
CREATE INDEX "partner_payouts_account_idx" ON "partner_payouts" USING btree ("program_id","account_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "payout_runs_period_uq" ON "payout_runs" USING btree ("program_id","period","unit") WHERE "payout_runs"."status" <> 'cancelled';--> statement-breakpoint
-- hand-written: commissions
-- Decision 0032: the events' after-commit hook caches a program's active commission plans per
-- instance; every change to commission_plans bumps the program's cache_versions counter (decision 0014).
CREATE TRIGGER commission_plans_cache_version AFTER INSERT OR UPDATE OR DELETE ON commission_plans
  FOR EACH ROW EXECUTE FUNCTION fidelis_program_part_changed();
