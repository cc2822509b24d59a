CREATE TYPE "public"."payment_kind" AS ENUM('subsidy', 'wage');--> statement-breakpoint
CREATE TYPE "public"."project_kind" AS ENUM('workshop', 'work_relief', 'labour_cooperative', 'labour_base', 'labour_brand', 'cooperation_alliance');--> statement-breakpoint
CREATE TYPE "public"."target_metric" AS ENUM('employed', 'public_welfare', 'trained', 'zero_employment_households');--> statement-breakpoint
CREATE TYPE "public"."notice_audience" AS ENUM('administrators', 'staff');--> statement-breakpoint
CREATE TYPE "public"."notice_reach" AS ENUM('region_and_above', 'region_and_below');--> statement-breakpoint
ALTER TYPE "public"."warning_kind" ADD VALUE 'pw_several_posts';--> statement-breakpoint
ALTER TYPE "public"."warning_kind" ADD VALUE 'pw_rotation';--> statement-breakpoint
ALTER TYPE "public"."warning_kind" ADD VALUE 'pw_no_longer_needed';--> statement-breakpoint
ALTER TYPE "public"."warning_kind" ADD VALUE 'pw_subsidy_overdue';--> statement-breakpoint
ALTER TYPE "public"."warning_kind" ADD VALUE 'wr_wage_overdue';--> statement-breakpoint
ALTER TYPE "public"."warning_kind" ADD VALUE 'wr_wage_late';--> statement-breakpoint
ALTER TYPE "public"."warning_kind" ADD VALUE 'wr_wage_short';--> statement-breakpoint
CREATE TABLE "employment_payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"record_id" uuid NOT NULL,
	"worker_id" uuid NOT NULL,
	"kind" "payment_kind" NOT NULL,
	"period" text NOT NULL,
	"due_on" date NOT NULL,
	"amount_due_fen" integer NOT NULL,
	"paid_on" date,
	"amount_paid_fen" integer,
	"note" text,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "employment_payments_amounts" CHECK ("employment_payments"."amount_due_fen" >= 0 and ("employment_payments"."amount_paid_fen" is null or "employment_payments"."amount_paid_fen" >= 0)),
	CONSTRAINT "employment_payments_paid_pair" CHECK (("employment_payments"."paid_on" is null) = ("employment_payments"."amount_paid_fen" is null))
);
--> statement-breakpoint
CREATE TABLE "assistance_projects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "project_kind" NOT NULL,
	"name" text NOT NULL,
	"summary" text,
	"region_code" text NOT NULL,
	"employer_id" uuid,
	"started_on" date NOT NULL,
	"ended_on" date,
	"jobs_total" integer DEFAULT 0 NOT NULL,
	"jobs_lifted" integer DEFAULT 0 NOT NULL,
	"key_county" boolean DEFAULT false NOT NULL,
	"relocation_site" boolean DEFAULT false NOT NULL,
	"yellow_river_site" boolean DEFAULT false NOT NULL,
	"contact_name" text,
	"contact_phone_enc" text,
	"contact_phone_masked" text,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assistance_projects_jobs" CHECK ("assistance_projects"."jobs_total" >= 0 and "assistance_projects"."jobs_lifted" >= 0 and "assistance_projects"."jobs_lifted" <= "assistance_projects"."jobs_total"),
	CONSTRAINT "assistance_projects_dates" CHECK ("assistance_projects"."ended_on" is null or "assistance_projects"."ended_on" >= "assistance_projects"."started_on")
);
--> statement-breakpoint
CREATE TABLE "monitoring_targets" (
	"region_code" text NOT NULL,
	"year" integer NOT NULL,
	"metric" "target_metric" NOT NULL,
	"value" integer NOT NULL,
	"set_by" uuid,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitoring_targets_region_code_year_metric_pk" PRIMARY KEY("region_code","year","metric"),
	CONSTRAINT "monitoring_targets_value" CHECK ("monitoring_targets"."value" >= 0)
);
--> statement-breakpoint
CREATE TABLE "staff_notice_reads" (
	"notice_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"read_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_notice_reads_notice_id_account_id_pk" PRIMARY KEY("notice_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "staff_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"region_code" text NOT NULL,
	"reach" "notice_reach" NOT NULL,
	"audience" "notice_audience" DEFAULT 'administrators' NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"link" jsonb,
	"dedupe_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_notices_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
ALTER TABLE "warnings" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "employment_payments" ADD CONSTRAINT "employment_payments_record_id_employment_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."employment_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employment_payments" ADD CONSTRAINT "employment_payments_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employment_payments" ADD CONSTRAINT "employment_payments_recorded_by_accounts_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistance_projects" ADD CONSTRAINT "assistance_projects_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistance_projects" ADD CONSTRAINT "assistance_projects_employer_id_employers_id_fk" FOREIGN KEY ("employer_id") REFERENCES "public"."employers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistance_projects" ADD CONSTRAINT "assistance_projects_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_targets" ADD CONSTRAINT "monitoring_targets_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_targets" ADD CONSTRAINT "monitoring_targets_set_by_accounts_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_notice_reads" ADD CONSTRAINT "staff_notice_reads_notice_id_staff_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."staff_notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_notice_reads" ADD CONSTRAINT "staff_notice_reads_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "employment_payments_period_idx" ON "employment_payments" USING btree ("record_id","period");--> statement-breakpoint
CREATE INDEX "employment_payments_due_idx" ON "employment_payments" USING btree ("due_on");--> statement-breakpoint
CREATE INDEX "assistance_projects_region_idx" ON "assistance_projects" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "staff_notices_region_idx" ON "staff_notices" USING btree ("region_code" text_pattern_ops,"created_at");