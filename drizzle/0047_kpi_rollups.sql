CREATE TABLE "insight_order_months" (
	"program_id" text NOT NULL,
	"account_id" text NOT NULL,
	"month" text NOT NULL,
	"effect_month" text NOT NULL,
	"orders" integer NOT NULL,
	"net" bigint NOT NULL,
	CONSTRAINT "insight_order_months_program_id_account_id_month_effect_month_pk" PRIMARY KEY("program_id","account_id","month","effect_month")
);
--> statement-breakpoint
CREATE TABLE "insight_rollups" (
	"program_id" text PRIMARY KEY NOT NULL,
	"rolled_up_to" timestamp with time zone NOT NULL,
	"time_zone" text NOT NULL,
	"purchase_types" jsonb NOT NULL,
	"recomputed_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "insight_rollups" ADD CONSTRAINT "insight_rollups_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_occurred_idx" ON "events" USING btree ("program_id","occurred_at");