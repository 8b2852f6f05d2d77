CREATE TABLE "entitlement_uses" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"entitlement_id" text NOT NULL,
	"account_id" text NOT NULL,
	"term" integer NOT NULL,
	"reference" text,
	"used_by" text NOT NULL,
	"used_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entitlement_uses_program_id_id_pk" PRIMARY KEY("program_id","id")
);
--> statement-breakpoint
ALTER TABLE "entitlements" ADD COLUMN "uses_per_term" integer;--> statement-breakpoint
ALTER TABLE "entitlement_uses" ADD CONSTRAINT "entitlement_uses_entitlement_fk" FOREIGN KEY ("program_id","entitlement_id") REFERENCES "public"."entitlements"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "entitlement_uses_term_idx" ON "entitlement_uses" USING btree ("program_id","entitlement_id","term");