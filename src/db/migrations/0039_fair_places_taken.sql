ALTER TABLE "job_fairs" ADD COLUMN "taken" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "job_fairs" ADD CONSTRAINT "job_fairs_taken" CHECK ("job_fairs"."taken" >= 0);--> statement-breakpoint
-- The places already taken, counted once from the sign-ups; from here on the sign-up statements keep it.
UPDATE "job_fairs" f SET "taken" = s.n FROM (SELECT "fair_id", count(*)::int AS n FROM "fair_signups" WHERE "status" = 'signed_up' GROUP BY "fair_id") s WHERE s."fair_id" = f."id";
