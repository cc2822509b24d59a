CREATE TYPE "public"."health_status" AS ENUM('healthy', 'chronic_illness', 'serious_illness', 'disabled');--> statement-breakpoint
CREATE TYPE "public"."labor_capacity" AS ENUM('full', 'partial', 'weak', 'none');--> statement-breakpoint
CREATE TYPE "public"."monitoring_type" AS ENUM('unstable', 'marginal', 'sudden_hardship');--> statement-breakpoint
CREATE TYPE "public"."record_source" AS ENUM('import', 'station', 'self_report', 'market');--> statement-breakpoint
CREATE TYPE "public"."sex" AS ENUM('male', 'female');--> statement-breakpoint
CREATE TYPE "public"."work_intention" AS ENUM('in_county', 'out_of_county');--> statement-breakpoint
CREATE TYPE "public"."worker_category" AS ENUM('lifted', 'monitored', 'low_income');--> statement-breakpoint
CREATE TYPE "public"."worker_status" AS ENUM('active', 'left');--> statement-breakpoint
CREATE TYPE "public"."import_status" AS ENUM('queued', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TABLE "employment_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"worker_id" uuid NOT NULL,
	"employer_name" text,
	"place" text,
	"place_region_code" text,
	"start_date" date NOT NULL,
	"end_date" date,
	"monthly_income_fen" integer,
	"source" "record_source" NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "employment_dates" CHECK ("employment_records"."end_date" is null or "employment_records"."end_date" >= "employment_records"."start_date"),
	CONSTRAINT "employment_income" CHECK ("employment_records"."monthly_income_fen" is null or "employment_records"."monthly_income_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "households" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_code" text NOT NULL,
	"head_id_hash" text,
	"relocated" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "households_head_id_hash_unique" UNIQUE("head_id_hash")
);
--> statement-breakpoint
CREATE TABLE "training_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"worker_id" uuid NOT NULL,
	"title" text NOT NULL,
	"kind" text,
	"provider" text,
	"start_date" date NOT NULL,
	"end_date" date,
	"certificate" text,
	"source" "record_source" NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid,
	"name" text NOT NULL,
	"sex" "sex" NOT NULL,
	"birth_date" date NOT NULL,
	"id_number_enc" text NOT NULL,
	"id_number_hash" text NOT NULL,
	"id_number_masked" text NOT NULL,
	"phone_enc" text,
	"phone_hash" text,
	"phone_masked" text,
	"ethnicity" text,
	"political_status" text,
	"education" text,
	"health" "health_status",
	"labor_capacity" "labor_capacity" DEFAULT 'full' NOT NULL,
	"category" "worker_category" DEFAULT 'lifted' NOT NULL,
	"monitoring_type" "monitoring_type",
	"employed" boolean DEFAULT false NOT NULL,
	"intention" "work_intention",
	"service_needs" text[] DEFAULT '{}'::text[] NOT NULL,
	"skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"region_code" text NOT NULL,
	"home_lat" double precision,
	"home_lng" double precision,
	"preferred_language" text DEFAULT 'zh-CN' NOT NULL,
	"status" "worker_status" DEFAULT 'active' NOT NULL,
	"content_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_activity_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "workers_geo_pair" CHECK (("workers"."home_lat" is null) = ("workers"."home_lng" is null)),
	CONSTRAINT "workers_geo_range" CHECK ("workers"."home_lat" is null or ("workers"."home_lat" between -90 and 90 and "workers"."home_lng" between -180 and 180)),
	CONSTRAINT "workers_monitoring_type" CHECK (("workers"."category" = 'monitored') = ("workers"."monitoring_type" is not null))
);
--> statement-breakpoint
CREATE TABLE "import_rejections" (
	"import_id" uuid NOT NULL,
	"row" integer NOT NULL,
	"column" text,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"status" "import_status" DEFAULT 'queued' NOT NULL,
	"file_name" text NOT NULL,
	"file" "bytea",
	"region_code" text NOT NULL,
	"created_by" uuid NOT NULL,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"processed_rows" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "can_reveal_pii" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "employment_records" ADD CONSTRAINT "employment_records_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employment_records" ADD CONSTRAINT "employment_records_recorded_by_accounts_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_records" ADD CONSTRAINT "training_records_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_records" ADD CONSTRAINT "training_records_recorded_by_accounts_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workers" ADD CONSTRAINT "workers_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workers" ADD CONSTRAINT "workers_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_rejections" ADD CONSTRAINT "import_rejections_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "employment_worker_idx" ON "employment_records" USING btree ("worker_id","start_date");--> statement-breakpoint
CREATE INDEX "households_region_idx" ON "households" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "training_worker_idx" ON "training_records" USING btree ("worker_id","start_date");--> statement-breakpoint
CREATE UNIQUE INDEX "workers_id_hash_idx" ON "workers" USING btree ("id_number_hash");--> statement-breakpoint
CREATE INDEX "workers_phone_hash_idx" ON "workers" USING btree ("phone_hash");--> statement-breakpoint
CREATE INDEX "workers_region_idx" ON "workers" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "workers_household_idx" ON "workers" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "import_rejections_idx" ON "import_rejections" USING btree ("import_id","row");--> statement-breakpoint
CREATE INDEX "imports_region_idx" ON "imports" USING btree ("region_code" text_pattern_ops);