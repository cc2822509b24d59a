CREATE TYPE "public"."warning_kind" AS ENUM('region_decline', 'lost_job', 'income_drop', 'zero_employment_household');--> statement-breakpoint
CREATE TYPE "public"."warning_status" AS ENUM('open', 'acknowledged', 'closed');--> statement-breakpoint
CREATE TABLE "warnings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "warning_kind" NOT NULL,
	"region_code" text NOT NULL,
	"worker_id" uuid,
	"household_id" uuid,
	"dedupe_key" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "warning_status" DEFAULT 'open' NOT NULL,
	"acknowledged_by" uuid,
	"acknowledged_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "warnings_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_acknowledged_by_accounts_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "warnings_region_idx" ON "warnings" USING btree ("region_code" text_pattern_ops,"status");--> statement-breakpoint
CREATE INDEX "warnings_household_idx" ON "warnings" USING btree ("household_id");