CREATE TYPE "public"."fair_kind" AS ENUM('on_site', 'live_stream', 'video');--> statement-breakpoint
CREATE TYPE "public"."fair_signup_status" AS ENUM('signed_up', 'waiting', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."fair_status" AS ENUM('draft', 'announced', 'live', 'ended', 'reported', 'cancelled');--> statement-breakpoint
CREATE TABLE "fair_signups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"fair_id" uuid NOT NULL,
	"worker_id" uuid NOT NULL,
	"status" "fair_signup_status" NOT NULL,
	"source" text NOT NULL,
	"queue" bigserial NOT NULL,
	"checked_in_at" timestamp with time zone,
	"checked_in_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fair_vacancies" (
	"fair_id" uuid NOT NULL,
	"vacancy_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"on_screen_at" timestamp with time zone,
	CONSTRAINT "fair_vacancies_fair_id_vacancy_id_pk" PRIMARY KEY("fair_id","vacancy_id")
);
--> statement-breakpoint
CREATE TABLE "job_fairs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "fair_kind" NOT NULL,
	"title" text NOT NULL,
	"region_code" text NOT NULL,
	"station_id" uuid,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"address" text,
	"lat" double precision,
	"lng" double precision,
	"stream_url" text,
	"audience" jsonb NOT NULL,
	"capacity" integer,
	"campaign" text,
	"status" "fair_status" DEFAULT 'draft' NOT NULL,
	"checkin_code" text NOT NULL,
	"on_screen_vacancy_id" uuid,
	"announced_at" timestamp with time zone,
	"live_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"report" jsonb,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "job_fairs_window" CHECK ("job_fairs"."ends_at" > "job_fairs"."starts_at"),
	CONSTRAINT "job_fairs_capacity" CHECK ("job_fairs"."capacity" is null or "job_fairs"."capacity" > 0)
);
--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "fair_id" uuid;--> statement-breakpoint
ALTER TABLE "fair_signups" ADD CONSTRAINT "fair_signups_fair_id_job_fairs_id_fk" FOREIGN KEY ("fair_id") REFERENCES "public"."job_fairs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_signups" ADD CONSTRAINT "fair_signups_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_signups" ADD CONSTRAINT "fair_signups_checked_in_by_accounts_id_fk" FOREIGN KEY ("checked_in_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_vacancies" ADD CONSTRAINT "fair_vacancies_fair_id_job_fairs_id_fk" FOREIGN KEY ("fair_id") REFERENCES "public"."job_fairs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fair_vacancies" ADD CONSTRAINT "fair_vacancies_vacancy_id_vacancies_id_fk" FOREIGN KEY ("vacancy_id") REFERENCES "public"."vacancies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_fairs" ADD CONSTRAINT "job_fairs_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_fairs" ADD CONSTRAINT "job_fairs_station_id_stations_id_fk" FOREIGN KEY ("station_id") REFERENCES "public"."stations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_fairs" ADD CONSTRAINT "job_fairs_on_screen_vacancy_id_vacancies_id_fk" FOREIGN KEY ("on_screen_vacancy_id") REFERENCES "public"."vacancies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_fairs" ADD CONSTRAINT "job_fairs_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fair_signups_unique_idx" ON "fair_signups" USING btree ("fair_id","worker_id");--> statement-breakpoint
CREATE INDEX "fair_signups_fair_idx" ON "fair_signups" USING btree ("fair_id","status","queue");--> statement-breakpoint
CREATE INDEX "fair_signups_worker_idx" ON "fair_signups" USING btree ("worker_id");--> statement-breakpoint
CREATE UNIQUE INDEX "fair_vacancies_seq_idx" ON "fair_vacancies" USING btree ("fair_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "job_fairs_checkin_code_idx" ON "job_fairs" USING btree ("checkin_code");--> statement-breakpoint
CREATE INDEX "job_fairs_region_idx" ON "job_fairs" USING btree ("region_code" text_pattern_ops,"starts_at");--> statement-breakpoint
CREATE INDEX "job_fairs_status_idx" ON "job_fairs" USING btree ("status","starts_at");--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_fair_id_job_fairs_id_fk" FOREIGN KEY ("fair_id") REFERENCES "public"."job_fairs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "applications_fair_idx" ON "applications" USING btree ("fair_id") WHERE "applications"."fair_id" is not null;