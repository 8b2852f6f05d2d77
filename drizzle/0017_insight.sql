CREATE TABLE "insight_runs" (
	"program_id" text NOT NULL,
	"kind" text NOT NULL,
	"as_of" date NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL,
	"accounts" integer NOT NULL,
	CONSTRAINT "insight_runs_program_id_kind_pk" PRIMARY KEY("program_id","kind")
);
--> statement-breakpoint
CREATE TABLE "insight_secrets" (
	"program_id" text PRIMARY KEY NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
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
CREATE TABLE "survey_answers" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"survey_id" text NOT NULL,
	"account_id" text,
	"contact_id" text,
	"respondent" text NOT NULL,
	"score" integer NOT NULL,
	"comment" text,
	"locale" text,
	"via" text NOT NULL,
	"answered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "survey_answers_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "survey_answers_score_ck" CHECK ("survey_answers"."score" between 0 and 10),
	CONSTRAINT "survey_answers_anonymous_ck" CHECK (("survey_answers"."account_id" is null) = ("survey_answers"."contact_id" is null))
);
--> statement-breakpoint
CREATE TABLE "surveys" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"question" jsonb NOT NULL,
	"comment" boolean NOT NULL,
	"anonymous" boolean NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "surveys_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "surveys_status_ck" CHECK ("surveys"."status" in ('open', 'closed'))
);
--> statement-breakpoint
ALTER TABLE "insight_runs" ADD CONSTRAINT "insight_runs_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insight_secrets" ADD CONSTRAINT "insight_secrets_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rfm_scores" ADD CONSTRAINT "rfm_scores_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_answers" ADD CONSTRAINT "survey_answers_survey_fk" FOREIGN KEY ("program_id","survey_id") REFERENCES "public"."surveys"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_answers" ADD CONSTRAINT "survey_answers_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_answers" ADD CONSTRAINT "survey_answers_contact_fk" FOREIGN KEY ("program_id","contact_id") REFERENCES "public"."contacts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rfm_scores_segment_idx" ON "rfm_scores" USING btree ("program_id","segment");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_answers_respondent_uq" ON "survey_answers" USING btree ("program_id","survey_id","respondent");--> statement-breakpoint
CREATE INDEX "survey_answers_time_idx" ON "survey_answers" USING btree ("program_id","answered_at");