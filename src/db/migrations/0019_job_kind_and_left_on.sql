CREATE TYPE "public"."job_kind" AS ENUM('regular', 'gig', 'seasonal', 'public_welfare', 'workshop', 'work_relief', 'self_employed');--> statement-breakpoint
ALTER TABLE "employment_records" ADD COLUMN "kind" "job_kind";--> statement-breakpoint
ALTER TABLE "workers" ADD COLUMN "left_on" date;--> statement-breakpoint
UPDATE "workers" SET "left_on" = ("updated_at" AT TIME ZONE 'Asia/Shanghai')::date WHERE "status" = 'left' AND "left_on" IS NULL;