CREATE TABLE "audit_log" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_log_program_id_id_pk" PRIMARY KEY("program_id","id")
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"type" text NOT NULL,
	"phase" text NOT NULL,
	"wallet_id" text NOT NULL,
	"account_id" text NOT NULL,
	"contact_id" text,
	"unit" text NOT NULL,
	"amount" bigint NOT NULL,
	"reason_code" text NOT NULL,
	"source_type" text NOT NULL,
	"source_id" text,
	"explanation" text NOT NULL,
	"related_entry_id" text,
	"counter_wallet_id" text,
	"resolve_by" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"written_off" bigint DEFAULT 0 NOT NULL,
	"actor" text,
	"effective_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "ledger_entries_amount_ck" CHECK ("ledger_entries"."amount" > 0),
	CONSTRAINT "ledger_entries_written_off_ck" CHECK ("ledger_entries"."written_off" >= 0 and "ledger_entries"."written_off" <= "ledger_entries"."amount")
);
--> statement-breakpoint
CREATE TABLE "ledger_lot_allocations" (
	"program_id" text NOT NULL,
	"entry_id" text NOT NULL,
	"lot_id" text NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "ledger_lot_allocations_program_id_entry_id_lot_id_pk" PRIMARY KEY("program_id","entry_id","lot_id"),
	CONSTRAINT "ledger_lot_allocations_nonzero_ck" CHECK ("ledger_lot_allocations"."amount" <> 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_lots" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"wallet_id" text NOT NULL,
	"entry_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"remaining" bigint NOT NULL,
	"earned_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	CONSTRAINT "ledger_lots_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "ledger_lots_remaining_ck" CHECK ("ledger_lots"."remaining" >= 0 and "ledger_lots"."remaining" <= "ledger_lots"."amount" and "ledger_lots"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_postings" (
	"program_id" text NOT NULL,
	"entry_id" text NOT NULL,
	"seq" integer NOT NULL,
	"wallet_id" text NOT NULL,
	"unit" text NOT NULL,
	"amount" bigint NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_postings_program_id_entry_id_seq_pk" PRIMARY KEY("program_id","entry_id","seq"),
	CONSTRAINT "ledger_postings_nonzero_ck" CHECK ("ledger_postings"."amount" <> 0)
);
--> statement-breakpoint
CREATE TABLE "wallets" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"account_id" text,
	"system_code" text,
	"unit" text NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"held" bigint DEFAULT 0 NOT NULL,
	"pending" bigint DEFAULT 0 NOT NULL,
	"debt" bigint DEFAULT 0 NOT NULL,
	"lifetime_earned" bigint DEFAULT 0 NOT NULL,
	"lifetime_redeemed" bigint DEFAULT 0 NOT NULL,
	"lifetime_expired" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wallets_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "wallets_owner_ck" CHECK (("wallets"."account_id" is null) <> ("wallets"."system_code" is null)),
	CONSTRAINT "wallets_member_sound_ck" CHECK ("wallets"."system_code" is not null or ("wallets"."balance" >= 0 and "wallets"."held" >= 0 and "wallets"."held" <= "wallets"."balance" and "wallets"."pending" >= 0 and "wallets"."debt" >= 0))
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_lots" ADD CONSTRAINT "ledger_lots_wallet_fk" FOREIGN KEY ("program_id","wallet_id") REFERENCES "public"."wallets"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_postings" ADD CONSTRAINT "ledger_postings_entry_fk" FOREIGN KEY ("program_id","entry_id") REFERENCES "public"."ledger_entries"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_postings" ADD CONSTRAINT "ledger_postings_wallet_fk" FOREIGN KEY ("program_id","wallet_id") REFERENCES "public"."wallets"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallets" ADD CONSTRAINT "wallets_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallets" ADD CONSTRAINT "wallets_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_resource_idx" ON "audit_log" USING btree ("program_id","resource_type","resource_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_key_uq" ON "ledger_entries" USING btree ("program_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "ledger_entries_wallet_idx" ON "ledger_entries" USING btree ("program_id","wallet_id","effective_at");--> statement-breakpoint
CREATE INDEX "ledger_entries_related_idx" ON "ledger_entries" USING btree ("program_id","related_entry_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_resolution_uq" ON "ledger_entries" USING btree ("program_id","related_entry_id") WHERE "ledger_entries"."phase" in ('post', 'void');--> statement-breakpoint
CREATE INDEX "ledger_entries_resolve_by_idx" ON "ledger_entries" USING btree ("program_id","resolve_by") WHERE "ledger_entries"."phase" in ('pending', 'hold');--> statement-breakpoint
CREATE INDEX "ledger_lot_allocations_lot_idx" ON "ledger_lot_allocations" USING btree ("program_id","lot_id");--> statement-breakpoint
CREATE INDEX "ledger_lots_wallet_idx" ON "ledger_lots" USING btree ("program_id","wallet_id","expires_at") WHERE "ledger_lots"."remaining" > 0;--> statement-breakpoint
CREATE INDEX "ledger_lots_expiry_idx" ON "ledger_lots" USING btree ("program_id","expires_at") WHERE "ledger_lots"."remaining" > 0;--> statement-breakpoint
CREATE INDEX "ledger_postings_wallet_idx" ON "ledger_postings" USING btree ("program_id","wallet_id","effective_at");--> statement-breakpoint
CREATE UNIQUE INDEX "wallets_account_unit_uq" ON "wallets" USING btree ("program_id","account_id","unit");--> statement-breakpoint
CREATE UNIQUE INDEX "wallets_system_unit_uq" ON "wallets" USING btree ("program_id","system_code","unit");