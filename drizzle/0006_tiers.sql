CREATE TABLE "tier_changes" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"ladder_id" text NOT NULL,
	"account_id" text NOT NULL,
	"from_code" text,
	"to_code" text,
	"from_name" text,
	"to_name" text,
	"reason" text NOT NULL,
	"metric" text,
	"at" timestamp with time zone NOT NULL,
	"actor" text,
	"note" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tier_changes_program_id_id_pk" PRIMARY KEY("program_id","id")
);
--> statement-breakpoint
CREATE TABLE "tier_ladders" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"document" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tier_ladders_program_id_id_pk" PRIMARY KEY("program_id","id")
);
--> statement-breakpoint
CREATE TABLE "tier_metric_values" (
	"program_id" text NOT NULL,
	"ladder_id" text NOT NULL,
	"account_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "tier_metric_values_program_id_ladder_id_account_id_at_pk" PRIMARY KEY("program_id","ladder_id","account_id","at")
);
--> statement-breakpoint
CREATE TABLE "tier_status" (
	"program_id" text NOT NULL,
	"ladder_id" text NOT NULL,
	"account_id" text NOT NULL,
	"tier_code" text,
	"since" timestamp with time zone,
	"secured_until" timestamp with time zone,
	"grace_until" timestamp with time zone,
	"override_kind" text,
	"override_tier" text,
	"override_until" timestamp with time zone,
	"override_reason" text,
	"due_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tier_status_program_id_ladder_id_account_id_pk" PRIMARY KEY("program_id","ladder_id","account_id")
);
--> statement-breakpoint
ALTER TABLE "tier_changes" ADD CONSTRAINT "tier_changes_ladder_fk" FOREIGN KEY ("program_id","ladder_id") REFERENCES "public"."tier_ladders"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_changes" ADD CONSTRAINT "tier_changes_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_ladders" ADD CONSTRAINT "tier_ladders_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_metric_values" ADD CONSTRAINT "tier_metric_values_ladder_fk" FOREIGN KEY ("program_id","ladder_id") REFERENCES "public"."tier_ladders"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_metric_values" ADD CONSTRAINT "tier_metric_values_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_status" ADD CONSTRAINT "tier_status_ladder_fk" FOREIGN KEY ("program_id","ladder_id") REFERENCES "public"."tier_ladders"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_status" ADD CONSTRAINT "tier_status_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tier_changes_account_idx" ON "tier_changes" USING btree ("program_id","ladder_id","account_id","at");--> statement-breakpoint
CREATE INDEX "tier_status_due_idx" ON "tier_status" USING btree ("program_id","ladder_id","due_at","account_id");