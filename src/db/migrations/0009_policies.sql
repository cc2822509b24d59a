CREATE TYPE "public"."policy_audience" AS ENUM('worker', 'employer', 'agency');--> statement-breakpoint
CREATE TYPE "public"."policy_mode" AS ENUM('instant', 'direct', 'ordinary');--> statement-breakpoint
CREATE TABLE "policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"version" integer NOT NULL,
	"current" boolean DEFAULT true NOT NULL,
	"title" jsonb NOT NULL,
	"summary" jsonb NOT NULL,
	"audience" "policy_audience" NOT NULL,
	"benefit" jsonb NOT NULL,
	"rule" jsonb NOT NULL,
	"apply" jsonb NOT NULL,
	"mode" "policy_mode" DEFAULT 'ordinary' NOT NULL,
	"region_code" text DEFAULT '' NOT NULL,
	"overrides" text,
	"valid_from" date,
	"valid_to" date,
	"source" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"policy_key" text NOT NULL,
	"policy_id" uuid NOT NULL,
	"worker_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_one_source";--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "notice_id" uuid;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_notices" ADD CONSTRAINT "policy_notices_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_notices" ADD CONSTRAINT "policy_notices_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "policies_version_idx" ON "policies" USING btree ("key","version");--> statement-breakpoint
CREATE UNIQUE INDEX "policies_current_idx" ON "policies" USING btree ("key") WHERE "policies"."current";--> statement-breakpoint
CREATE INDEX "policies_region_idx" ON "policies" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "policy_notices_once_idx" ON "policy_notices" USING btree ("policy_key","worker_id");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_notice_id_policy_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."policy_notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_notice_idx" ON "deliveries" USING btree ("notice_id");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_one_source" CHECK (num_nonnulls("deliveries"."broadcast_id", "deliveries"."step_id", "deliveries"."notice_id") = 1);