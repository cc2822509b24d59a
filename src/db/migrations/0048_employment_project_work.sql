ALTER TABLE "employment_records" ADD COLUMN "project_work" boolean DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE "employment_records" SET "project_work" = true WHERE "id" IN (SELECT "employment_record_id" FROM "project_workers" WHERE "employment_record_id" IS NOT NULL);
