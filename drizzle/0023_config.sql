CREATE TABLE "account_relationships" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"from_account_id" text NOT NULL,
	"to_account_id" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_relationships_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "account_relationships_self_ck" CHECK ("account_relationships"."from_account_id" <> "account_relationships"."to_account_id"),
	CONSTRAINT "account_relationships_dates_ck" CHECK ("account_relationships"."ends_at" is null or "account_relationships"."ends_at" > "account_relationships"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "entitlement_grants" (
	"program_id" text NOT NULL,
	"id" text NOT NULL,
	"account_id" text NOT NULL,
	"key" text NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone,
	"reason" text,
	"granted_by" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entitlement_grants_program_id_id_pk" PRIMARY KEY("program_id","id"),
	CONSTRAINT "entitlement_grants_validity_ck" CHECK ("entitlement_grants"."valid_until" is null or "entitlement_grants"."valid_until" > "entitlement_grants"."valid_from")
);
--> statement-breakpoint
ALTER TABLE "programs" ADD COLUMN "archived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "account_relationships" ADD CONSTRAINT "account_relationships_from_fk" FOREIGN KEY ("program_id","from_account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_relationships" ADD CONSTRAINT "account_relationships_to_fk" FOREIGN KEY ("program_id","to_account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entitlement_grants" ADD CONSTRAINT "entitlement_grants_account_fk" FOREIGN KEY ("program_id","account_id") REFERENCES "public"."accounts"("program_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_relationships_from_idx" ON "account_relationships" USING btree ("program_id","from_account_id","type");--> statement-breakpoint
CREATE INDEX "account_relationships_to_idx" ON "account_relationships" USING btree ("program_id","to_account_id","type");--> statement-breakpoint
CREATE INDEX "entitlement_grants_check_idx" ON "entitlement_grants" USING btree ("program_id","account_id","key");--> statement-breakpoint
-- hand-written: config
-- Branding is one program setting (decision 0024): the portal's name, logo and colours move to settings.branding.
UPDATE "programs"
SET "settings" = "settings" || jsonb_build_object(
  'portal', ("settings"->'portal') - 'name' - 'logoUrl' - 'colors',
  'branding', jsonb_strip_nulls(jsonb_build_object(
    'displayName', "settings"->'portal'->'name',
    'logoUrl', "settings"->'portal'->'logoUrl',
    'colors', "settings"->'portal'->'colors')))
WHERE jsonb_typeof("settings"->'portal') = 'object'
  AND NOT "settings" ? 'branding'
  AND ("settings"->'portal') ?| array['name', 'logoUrl', 'colors'];
