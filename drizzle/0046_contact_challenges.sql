-- Contact challenges (decision 0061): completions and joinings are keyed by their subject (the
-- account, or the contact of a contact challenge). Existing rows are the accounts'. Reordered by
-- hand: the columns are added and filled before the keys move to them.
ALTER TABLE "challenge_completions" ADD COLUMN "subject_id" text;--> statement-breakpoint
ALTER TABLE "challenge_completions" ADD COLUMN "contact_id" text;--> statement-breakpoint
ALTER TABLE "challenge_enrolments" ADD COLUMN "subject_id" text;--> statement-breakpoint
ALTER TABLE "challenge_enrolments" ADD COLUMN "contact_id" text;--> statement-breakpoint
UPDATE "challenge_completions" SET "subject_id" = "account_id";--> statement-breakpoint
UPDATE "challenge_enrolments" SET "subject_id" = "account_id";--> statement-breakpoint
ALTER TABLE "challenge_completions" ALTER COLUMN "subject_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "challenge_enrolments" ALTER COLUMN "subject_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "challenge_completions" DROP CONSTRAINT "challenge_completions_program_id_challenge_code_account_id_window_key_pk";--> statement-breakpoint
ALTER TABLE "challenge_enrolments" DROP CONSTRAINT "challenge_enrolments_program_id_challenge_code_account_id_pk";--> statement-breakpoint
ALTER TABLE "challenge_completions" ADD CONSTRAINT "challenge_completions_program_id_challenge_code_subject_id_window_key_pk" PRIMARY KEY("program_id","challenge_code","subject_id","window_key");--> statement-breakpoint
ALTER TABLE "challenge_enrolments" ADD CONSTRAINT "challenge_enrolments_program_id_challenge_code_subject_id_pk" PRIMARY KEY("program_id","challenge_code","subject_id");--> statement-breakpoint
ALTER TABLE "challenge_completions" ADD CONSTRAINT "challenge_completions_contact_fk" FOREIGN KEY ("program_id","contact_id") REFERENCES "public"."contacts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "challenge_enrolments" ADD CONSTRAINT "challenge_enrolments_contact_fk" FOREIGN KEY ("program_id","contact_id") REFERENCES "public"."contacts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "challenge_completions_contact_idx" ON "challenge_completions" USING btree ("program_id","contact_id") WHERE "challenge_completions"."contact_id" is not null;--> statement-breakpoint
CREATE INDEX "challenge_enrolments_account_idx" ON "challenge_enrolments" USING btree ("program_id","challenge_code","account_id");--> statement-breakpoint
ALTER TABLE "challenge_completions" ADD CONSTRAINT "challenge_completions_subject_ck" CHECK ("challenge_completions"."subject_id" = coalesce("challenge_completions"."contact_id", "challenge_completions"."account_id"));--> statement-breakpoint
ALTER TABLE "challenge_enrolments" ADD CONSTRAINT "challenge_enrolments_subject_ck" CHECK ("challenge_enrolments"."subject_id" = coalesce("challenge_enrolments"."contact_id", "challenge_enrolments"."account_id"));
