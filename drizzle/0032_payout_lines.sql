CREATE TABLE "payout_lines" (
	"program_id" text NOT NULL,
	"line_id" text NOT NULL,
	"payout_id" text NOT NULL,
	CONSTRAINT "payout_lines_program_id_line_id_pk" PRIMARY KEY("program_id","line_id")
);
--> statement-breakpoint
DROP INDEX "commission_lines_payout_idx";--> statement-breakpoint
-- Hand-written: the lines already in a payout keep it (decision 0032).
INSERT INTO "payout_lines" ("program_id", "line_id", "payout_id")
SELECT "program_id", "id", "payout_id" FROM "commission_lines" WHERE "payout_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "commission_lines" DROP COLUMN "payout_id";