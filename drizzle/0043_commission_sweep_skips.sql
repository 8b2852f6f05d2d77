CREATE TABLE "commission_sweep_skips" (
	"program_id" text NOT NULL,
	"event_id" text NOT NULL,
	"external_id" text NOT NULL,
	"received_at" text NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"last_error" text NOT NULL,
	"first_failed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_failed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"skipped_at" timestamp with time zone,
	CONSTRAINT "commission_sweep_skips_program_id_event_id_pk" PRIMARY KEY("program_id","event_id")
);
--> statement-breakpoint
ALTER TABLE "commission_sweep_skips" ADD CONSTRAINT "commission_sweep_skips_program_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;