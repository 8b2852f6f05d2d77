CREATE TABLE "charities" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"url" text,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "charities_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "charities_status_ck" CHECK ("charities"."status" in ('active', 'archived'))
);
--> statement-breakpoint
CREATE TABLE "donations" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"charity_id" text NOT NULL,
	"account_id" text NOT NULL,
	"contact_id" text,
	"unit" text NOT NULL,
	"amount" bigint NOT NULL,
	"entry_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "donations_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "donations_amount_ck" CHECK ("donations"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "payouts" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"account_id" text NOT NULL,
	"contact_id" text,
	"unit" text NOT NULL,
	"amount" bigint NOT NULL,
	"method" text NOT NULL,
	"reference" text,
	"entry_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payouts_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "payouts_amount_ck" CHECK ("payouts"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "redemption_approvals" (
	"program_id" text NOT NULL,
	"redemption_id" text NOT NULL,
	"approver" text NOT NULL,
	"contact_id" text,
	"decision" text NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "redemption_approvals_program_id_redemption_id_approver_pk" PRIMARY KEY("program_id","redemption_id","approver")
);
--> statement-breakpoint
CREATE TABLE "redemption_events" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"redemption_id" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"actor" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "redemption_events_program_id_id_pk" PRIMARY KEY("program_id","id")
);
--> statement-breakpoint
CREATE TABLE "redemptions" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"reward_id" text NOT NULL,
	"account_id" text NOT NULL,
	"contact_id" text,
	"requested_by" text NOT NULL,
	"session_id" text,
	"status" text NOT NULL,
	"amount" bigint NOT NULL,
	"unit" text NOT NULL,
	"hold_entry_id" text NOT NULL,
	"settle_entry_id" text,
	"refund_entry_id" text,
	"approvals_required" integer NOT NULL,
	"code_id" text,
	"delivery" text,
	"tracking" jsonb,
	"note" text,
	"reason" text,
	"request_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "redemptions_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "redemptions_status_ck" CHECK ("redemptions"."status" in ('pending_approval', 'approved', 'fulfilled', 'rejected', 'cancelled', 'failed')),
	CONSTRAINT "redemptions_amount_ck" CHECK ("redemptions"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "reward_codes" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"reward_id" text NOT NULL,
	"code" text NOT NULL,
	"status" text DEFAULT 'available' NOT NULL,
	"redemption_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"issued_at" timestamp with time zone,
	CONSTRAINT "reward_codes_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "reward_codes_status_ck" CHECK ("reward_codes"."status" in ('available', 'reserved', 'issued')),
	CONSTRAINT "reward_codes_reserved_ck" CHECK (("reward_codes"."status" = 'available') = ("reward_codes"."redemption_id" is null))
);
--> statement-breakpoint
CREATE TABLE "reward_sessions" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"reward_id" text NOT NULL,
	"name" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"capacity" integer NOT NULL,
	"reserved" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reward_sessions_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "reward_sessions_capacity_ck" CHECK ("reward_sessions"."capacity" >= 0 and "reward_sessions"."reserved" >= 0 and "reward_sessions"."reserved" <= "reward_sessions"."capacity")
);
--> statement-breakpoint
CREATE TABLE "rewards" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"translations" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"image_url" text,
	"price_amount" bigint NOT NULL,
	"price_unit" text NOT NULL,
	"face_value_amount" bigint,
	"face_value_currency" text,
	"stock_kind" text NOT NULL,
	"stock_remaining" integer,
	"low_stock_threshold" integer,
	"available_from" timestamp with time zone,
	"available_until" timestamp with time zone,
	"eligibility" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"limits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fulfilment" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rewards_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "rewards_price_ck" CHECK ("rewards"."price_amount" > 0),
	CONSTRAINT "rewards_stock_ck" CHECK ("rewards"."stock_remaining" is null or "rewards"."stock_remaining" >= 0),
	CONSTRAINT "rewards_stock_kind_ck" CHECK ("rewards"."stock_kind" in ('unlimited', 'counted', 'codes', 'sessions') and (("rewards"."stock_kind" = 'counted') = ("rewards"."stock_remaining" is not null))),
	CONSTRAINT "rewards_status_ck" CHECK ("rewards"."status" in ('active', 'archived'))
);
--> statement-breakpoint
ALTER TABLE "charities" ADD CONSTRAINT "charities_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "donations" ADD CONSTRAINT "donations_charity_fk" FOREIGN KEY ("program_id","charity_id") REFERENCES "public"."charities"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "donations" ADD CONSTRAINT "donations_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemption_approvals" ADD CONSTRAINT "redemption_approvals_redemption_fk" FOREIGN KEY ("program_id","redemption_id") REFERENCES "public"."redemptions"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemption_events" ADD CONSTRAINT "redemption_events_redemption_fk" FOREIGN KEY ("program_id","redemption_id") REFERENCES "public"."redemptions"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_reward_fk" FOREIGN KEY ("program_id","reward_id") REFERENCES "public"."rewards"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_session_fk" FOREIGN KEY ("program_id","session_id") REFERENCES "public"."reward_sessions"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_codes" ADD CONSTRAINT "reward_codes_reward_fk" FOREIGN KEY ("program_id","reward_id") REFERENCES "public"."rewards"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_sessions" ADD CONSTRAINT "reward_sessions_reward_fk" FOREIGN KEY ("program_id","reward_id") REFERENCES "public"."rewards"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "donations_account_idx" ON "donations" USING btree ("program_id","account_id");--> statement-breakpoint
CREATE INDEX "payouts_account_idx" ON "payouts" USING btree ("program_id","account_id");--> statement-breakpoint
CREATE INDEX "redemption_events_redemption_idx" ON "redemption_events" USING btree ("program_id","redemption_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "redemptions_code_uq" ON "redemptions" USING btree ("program_id","code_id") WHERE "redemptions"."code_id" is not null and "redemptions"."status" not in ('rejected', 'cancelled');--> statement-breakpoint
CREATE UNIQUE INDEX "redemptions_request_key_uq" ON "redemptions" USING btree ("program_id","request_key") WHERE "redemptions"."request_key" is not null;--> statement-breakpoint
CREATE INDEX "redemptions_account_idx" ON "redemptions" USING btree ("program_id","account_id","reward_id","created_at");--> statement-breakpoint
CREATE INDEX "redemptions_status_idx" ON "redemptions" USING btree ("program_id","status","id");--> statement-breakpoint
CREATE UNIQUE INDEX "reward_codes_code_uq" ON "reward_codes" USING btree ("program_id","reward_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "reward_codes_redemption_uq" ON "reward_codes" USING btree ("program_id","redemption_id") WHERE "reward_codes"."redemption_id" is not null;--> statement-breakpoint
CREATE INDEX "reward_codes_available_idx" ON "reward_codes" USING btree ("program_id","reward_id","id") WHERE "reward_codes"."status" = 'available';--> statement-breakpoint
CREATE INDEX "reward_sessions_reward_idx" ON "reward_sessions" USING btree ("program_id","reward_id","starts_at");