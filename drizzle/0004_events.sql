CREATE TABLE "event_awards" (
	"program_id" text NOT NULL,
	"event_id" text NOT NULL,
	"seq" integer NOT NULL,
	"rule_id" text NOT NULL,
	"rule_version" integer NOT NULL,
	"account_id" text NOT NULL,
	"kind" text NOT NULL,
	"unit" text NOT NULL,
	"amount" bigint NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"entry_id" text,
	"replacement_entry_id" text,
	"reverses_event_id" text,
	"reverses_seq" integer,
	CONSTRAINT "event_awards_program_id_event_id_seq_pk" PRIMARY KEY("program_id","event_id","seq"),
	CONSTRAINT "event_awards_kind_ck" CHECK ("event_awards"."kind" in ('points', 'cashback', 'tier_credit')),
	CONSTRAINT "event_awards_sign_ck" CHECK (("event_awards"."reverses_event_id" is null and "event_awards"."amount" > 0) or ("event_awards"."reverses_event_id" is not null and "event_awards"."amount" < 0))
);
--> statement-breakpoint
CREATE TABLE "event_types" (
	"program_id" text NOT NULL,
	"type" text NOT NULL,
	"description" text,
	"attributes_schema" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_types_program_id_type_pk" PRIMARY KEY("program_id","type")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"external_id" text NOT NULL,
	"type" text NOT NULL,
	"account_id" text NOT NULL,
	"contact_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"currency" text,
	"amount" text,
	"base_currency" text NOT NULL,
	"base_amount" bigint,
	"fx_rate" text,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"references" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"original_event_id" text,
	"fingerprint" text NOT NULL,
	"evaluation" jsonb NOT NULL,
	CONSTRAINT "events_program_id_id_pk" PRIMARY KEY("program_id","id")
);
--> statement-breakpoint
CREATE TABLE "fx_rates" (
	"program_id" text NOT NULL,
	"currency" text NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"rate" text NOT NULL,
	"actor" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fx_rates_program_id_currency_effective_from_pk" PRIMARY KEY("program_id","currency","effective_from")
);
--> statement-breakpoint
CREATE TABLE "rule_versions" (
	"program_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"version" integer NOT NULL,
	"document" jsonb NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"actor" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rule_versions_program_id_rule_id_version_pk" PRIMARY KEY("program_id","rule_id","version")
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rules_program_id_id_pk" PRIMARY KEY("program_id","id")
);
--> statement-breakpoint
ALTER TABLE "event_awards" ADD CONSTRAINT "event_awards_event_fk" FOREIGN KEY ("program_id","event_id") REFERENCES "public"."events"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_types" ADD CONSTRAINT "event_types_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fx_rates" ADD CONSTRAINT "fx_rates_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_versions" ADD CONSTRAINT "rule_versions_rule_fk" FOREIGN KEY ("program_id","rule_id") REFERENCES "public"."rules"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_awards_rule_account_idx" ON "event_awards" USING btree ("program_id","rule_id","account_id","occurred_at");--> statement-breakpoint
CREATE INDEX "event_awards_reverses_idx" ON "event_awards" USING btree ("program_id","reverses_event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "events_external_id_uq" ON "events" USING btree ("program_id","external_id");--> statement-breakpoint
CREATE INDEX "events_account_idx" ON "events" USING btree ("program_id","account_id","occurred_at");--> statement-breakpoint
CREATE INDEX "events_original_idx" ON "events" USING btree ("program_id","original_event_id");--> statement-breakpoint
CREATE INDEX "rule_versions_effective_idx" ON "rule_versions" USING btree ("program_id","effective_from");