CREATE TABLE "relocation_share_snapshots" (
	"month" text NOT NULL,
	"region_code" text NOT NULL,
	"subject" text NOT NULL,
	"project_id" uuid,
	"total" integer NOT NULL,
	"relocation" integer NOT NULL,
	"county_share_pct" integer,
	"closed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "relocation_share_snapshots_month_region_code_subject_pk" PRIMARY KEY("month","region_code","subject"),
	CONSTRAINT "relocation_share_snapshots_counts" CHECK ("relocation_share_snapshots"."relocation" >= 0 and "relocation_share_snapshots"."relocation" <= "relocation_share_snapshots"."total")
);
--> statement-breakpoint
ALTER TABLE "project_workers" ADD COLUMN "employment_record_id" uuid;--> statement-breakpoint
ALTER TABLE "relocation_share_snapshots" ADD CONSTRAINT "relocation_share_snapshots_project_id_assistance_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."assistance_projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_workers" ADD CONSTRAINT "project_workers_employment_record_id_employment_records_id_fk" FOREIGN KEY ("employment_record_id") REFERENCES "public"."employment_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "project_workers_record_idx" ON "project_workers" USING btree ("employment_record_id");--> statement-breakpoint
-- Links recorded before a link made its employment record get one now, with the link's dates, so the monthly
-- figures count them as in work (the record takes the link's id, which ties the two).
INSERT INTO "employment_records" ("id", "worker_id", "employer_name", "place", "place_region_code", "kind", "start_date", "end_date", "source", "recorded_by", "created_at")
SELECT l."id", l."worker_id", p."name", r."name", p."region_code", (CASE WHEN p."kind" = 'work_relief' THEN 'work_relief' ELSE 'regular' END)::job_kind, l."starts_on", l."ends_on", 'station', l."recorded_by", l."created_at"
FROM "project_workers" l JOIN "assistance_projects" p ON p."id" = l."project_id" LEFT JOIN "regions" r ON r."code" = p."region_code"
WHERE l."employment_record_id" IS NULL;--> statement-breakpoint
UPDATE "project_workers" SET "employment_record_id" = "id" WHERE "employment_record_id" IS NULL;--> statement-breakpoint
UPDATE "workers" SET "employed" = true WHERE "id" IN (SELECT "worker_id" FROM "project_workers" WHERE "starts_on" <= current_date AND ("ends_on" IS NULL OR "ends_on" >= current_date));
