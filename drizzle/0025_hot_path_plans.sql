ALTER TABLE "event_awards" DROP CONSTRAINT "event_awards_event_fk";
--> statement-breakpoint
ALTER TABLE "ledger_postings" DROP CONSTRAINT "ledger_postings_entry_fk";
--> statement-breakpoint
DROP INDEX "wallets_account_unit_uq";--> statement-breakpoint
DROP INDEX "wallets_system_unit_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "wallets_account_unit_uq" ON "wallets" USING btree ("program_id","account_id","unit") WHERE "wallets"."account_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "wallets_system_unit_uq" ON "wallets" USING btree ("program_id","system_code","unit") WHERE "wallets"."system_code" is not null;