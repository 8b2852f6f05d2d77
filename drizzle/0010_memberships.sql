CREATE TABLE "entitlements" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"account_id" text NOT NULL,
	"membership_id" text NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"code" text,
	"percent" integer,
	"unit" text,
	"amount" bigint,
	"ledger_entry_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entitlements_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "entitlements_validity_ck" CHECK ("entitlements"."valid_until" >= "entitlements"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "membership_events" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"membership_id" text NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"actor" text,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "membership_events_program_id_id_pk" PRIMARY KEY("program_id","id")
);
--> statement-breakpoint
CREATE TABLE "membership_plan_versions" (
	"program_id" text NOT NULL,
	"plan_id" text NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"actor" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "membership_plan_versions_program_id_plan_id_version_pk" PRIMARY KEY("program_id","plan_id","version")
);
--> statement-breakpoint
CREATE TABLE "membership_plans" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "membership_plans_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "membership_plans_version_ck" CHECK ("membership_plans"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "membership_terms" (
	"program_id" text NOT NULL,
	"membership_id" text NOT NULL,
	"term" integer NOT NULL,
	"kind" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"fee_amount" bigint NOT NULL,
	"fee_currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "membership_terms_program_id_membership_id_term_pk" PRIMARY KEY("program_id","membership_id","term"),
	CONSTRAINT "membership_terms_fee_ck" CHECK ("membership_terms"."fee_amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"plan_id" text NOT NULL,
	"plan_version" integer NOT NULL,
	"account_id" text NOT NULL,
	"status" text NOT NULL,
	"via" text NOT NULL,
	"reference" text,
	"renewal" text NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"term" integer DEFAULT 0 NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_program_id_id_pk" PRIMARY KEY("program_id","id")
);
--> statement-breakpoint
ALTER TABLE "entitlements" ADD CONSTRAINT "entitlements_membership_fk" FOREIGN KEY ("program_id","membership_id") REFERENCES "public"."memberships"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "membership_events" ADD CONSTRAINT "membership_events_membership_fk" FOREIGN KEY ("program_id","membership_id") REFERENCES "public"."memberships"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "membership_plan_versions" ADD CONSTRAINT "membership_plan_versions_plan_fk" FOREIGN KEY ("program_id","plan_id") REFERENCES "public"."membership_plans"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "membership_plans" ADD CONSTRAINT "membership_plans_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "membership_terms" ADD CONSTRAINT "membership_terms_membership_fk" FOREIGN KEY ("program_id","membership_id") REFERENCES "public"."memberships"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_plan_fk" FOREIGN KEY ("program_id","plan_id","plan_version") REFERENCES "public"."membership_plan_versions"("program_id","plan_id","version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "entitlements_membership_key_uq" ON "entitlements" USING btree ("program_id","membership_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "entitlements_code_uq" ON "entitlements" USING btree ("program_id","code") WHERE "entitlements"."code" is not null;--> statement-breakpoint
CREATE INDEX "entitlements_check_idx" ON "entitlements" USING btree ("program_id","account_id","key","valid_until");--> statement-breakpoint
CREATE INDEX "membership_events_membership_idx" ON "membership_events" USING btree ("program_id","membership_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "memberships_live_uq" ON "memberships" USING btree ("program_id","account_id","plan_id") WHERE "memberships"."status" in ('pending', 'active');--> statement-breakpoint
CREATE INDEX "memberships_plan_idx" ON "memberships" USING btree ("program_id","plan_id","id");--> statement-breakpoint
CREATE INDEX "memberships_account_idx" ON "memberships" USING btree ("program_id","account_id","id");--> statement-breakpoint
CREATE INDEX "memberships_due_idx" ON "memberships" USING btree ("program_id","ends_at") WHERE "memberships"."status" = 'active';