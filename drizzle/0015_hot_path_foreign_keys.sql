ALTER TABLE "events" DROP CONSTRAINT "events_program_id_programs_id_fk";
--> statement-breakpoint
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_program_id_programs_id_fk";
--> statement-breakpoint
ALTER TABLE "ledger_postings" DROP CONSTRAINT "ledger_postings_wallet_fk";
