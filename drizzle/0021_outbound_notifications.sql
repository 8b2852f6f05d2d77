CREATE TABLE "expiry_notices" (
	"program_id" text NOT NULL,
	"lot_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "expiry_notices_program_id_lot_id_expires_at_pk" PRIMARY KEY("program_id","lot_id","expires_at")
);
--> statement-breakpoint
CREATE TABLE "notification_mails" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"contact_id" text NOT NULL,
	"account_id" text NOT NULL,
	"message_id" text,
	"period" text,
	"state" text DEFAULT 'pending' NOT NULL,
	"queued" boolean DEFAULT false NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"to_address" text,
	"subject" text,
	"locale" text,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "notification_mails_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "notification_mails_state_ck" CHECK ("notification_mails"."state" in ('pending', 'sent', 'skipped', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "notification_opt_outs" (
	"program_id" text NOT NULL,
	"contact_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_opt_outs_program_id_contact_id_pk" PRIMARY KEY("program_id","contact_id")
);
--> statement-breakpoint
CREATE TABLE "statement_runs" (
	"program_id" text NOT NULL,
	"period" text NOT NULL,
	"mails" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "statement_runs_program_id_period_pk" PRIMARY KEY("program_id","period")
);
--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "notified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "expiry_notices" ADD CONSTRAINT "expiry_notices_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_mails" ADD CONSTRAINT "notification_mails_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_opt_outs" ADD CONSTRAINT "notification_opt_outs_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statement_runs" ADD CONSTRAINT "statement_runs_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notification_mails_key_uq" ON "notification_mails" USING btree ("program_id","key");--> statement-breakpoint
CREATE INDEX "notification_mails_unqueued_idx" ON "notification_mails" USING btree ("created_at") WHERE queued = false;--> statement-breakpoint
CREATE INDEX "outbox_messages_unnotified_idx" ON "outbox_messages" USING btree ("created_at") WHERE notified_at is null;--> statement-breakpoint
-- hand-written: outbound-notifications
-- Messages written before the mailer existed are not mailed.
UPDATE "outbox_messages" SET "notified_at" = "created_at" WHERE "notified_at" IS NULL;
