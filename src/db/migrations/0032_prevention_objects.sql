ALTER TYPE "public"."monitoring_type" ADD VALUE 'other_at_risk';--> statement-breakpoint
ALTER TYPE "public"."worker_category" ADD VALUE 'at_risk';--> statement-breakpoint
ALTER TABLE "workers" DROP CONSTRAINT "workers_monitoring_type";--> statement-breakpoint
ALTER TABLE "workers" ADD CONSTRAINT "workers_other_at_risk" CHECK ("workers"."monitoring_type" is null or "workers"."monitoring_type"::text <> 'other_at_risk' or "workers"."category"::text = 'at_risk');--> statement-breakpoint
ALTER TABLE "workers" ADD CONSTRAINT "workers_monitoring_type" CHECK (("workers"."category"::text in ('monitored', 'at_risk')) = ("workers"."monitoring_type" is not null));