ALTER TABLE "programs" ADD COLUMN "archived_at" timestamp with time zone;--> statement-breakpoint
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
