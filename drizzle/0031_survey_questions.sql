ALTER TABLE "survey_answers" ADD COLUMN "responses" jsonb;--> statement-breakpoint
ALTER TABLE "surveys" ADD COLUMN "questions" jsonb DEFAULT '[]'::jsonb NOT NULL;