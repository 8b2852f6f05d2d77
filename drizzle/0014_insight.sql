CREATE TABLE "insight_runs" (
	"program_id" text NOT NULL,
	"kind" text NOT NULL,
	"as_of" date NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL,
	"accounts" integer NOT NULL,
	CONSTRAINT "insight_runs_program_id_kind_pk" PRIMARY KEY("program_id","kind")
);
--> statement-breakpoint
CREATE TABLE "rfm_scores" (
	"program_id" text NOT NULL,
	"account_id" text NOT NULL,
	"as_of" date NOT NULL,
	"last_order_day" date NOT NULL,
	"recency_days" integer NOT NULL,
	"frequency" integer NOT NULL,
	"monetary" bigint NOT NULL,
	"orders_to_date" integer NOT NULL,
	"r" integer NOT NULL,
	"f" integer NOT NULL,
	"m" integer NOT NULL,
	"segment" text NOT NULL,
	"rhythm_days" real,
	"churn_risk" boolean NOT NULL,
	CONSTRAINT "rfm_scores_program_id_account_id_pk" PRIMARY KEY("program_id","account_id"),
	CONSTRAINT "rfm_scores_range_ck" CHECK ("rfm_scores"."r" between 1 and 5 and "rfm_scores"."f" between 1 and 5 and "rfm_scores"."m" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "insight_runs" ADD CONSTRAINT "insight_runs_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rfm_scores" ADD CONSTRAINT "rfm_scores_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rfm_scores_segment_idx" ON "rfm_scores" USING btree ("program_id","segment");