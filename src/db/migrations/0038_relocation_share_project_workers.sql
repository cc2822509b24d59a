ALTER TYPE "public"."project_kind" ADD VALUE 'government_investment';--> statement-breakpoint
ALTER TYPE "public"."project_kind" ADD VALUE 'public_service';--> statement-breakpoint
ALTER TYPE "public"."warning_kind" ADD VALUE 'relocation_share_short';--> statement-breakpoint
CREATE TABLE "project_workers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"worker_id" uuid NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"agreement_signed" boolean DEFAULT false NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_workers_dates" CHECK ("project_workers"."ends_on" is null or "project_workers"."ends_on" >= "project_workers"."starts_on")
);
--> statement-breakpoint
CREATE TABLE "relocation_job_shares" (
	"region_code" text PRIMARY KEY NOT NULL,
	"share_pct" integer NOT NULL,
	"set_by" uuid,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "relocation_job_shares_pct" CHECK ("relocation_job_shares"."share_pct" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "assistance_projects" ADD COLUMN "jobs_override_reason" text;--> statement-breakpoint
ALTER TABLE "project_workers" ADD CONSTRAINT "project_workers_project_id_assistance_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."assistance_projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_workers" ADD CONSTRAINT "project_workers_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_workers" ADD CONSTRAINT "project_workers_recorded_by_accounts_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relocation_job_shares" ADD CONSTRAINT "relocation_job_shares_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relocation_job_shares" ADD CONSTRAINT "relocation_job_shares_set_by_accounts_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "project_workers_project_idx" ON "project_workers" USING btree ("project_id","starts_on");--> statement-breakpoint
CREATE INDEX "project_workers_worker_idx" ON "project_workers" USING btree ("worker_id");--> statement-breakpoint
-- Work-relief projects typed their head-counts before the register linked people: those numbers stay, as an override with this reason.
UPDATE "assistance_projects" SET "jobs_override_reason" = '人员关联登记之前填报的人数' WHERE "kind" = 'work_relief' AND ("jobs_total" > 0 OR "jobs_lifted" > 0);
