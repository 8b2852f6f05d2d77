CREATE TABLE "commission_line_returns" (
	"program_id" text NOT NULL,
	"line_id" text NOT NULL,
	"return_event_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commission_line_returns_program_id_line_id_return_event_id_pk" PRIMARY KEY("program_id","line_id","return_event_id")
);
--> statement-breakpoint
CREATE TABLE "commission_sweeps" (
	"program_id" text PRIMARY KEY NOT NULL,
	"swept_at" timestamp with time zone NOT NULL,
	"swept_id" text DEFAULT '' NOT NULL,
	"schedule_since" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "commission_sweeps" ADD CONSTRAINT "commission_sweeps_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_received_idx" ON "events" USING btree ("program_id","received_at","id");--> statement-breakpoint
-- Programs that exist already sweep from now on: their returns were applied before commission_line_returns kept them (decision 0052).
INSERT INTO "commission_sweeps" ("program_id", "swept_at") SELECT "id", now() FROM "programs";
